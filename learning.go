package bottega

import "time"

// LessonProgress is where a learner is in one lesson. The position is the
// step id and its index, with the lesson's step ids at the time, so that it
// can be mapped onto a later version of the lesson.
type LessonProgress struct {
	LearnerID int64  `json:"-"`
	LessonID  string `json:"lesson_id"`
	// StepID is the current step; empty when the steps are finished
	// (StepIndex is then the number of steps).
	StepID    string   `json:"step_id"`
	StepIndex int      `json:"step_index"`
	StepIDs   []string `json:"-"`
	// Reached is how many steps the learner read one after the other
	// from the first (the index of the furthest step reached that way):
	// the lesson is finished when it is len(StepIDs).
	Reached    int        `json:"-"`
	Version    int64      `json:"curriculum_version"`
	StartedAt  time.Time  `json:"started_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	// The latest full quiz: right answers of total, when.
	QuizRight int        `json:"quiz_right"`
	QuizTotal int        `json:"quiz_total"`
	QuizAt    *time.Time `json:"quiz_at,omitempty"`
}

// Where an answer was given.
const (
	SourceQuiz   = "quiz"
	SourceReview = "review"
)

// Answer is one answer to a quiz question, in a quiz or a review.
type Answer struct {
	LearnerID  int64     `db:"learner_id" json:"-"`
	LessonID   string    `db:"lesson_id" json:"lesson_id"`
	QuestionID string    `db:"question_id" json:"question_id"`
	Choice     int       `db:"choice" json:"choice"`
	Correct    bool      `db:"correct" json:"correct"`
	Source     string    `db:"source" json:"source"`
	Version    int64     `db:"version" json:"curriculum_version"`
	At         time.Time `db:"answered_at" json:"at"`
}

// ReviewItem is a question scheduled to come back to a learner: it is due
// from DueAt on, and Box (1 to 5) says how well it is known.
type ReviewItem struct {
	LearnerID  int64     `db:"learner_id" json:"-"`
	LessonID   string    `db:"lesson_id" json:"lesson_id"`
	QuestionID string    `db:"question_id" json:"question_id"`
	Box        int       `db:"box" json:"box"`
	DueAt      time.Time `db:"due_at" json:"due_at"`
	UpdatedAt  time.Time `db:"updated_at" json:"updated_at"`
}

// AskedQuestion is a free-form question a learner asked, as their data
// export shows it.
type AskedQuestion struct {
	Text    string    `db:"text"`
	Locale  string    `db:"locale"`
	AskedAt time.Time `db:"asked_at"`
	// Mode says how it was answered: llm, offline, fallback or uncovered
	// ("" while unanswered).
	Mode    string   `db:"mode"`
	Lessons []string `db:"-"`
	// Answer is the answer as kept for follow-up questions ("" if none).
	Answer string `db:"answer"`
	// Helpful is the learner's feedback on the answer, if they gave any.
	Helpful *bool `db:"helpful"`
}

// Question is a free-form question a learner asked the assistant.
type Question struct {
	ID         int64      `db:"id"`
	LearnerID  int64      `db:"learner_id"`
	Locale     string     `db:"locale"`
	Text       string     `db:"text"`
	AskedAt    time.Time  `db:"asked_at"`
	AnsweredAt *time.Time `db:"answered_at"`
	Mode       string     `db:"mode"`
	Unanswered bool       `db:"unanswered"`
	// Lessons are the lessons the answer cited.
	Lessons []string `db:"-"`
	// MessageID and Answer are where an unanswered question's answer
	// stands: the chat message being written, and the finished answer
	// (JSON) not yet marked as answered. Both are empty once it is.
	MessageID string `db:"message_id"`
	Answer    []byte `db:"answer"`
}

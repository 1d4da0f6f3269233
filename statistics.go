package bottega

import (
	"context"
	"time"
)

// StatsService gives the figures of the console's overview and the
// questions that tell content authors what to write next. store.Statistics
// implements it.
type StatsService interface {
	// Overview counts learners, activity, lessons and questions up to
	// today (the date, in DefaultTimezone).
	Overview(ctx context.Context, today time.Time) (Overview, error)
	// FindQuestions lists learners' questions to the assistant, the
	// newest first.
	FindQuestions(ctx context.Context, f QuestionFilter) ([]QuestionReport, error)
}

// RecentDays is the window of the overview's figures on quizzes and
// questions.
const RecentDays = 30

// Overview is what the console shows first.
type Overview struct {
	Learners int // not blocked
	Active7  int // active in the last 7 days, today included
	Active30 int
	// LessonsFinished counts the lessons learners finished (every step).
	LessonsFinished int
	// Answers and Correct count the quiz answers of the last RecentDays.
	Answers int
	Correct int
	// Funnel is, per lesson anyone opened, how far learners got.
	Funnel []LessonFunnel
	// Questions counts the questions asked in the last RecentDays, by how
	// they were answered (llm, offline, fallback, uncovered; "" while
	// unanswered), and the answers rated helpful or not.
	Questions map[string]int
	Helpful   int
	Unhelpful int
}

// Accuracy is the share of right quiz answers, 0 to 1.
func (o Overview) Accuracy() float64 {
	if o.Answers == 0 {
		return 0
	}
	return float64(o.Correct) / float64(o.Answers)
}

// QuestionsAsked sums Questions.
func (o Overview) QuestionsAsked() int {
	n := 0
	for _, v := range o.Questions {
		n += v
	}
	return n
}

// LessonFunnel is how far learners got in one lesson.
type LessonFunnel struct {
	LessonID string `db:"lesson_id"`
	Started  int    `db:"started"`
	Finished int    `db:"finished"`
	// Passed counts learners whose latest full quiz had at least
	// PassPercent right answers.
	Passed int `db:"passed"`
}

// PassPercent is the share of right answers that passes a quiz.
const PassPercent = 70

// Question kinds a QuestionFilter keeps.
const (
	QuestionsUncovered = "uncovered" // the lessons did not answer them
	QuestionsUnhelpful = "unhelpful" // the learner rated the answer 👎
)

// QuestionFilter chooses questions to list.
type QuestionFilter struct {
	Kind  string
	Limit int // default 50
}

// QuestionReport is a question with how it was answered and from where.
type QuestionReport struct {
	ID      int64     `db:"id"`
	Text    string    `db:"text"`
	Locale  string    `db:"locale"`
	AskedAt time.Time `db:"asked_at"`
	Mode    string    `db:"mode"`
	// Lessons are the lessons the answer drew on.
	Lessons []string `db:"-"`
	Answer  string   `db:"answer"`
	Helpful *bool    `db:"helpful"`
}

package bottega

// Passage is a searchable piece of a lesson in one locale: its summary, a
// step or a quiz explanation.
type Passage struct {
	ID            int64    `db:"id" json:"-"`
	VersionID     int64    `db:"version_id" json:"-"`
	TrackID       string   `db:"track_id" json:"track_id"`
	LessonID      string   `db:"lesson_id" json:"lesson_id"`
	Kind          string   `db:"kind" json:"kind"` // PassageSummary, PassageStep or PassageQuiz
	Ref           string   `db:"ref" json:"ref"`   // the step or question id
	Position      int      `db:"position" json:"position"`
	Steps         int      `db:"steps" json:"steps"`
	Locale        string   `db:"locale" json:"locale"`
	Roles         []string `db:"-" json:"roles"`
	LessonLocales []string `db:"-" json:"lesson_locales"`
	Title         string   `db:"title" json:"title"`
	Body          string   `db:"body" json:"body"`
	// Task is the step's exercise, also in Body: an answer quoted from
	// the step never quotes it alone.
	Task string `db:"task" json:"task"`
	// Document: the step comes with a file (a template), which an
	// answer quoted from it does not carry.
	Document   bool   `db:"document" json:"document"`
	Keywords   string `db:"keywords" json:"keywords"`
	Tags       string `db:"tags" json:"tags"`
	VideoStart *int   `db:"video_start" json:"video_start"` // seconds
	// Spoken: the passage is what is said in the step's clip (from the
	// video's transcript), not the step's text.
	Spoken bool `db:"spoken" json:"spoken"`
	// Questions are those the lesson lists that this passage answers (in
	// the learners' words). They are searched with the keywords; kept
	// apart here for the embeddings, which are made of each one.
	Questions []string `db:"-" json:"-"`
	// Asked are the questions the step lists in languages its lesson is
	// not written in, by locale. Only the passage in the lesson's first
	// locale has them; they are searched as Questions are, never by the
	// full-text index (they have no passage of their language).
	Asked map[string][]string `db:"-" json:"-"`
}

// Passage kinds.
const (
	PassageSummary = "summary"
	PassageStep    = "step"
	PassageQuiz    = "quiz"
)

// PassageHit is a passage found by a search of the passages, best first.
type PassageHit struct {
	Passage
	// Score ranks the hits; Text is the share of the query's information
	// that the passage matches (0 to 1), Trigram the similarity of the
	// query to the lesson's title and keywords (0 to 1).
	Score    float64
	Text     float64
	Evidence float64 // the idf of the lexemes matched, in the title or keywords counting fully
	Trigram  float64
	// Raised is what Score gained because the step was raised by other
	// means than the query's words (see store.PassageQuery.Boost).
	Raised float64
	// Found is the locale of the copy that was scored, when the hit is
	// shown in another of its lesson's (see store.PassageQuery.Show).
	Found string
	// Scored is that copy, when the hit is shown in another: an offline
	// answer picks its sentences by the words of the copy scored.
	Scored *Passage `json:"-"`
}

// ShowAs puts p, a copy of the hit's passage in another locale, in its
// place; the copy scored first and its locale are kept in Scored and Found.
func (h *PassageHit) ShowAs(p Passage) {
	if h.Scored == nil {
		scored := h.Passage
		h.Scored, h.Found = &scored, h.Locale
	}
	h.Passage = p
}

package bottega

import (
	"encoding/json"
	"time"
)

// DrillTimer is a moment when something is due in a learner's drill run: an event
// arrives (Event is its index in the task) or the time to answer ends (Event is
// DrillDeadline).
type DrillTimer struct {
	ID        int64      `db:"id"`
	RunID     int64      `db:"run_id"`
	LearnerID int64      `db:"learner_id"`
	TaskID    string     `db:"task_id"`
	Event     int        `db:"event"`
	DueAt     time.Time  `db:"due_at"`
	DoneAt    *time.Time `db:"done_at"`
}

// DrillDeadline is the Event of the timer that ends the time to answer.
const DrillDeadline = -1

// DueDrillTimer is a timer due now, with the chat it is delivered to.
type DueDrillTimer struct {
	ID         int64  `db:"id"`
	ExternalID string `db:"external_id"`
	ChatID     string `db:"chat_id"`
	Locale     string `db:"locale"`
}

// DrillAnswer is what a learner wrote for a drill task, and its score.
type DrillAnswer struct {
	RunID     int64           `db:"run_id"`
	LearnerID int64           `db:"learner_id"`
	TaskID    string          `db:"task_id"`
	Answer    string          `db:"answer"`
	Score     int             `db:"score"`
	Verdict   string          `db:"verdict"`
	Result    json.RawMessage `db:"result"`
	At        time.Time       `db:"answered_at"`
}

package bottega

import (
	"encoding/json"
	"time"
)

// Broadcast kinds: a new lesson to take, or a message.
const (
	BroadcastLesson = "lesson"
	BroadcastText   = "text"
)

// Broadcast statuses.
const (
	BroadcastDraft     = "draft"
	BroadcastRunning   = "running"
	BroadcastPaused    = "paused"
	BroadcastCancelled = "cancelled"
	BroadcastDone      = "done"
)

// Audience chooses the learners of a broadcast. Empty lists match everyone.
type Audience struct {
	Platform  string   `json:"platform"`
	Roles     []string `json:"roles,omitempty"`
	Levels    []string `json:"levels,omitempty"`
	Languages []string `json:"languages,omitempty"`
	// Tracks keeps learners of these tracks: their role is one of the
	// track's (TrackRoles) or they opened one of its lessons (TrackLessons).
	// The caller resolves the track ids into both against the curriculum.
	Tracks       []string `json:"tracks,omitempty"`
	TrackRoles   []string `json:"track_roles,omitempty"`
	TrackLessons []string `json:"track_lessons,omitempty"`
	// ActiveDays keeps learners active in the last n days; InactiveDays
	// those not active in the last n days (0: either).
	ActiveDays   int `json:"active_days,omitempty"`
	InactiveDays int `json:"inactive_days,omitempty"`
}

// Broadcast is a message for many learners.
type Broadcast struct {
	ID              int64           `db:"id"`
	CreatedBy       string          `db:"created_by"`
	Platform        string          `db:"platform"`
	Kind            string          `db:"kind"`
	LessonID        string          `db:"lesson_id"`
	Text            string          `db:"text"`
	AudienceJSON    json.RawMessage `db:"audience"`
	Status          string          `db:"status"`
	Rate            float64         `db:"rate"`
	Total           int             `db:"total"`
	ProgressChat    string          `db:"progress_chat"`
	ProgressMessage string          `db:"progress_message"`
	ProgressLang    string          `db:"progress_lang"`
	CreatedAt       time.Time       `db:"created_at"`
	StartedAt       *time.Time      `db:"started_at"`
	FinishedAt      *time.Time      `db:"finished_at"`
}

// Audience decodes the broadcast's audience.
func (b Broadcast) Audience() Audience {
	var a Audience
	_ = json.Unmarshal(b.AudienceJSON, &a) // written by us; an unreadable one is empty
	return a
}

// Delivery kinds.
const (
	DeliveryBroadcast = "broadcast"
	DeliveryReminder  = "reminder"
)

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliverySending   = "sending"
	DeliverySent      = "sent"
	DeliveryFailed    = "failed"
	DeliveryBlocked   = "blocked"
	DeliveryCancelled = "cancelled"
	// DeliveryUncertain is a delivery whose send may or may not have
	// reached the learner (the process died between marking it sending and
	// recording the answer): it is never sent again.
	DeliveryUncertain = "uncertain"
	// DeliverySkipped is a delivery not sent because the platform would
	// refuse it (WhatsApp, outside the 24-hour window, with no template
	// for the learner's language).
	DeliverySkipped = "skipped"
)

// Delivery is one message of the queue, with what is needed to render and
// send it.
type Delivery struct {
	ID          int64           `db:"id"`
	BroadcastID *int64          `db:"broadcast_id"`
	LearnerID   int64           `db:"learner_id"`
	Kind        string          `db:"kind"`
	Day         *time.Time      `db:"day"`
	Payload     json.RawMessage `db:"payload"`
	Attempts    int             `db:"attempts"`
	// The learner's.
	ChatID string `db:"chat_id"`
	Locale string `db:"locale"`
	Name   string `db:"name"`
	// The broadcast's (empty for reminders).
	BroadcastKind string  `db:"broadcast_kind"`
	LessonID      string  `db:"lesson_id"`
	Text          string  `db:"text"`
	Rate          float64 `db:"rate"`
	// Blocked is set when the learner blocked the bot after the
	// delivery was queued: it is not sent.
	Blocked bool `db:"learner_blocked"`
}

// ReminderPayload is what a reminder nudges about.
type ReminderPayload struct {
	// Lesson is the lesson in progress, if any.
	Lesson string `json:"lesson,omitempty"`
	// Reviews counts the review questions due.
	Reviews int `json:"reviews,omitempty"`
}

// DeliveryCounts tells how far a broadcast is.
type DeliveryCounts struct {
	Pending   int `db:"pending"`
	Sending   int `db:"sending"`
	Sent      int `db:"sent"`
	Failed    int `db:"failed"`
	Blocked   int `db:"blocked"`
	Cancelled int `db:"cancelled"`
	Uncertain int `db:"uncertain"`
	Skipped   int `db:"skipped"`
}

// Left is how many are still to send.
func (c DeliveryCounts) Left() int { return c.Pending + c.Sending }

// Total counts every delivery.
func (c DeliveryCounts) Total() int {
	return c.Pending + c.Sending + c.Sent + c.Failed + c.Blocked + c.Cancelled + c.Uncertain + c.Skipped
}

// DeliveryResult is how the send of a delivery ended.
type DeliveryResult struct {
	// Status is sent, failed, blocked, uncertain, or pending to try again
	// at RetryAt.
	Status    string
	MessageID string
	Error     string
	RetryAt   time.Time
}

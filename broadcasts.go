package bottega

import (
	"context"
	"slices"
	"strings"

	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/locales"
)

// BroadcastService starts and steers broadcasts. The chat's /broadcast
// wizard, the command line and the web console all go through it, so the
// rules (who is in an audience, which status may follow which) are the same
// everywhere. store.Broadcasts implements it.
type BroadcastService interface {
	// CountAudience tells how many learners the audience holds now (its
	// tracks resolved against the current curriculum).
	CountAudience(ctx context.Context, a Audience) (int, error)
	// StartBroadcast checks b and a, saves the broadcast and queues one
	// delivery per learner of the audience, at once; the delivery worker
	// sends them.
	StartBroadcast(ctx context.Context, b Broadcast, a Audience) (Broadcast, error)
	// SetBroadcastStatus pauses (BroadcastPaused), resumes
	// (BroadcastRunning) or cancels (BroadcastCancelled) a broadcast, if
	// BroadcastFrom allows it from its status; ECONFLICT otherwise.
	SetBroadcastStatus(ctx context.Context, id int64, status string) (BroadcastProgress, error)
	// BroadcastProgress returns a broadcast with the counts of its
	// deliveries.
	BroadcastProgress(ctx context.Context, id int64) (BroadcastProgress, error)
	// FindBroadcasts lists broadcasts, the newest first.
	FindBroadcasts(ctx context.Context, f BroadcastFilter) ([]BroadcastProgress, error)
}

// BroadcastProgress is a broadcast and how far it is.
type BroadcastProgress struct {
	Broadcast
	Counts DeliveryCounts
}

// BroadcastFilter chooses broadcasts to list.
type BroadcastFilter struct {
	// Platform, if set, keeps that platform's.
	Platform string
	// Active keeps the running and paused ones.
	Active bool
	// Limit bounds the list (default 50).
	Limit int
}

// BroadcastFrom lists the statuses from which a broadcast may move to
// status (none for a status nobody may ask for).
func BroadcastFrom(status string) []string {
	switch status {
	case BroadcastPaused:
		return []string{BroadcastRunning}
	case BroadcastRunning:
		return []string{BroadcastPaused}
	case BroadcastCancelled:
		return []string{BroadcastRunning, BroadcastPaused}
	}
	return nil
}

// Activity filters of an audience, as the chat and the console offer them.
const (
	ActivityAny       = ""
	ActivityWeek      = "a7"  // active in the last 7 days
	ActivityMonth     = "a30" // active in the last 30 days
	ActivityIdleMonth = "i30" // not active in the last 30 days
)

// Activities lists the activity filters, "any" first.
func Activities() []string {
	return []string{ActivityAny, ActivityWeek, ActivityMonth, ActivityIdleMonth}
}

// SetActivity sets ActiveDays and InactiveDays from an activity filter; an
// unknown one is EINVALID.
func (a *Audience) SetActivity(activity string) error {
	a.ActiveDays, a.InactiveDays = 0, 0
	switch activity {
	case ActivityAny:
	case ActivityWeek:
		a.ActiveDays = 7
	case ActivityMonth:
		a.ActiveDays = 30
	case ActivityIdleMonth:
		a.InactiveDays = 30
	default:
		return Errork(EINVALID, "unknown_activity", map[string]any{"Value": activity}, "unknown activity filter %q", activity)
	}
	return nil
}

// Validate checks the audience's filters; what is wrong is EINVALID.
func (a Audience) Validate() error {
	if a.Platform == "" {
		return Errork(EINVALID, "audience_platform", nil, "an audience needs a platform")
	}
	for _, r := range a.Roles {
		if !IsRole(r) {
			return Errork(EINVALID, "unknown_role", map[string]any{"Value": r, "List": strings.Join(Roles(), ", ")}, "unknown role %q: use %s", r, strings.Join(Roles(), ", "))
		}
	}
	for _, l := range a.Levels {
		if !IsLevel(l) {
			return Errork(EINVALID, "unknown_level", map[string]any{"Value": l, "List": strings.Join(Levels(), ", ")}, "unknown level %q: use %s", l, strings.Join(Levels(), ", "))
		}
	}
	for _, l := range a.Languages {
		if !locales.IsSupported(l) {
			return Errork(EINVALID, "unknown_language", map[string]any{"Value": l, "List": strings.Join(locales.Supported, ", ")}, "unknown language %q: use %s", l, strings.Join(locales.Supported, ", "))
		}
	}
	if a.ActiveDays < 0 || a.InactiveDays < 0 {
		return Errork(EINVALID, "activity_days", nil, "activity is a number of days, 0 or more")
	}
	return nil
}

// ResolveTracks fills TrackRoles and TrackLessons from the tracks of cur
// that Tracks names: a learner is in a track when their role is one of its
// roles or they opened one of its lessons. An unknown track is EINVALID.
func (a *Audience) ResolveTracks(cur *content.Curriculum) error {
	a.TrackRoles, a.TrackLessons = nil, nil
	for _, id := range a.Tracks {
		var t *content.Track
		if cur != nil {
			t = cur.Track(id)
		}
		if t == nil {
			return Errork(EINVALID, "unknown_track", map[string]any{"Value": id}, "no track %q in the published curriculum", id)
		}
		for _, r := range t.Roles {
			if !slices.Contains(a.TrackRoles, r) {
				a.TrackRoles = append(a.TrackRoles, r)
			}
		}
		for _, l := range t.Lessons {
			a.TrackLessons = append(a.TrackLessons, l.ID)
		}
	}
	return nil
}

// Check checks a broadcast about to start against the curriculum: a lesson
// that exists, or a message.
func (b Broadcast) Check(cur *content.Curriculum) error {
	switch b.Kind {
	case BroadcastLesson:
		if b.LessonID == "" || cur == nil || cur.Lesson(b.LessonID) == nil {
			return Errork(EINVALID, "unknown_lesson", map[string]any{"Value": b.LessonID}, "no lesson %q in the published curriculum", b.LessonID)
		}
	case BroadcastText:
		if strings.TrimSpace(b.Text) == "" {
			return Errork(EINVALID, "text_missing", nil, "a message broadcast needs a text")
		}
	default:
		return Errork(EINVALID, "unknown_kind", map[string]any{"Value": b.Kind}, "unknown broadcast kind %q", b.Kind)
	}
	if len(b.Text) > MaxBroadcastText {
		return Errork(EINVALID, "text_too_long", map[string]any{"Max": MaxBroadcastText}, "the message is longer than %d characters", MaxBroadcastText)
	}
	return nil
}

// MaxBroadcastText bounds a broadcast's text, in bytes (a chat message of
// 4096 characters, with room for the greeting around it).
const MaxBroadcastText = 3500

// Package reminders nudges learners at the time they chose, in their own
// time zone: at most once a day, never in quiet hours (21:00-08:00 by
// default), only when they have something to do (a lesson in progress,
// review questions due) and were not active yet that day. Learners who
// ignore nudges get fewer: after three unanswered ones the gap between
// nudges doubles each time, up to two weeks.
//
// The Scheduler only queues reminders as deliveries (one per learner and
// local day, a unique index makes sure); the broadcast worker sends them,
// through the same queue and at the same rate as broadcasts. A reminder not
// sent before quiet hours begin is dropped.
package reminders

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
	_ "time/tzdata" // learners' time zones, wherever the server runs

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
)

// QuietFrom and QuietTo are the quiet hours unless configured otherwise, as
// times of day: no reminder goes out from 21:00 to 08:00.
const (
	QuietFrom = 21 * time.Hour
	QuietTo   = 8 * time.Hour
)

// Quiet reports whether a time of day falls in the quiet hours QuietFrom to
// QuietTo, when a reminder set for it could never go out.
func Quiet(clock time.Duration) bool { return clock >= QuietFrom || clock < QuietTo }

// QuietAt is Quiet for a time of day written "HH:MM", as learners' reminder
// times are kept; false for anything else.
func QuietAt(at string) bool {
	c, err := time.Parse("15:04", at)
	return err == nil && Quiet(time.Duration(c.Hour())*time.Hour+time.Duration(c.Minute())*time.Minute)
}

// Clock writes a time of day as "HH:MM": "08:00", "20:59".
func Clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}

// QuietOpen are the first and last minutes outside the quiet hours, "08:00"
// and "20:59": what a reminder may be set to.
func QuietOpen() (from, to string) { return Clock(QuietTo), Clock(QuietFrom - time.Minute) }

// Store is what the scheduler reads and writes.
type Store interface {
	ReminderCandidates(ctx context.Context, platform string, now time.Time) ([]store.ReminderCandidate, error)
	AddReminder(ctx context.Context, learnerID int64, day string, payload []byte, expires time.Time) (bool, error)
}

// Config configures a Scheduler.
type Config struct {
	Platform string
	Store    Store
	// Clock gives the time (default time.Now).
	Clock func() time.Time
	// QuietFrom and QuietTo bound the quiet hours, as times of day
	// (default 21:00 to 08:00).
	QuietFrom, QuietTo time.Duration
	// Every is how often to look for reminders due (default a minute).
	Every time.Duration
	// Wake tells the delivery worker that reminders were queued.
	Wake   func()
	Logger *slog.Logger
}

// Scheduler queues the reminders that are due.
type Scheduler struct {
	cfg Config
}

// New returns a scheduler.
func New(cfg Config) *Scheduler {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.QuietFrom == 0 && cfg.QuietTo == 0 {
		cfg.QuietFrom, cfg.QuietTo = QuietFrom, QuietTo
	}
	if cfg.Every <= 0 {
		cfg.Every = time.Minute
	}
	if cfg.Wake == nil {
		cfg.Wake = func() {}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{cfg: cfg}
}

// SessionIdle is how long the data of a learner who gave no consent is
// kept after their last activity.
const SessionIdle = 24 * time.Hour

// forgetter erases learners without consent idle since before a time
// (store.DB).
type forgetter interface {
	ForgetUnconsented(ctx context.Context, idleBefore time.Time) (int, error)
}

// Run queues reminders every minute until ctx ends; first, each time, it
// erases the learners without consent idle for SessionIdle.
func (s *Scheduler) Run(ctx context.Context) error {
	t := time.NewTicker(s.cfg.Every)
	defer t.Stop()
	for {
		if f, ok := s.cfg.Store.(forgetter); ok {
			// Learners without consent are kept only for their session.
			if n, err := f.ForgetUnconsented(ctx, s.cfg.Clock().Add(-SessionIdle)); err != nil && ctx.Err() == nil {
				s.cfg.Logger.Warn("forget idle learners without consent", "err", err)
			} else if n > 0 {
				s.cfg.Logger.Info("idle learners without consent forgotten", "count", n)
			}
		}
		if n, err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Logger.Warn("queue reminders", "err", err)
		} else if n > 0 {
			s.cfg.Logger.Info("reminders queued", "count", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Tick queues the reminders due now and returns how many.
func (s *Scheduler) Tick(ctx context.Context) (int, error) {
	now := s.cfg.Clock()
	cs, err := s.cfg.Store.ReminderCandidates(ctx, s.cfg.Platform, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range cs {
		day, expires, ok := s.Due(c, now)
		if !ok {
			continue
		}
		payload, err := json.Marshal(bottega.ReminderPayload{Lesson: c.Lesson, Reviews: c.Reviews})
		if err != nil {
			return n, fmt.Errorf("encode reminder: %w", err)
		}
		added, err := s.cfg.Store.AddReminder(ctx, c.LearnerID, day, payload, expires)
		if err != nil {
			return n, err
		}
		if added {
			n++
		}
	}
	if n > 0 {
		s.cfg.Wake()
	}
	return n, nil
}

// Due decides whether a learner gets a nudge now: it returns their local
// day and when the nudge expires (quiet hours begin).
func (s *Scheduler) Due(c store.ReminderCandidate, now time.Time) (day string, expires time.Time, ok bool) {
	at, err := time.Parse("15:04", c.Reminder)
	if err != nil {
		return "", time.Time{}, false
	}
	loc := location(c.Timezone)
	local := now.In(loc)
	clock := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute
	chosen := time.Duration(at.Hour())*time.Hour + time.Duration(at.Minute())*time.Minute
	if clock < chosen || s.quiet(clock) {
		return "", time.Time{}, false
	}
	day = local.Format(time.DateOnly)
	if date(c.LastReminder) == day || date(c.LastActive) == day {
		return "", time.Time{}, false
	}
	if c.Ignored >= 3 && c.LastReminder != nil {
		gap := min(1<<min(c.Ignored-2, 4), 14) // 2, 4, 8, then 14 days
		if daysBetween(date(c.LastReminder), day) < gap {
			return "", time.Time{}, false
		}
	}
	// Good until the next quiet hours begin.
	y, m, d := local.Date()
	if s.cfg.QuietFrom <= clock {
		d++
	}
	return day, time.Date(y, m, d, 0, 0, 0, 0, loc).Add(s.cfg.QuietFrom), true
}

// quiet reports whether a time of day falls in the quiet hours.
func (s *Scheduler) quiet(clock time.Duration) bool {
	from, to := s.cfg.QuietFrom, s.cfg.QuietTo
	if from <= to {
		return clock >= from && clock < to
	}
	return clock >= from || clock < to
}

func date(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func daysBetween(from, to string) int {
	a, err1 := time.Parse(time.DateOnly, from)
	b, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return 1 << 30
	}
	return int(b.Sub(a).Hours() / 24)
}

func location(name string) *time.Location { return bottega.Location(name) }

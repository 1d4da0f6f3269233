package drill

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
)

// TickPrefix starts the data of the update that delivers a drill's timer: "v1|T|<id>".
// The chat flows handle it in the learner's chat order, like a button.
const TickPrefix = "v1|T|"

// TickData is the update data that delivers timer id.
func TickData(id int64) string { return TickPrefix + strconv.FormatInt(id, 10) }

// UpdateID is the update id under which timer id is delivered: the same every time, so
// that a delivery repeated after a crash is recognised and skipped, and apart from the
// platforms' own ids, which are numbers or start otherwise.
func UpdateID(id int64) string { return "drill-timer-" + strconv.FormatInt(id, 10) }

// TimerStore finds the timers due (store.DB).
type TimerStore interface {
	DueDrillTimers(ctx context.Context, platform string, now time.Time, limit int) ([]bottega.DueDrillTimer, error)
}

// Ticker delivers the drills' due timers of one platform as updates of the learners'
// chats. Taking a timer is part of the update's transaction (the flows mark it done),
// so a crash at any point delivers it once: before the commit it is still due and sent
// again, after it the update id is known and the dispatcher skips it.
type Ticker struct {
	Platform string
	Store    TimerStore
	Sink     bot.Sink
	// Clock gives the time (default time.Now).
	Clock func() time.Time
	// Every is how often to look for due timers (default 2 seconds).
	Every  time.Duration
	Logger *slog.Logger
}

// Run delivers due timers until ctx ends.
func (k *Ticker) Run(ctx context.Context) error {
	every := k.Every
	if every <= 0 {
		every = 2 * time.Second
	}
	tk := time.NewTicker(every)
	defer tk.Stop()
	for {
		if _, err := k.Tick(ctx); err != nil && ctx.Err() == nil && k.Logger != nil {
			k.Logger.Warn("deliver drill timers", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tk.C:
		}
	}
}

// Tick delivers the timers due now, each waiting for its update to be handled, and
// returns how many.
func (k *Ticker) Tick(ctx context.Context) (int, error) {
	now := time.Now
	if k.Clock != nil {
		now = k.Clock
	}
	ts, err := k.Store.DueDrillTimers(ctx, k.Platform, now(), 100)
	if err != nil {
		return 0, err
	}
	for i, t := range ts {
		u := bot.Update{Platform: k.Platform, ID: UpdateID(t.ID), ChatID: t.ChatID, UserID: t.ExternalID,
			Lang: t.Locale, Data: TickData(t.ID), Received: now()}
		if err := bot.Deliver(ctx, k.Sink, u); err != nil {
			return i, err
		}
	}
	return len(ts), nil
}

package telegram_test

import (
	"context"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
)

// BenchmarkUpdates drives learners pressing buttons through long polling,
// the dispatcher, the real flows and Postgres, and reports updates/s and
// the latency percentiles (from the press to the bot's answer). The same
// measurement, with a plain-SQL baseline, is `bottega-bench updates`.
func BenchmarkUpdates(b *testing.B) {
	r := newRig(b)
	tr := r.transport(func(o *telegram.Options) { o.Logger = nil })
	x := r.start(tr, r.flows(), nil, 16)
	const chats = 16
	presses := max(1, b.N/chats)
	b.ResetTimer()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := r.fake.Drive(ctx, telegramtest.Load{Chats: chats, Presses: presses})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	x.cancel()
	<-x.done
	x.d.Close()
	b.ReportMetric(res.Rate(), "updates/s")
	b.ReportMetric(float64(res.Percentile(50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(res.Percentile(99).Microseconds())/1000, "p99-ms")
}

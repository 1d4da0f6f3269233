package whatsapp_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot/whatsapp/whatsapptest"
)

// BenchmarkWebhookText measures the webhook's answer to a signed text
// message from a learner, from the request to its 200 (the update
// committed, its replies queued), with 16 messages in flight from 500
// learners, through the real flows and Postgres. It reports the 50th, 99th
// and largest latency; the bound is a p99 of 250 ms.
func BenchmarkWebhookText(b *testing.B) {
	r := newRigWith(b, nil, nil)
	r.fake.PairRate(false)
	const learners = 500
	ctx := context.Background()
	// Every learner is onboarded first, so the benchmark measures
	// ordinary messages.
	for i := range learners {
		if code, err := r.fake.Push(ctx, r.fake.Text(user(i), "Giulia", "/start")); err != nil || code != http.StatusOK {
			b.Fatalf("start: %d %v", code, err)
		}
	}
	var (
		mu   sync.Mutex
		lat  []time.Duration
		next atomic.Int64
	)
	texts := []string{"/help", "/progress", "ciao", "/menu"}
	b.SetParallelism(8) // 16 in flight on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			n := int(next.Add(1))
			body := whatsapptest.Payload(r.fake.Text(user(n%learners), "Giulia", texts[n%len(texts)]))
			start := time.Now()
			code, err := r.fake.Deliver(ctx, body)
			mine = append(mine, time.Since(start))
			if err != nil || code != http.StatusOK {
				b.Errorf("webhook: %d %v", code, err)
				return
			}
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}

func user(i int) string { return fmt.Sprintf("3933399%05d", i) }

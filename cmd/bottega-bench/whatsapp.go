package main

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/whatsapp"
	"github.com/bottega-app/bottega/bot/whatsapp/whatsapptest"
	"github.com/bottega-app/bottega/broadcast"
	"github.com/bottega-app/bottega/store"
)

// benchWhatsApp sends one broadcast to n learners through the delivery
// queue and the WhatsApp transport, against the fake Cloud API enforcing
// the number's throughput (130429 beyond it), the pair rate and the 24-hour
// window: every other learner wrote recently, the others get the
// template. It reports the achieved rate, 130429s, duplicates, learners
// missed and messages WhatsApp failed (131047 for a free-form message
// outside the window).
func benchWhatsApp(ctx context.Context, e env, db *store.DB, where string, n int, rate float64, burst, senders int) error {
	platform := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	ls := make([]bottega.Learner, n)
	fake := whatsapptest.NewServer()
	defer fake.Close()
	fake.EnforceRate(rate, burst)
	fake.ApproveTemplate("bottega_news", "it")
	inside := make(map[string]bool, n)
	consent := time.Now() // broadcasts go only to learners who gave consent
	for i := range ls {
		id := strconv.Itoa(393_000_000_000 + i)
		ls[i] = bottega.Learner{Platform: platform, ExternalID: id, ChatID: id, Locale: "it", Role: bottega.RoleShopkeeper, ConsentAt: &consent}
		if i%2 == 0 {
			fake.Text(id, "", "ciao") // opens the fake's window
			inside[id] = true
		}
	}
	if err := db.CreateLearners(ctx, ls); err != nil {
		return err
	}
	fake.Unlogged()
	var (
		mu          sync.Mutex
		perChat     = make(map[string]int, n)
		templates   int
		limited     int
		first, last time.Time
	)
	fake.OnMessage(func(m whatsapptest.Message) {
		mu.Lock()
		defer mu.Unlock()
		if m.Code == whatsapptest.CodeThroughput {
			limited++
			return
		}
		if m.ID != "" {
			perChat[m.To]++
			if m.Type == "template" {
				templates++
			}
			if first.IsZero() {
				first = m.At
			}
			last = m.At
		}
	})
	tr, err := whatsapp.New(whatsapp.Options{Token: whatsapptest.Token, PhoneNumberID: whatsapptest.PhoneNumberID,
		AppSecret: whatsapptest.AppSecret, Endpoint: fake.URL(), Rate: rate})
	if err != nil {
		return err
	}
	b, err := db.CreateBroadcast(ctx, bottega.Broadcast{CreatedBy: "bench", Kind: bottega.BroadcastText,
		Text: "Nuova lezione in arrivo: provala! 📚", Rate: rate}, bottega.Audience{Platform: platform})
	if err != nil {
		return err
	}
	w := broadcast.NewWorker(broadcast.Config{
		Platform: platform, Store: db, Sender: tr, Rate: rate, Senders: senders,
		Render: func(_ context.Context, d bottega.Delivery) (bot.Reply, error) {
			if inside[d.ChatID] {
				return bot.Reply{Text: d.Text}, nil
			}
			return bot.Reply{Template: &bot.Template{Name: "bottega_news", Lang: "it", Params: []string{d.Text}}}, nil
		},
		Poll: 50 * time.Millisecond, ProgressEvery: time.Second,
	})
	fmt.Fprintf(e.stdout, "bench broadcast (whatsapp): %d learners at %.0f msg/s (fake burst %d), half outside the 24-hour window, GOMAXPROCS %d, %s\n",
		n, rate, burst, runtime.GOMAXPROCS(0), where)
	start, c, err := deliverAll(ctx, e, db, w, b.ID)
	if err != nil {
		return err
	}
	failedAtMeta := 0
	for _, st := range fake.Pending() {
		if st.Status == "failed" {
			failedAtMeta++
		}
	}
	mu.Lock()
	defer mu.Unlock()
	elapsed := last.Sub(start)
	dups, missed := 0, 0
	for _, l := range ls {
		switch k := perChat[l.ChatID]; {
		case k == 0:
			missed++
		case k > 1:
			dups += k - 1
		}
	}
	achieved := float64(c.Sent) / elapsed.Seconds()
	atFake := float64(len(perChat)-1) / math.Max(last.Sub(first).Seconds(), 1e-9)
	fmt.Fprintf(e.stdout, "  sent %d of %d in %s: %.2f msg/s achieved (%.1f%% of %.0f); %.2f msg/s first to last at the fake\n",
		c.Sent, n, elapsed.Round(time.Millisecond), achieved, 100*achieved/rate, rate, atFake)
	fmt.Fprintf(e.stdout, "  templates: %d   130429 answers: %d   duplicates: %d   missed: %d   failed: %d (at Meta %d)   uncertain: %d\n",
		templates, limited, dups, missed, c.Failed, failedAtMeta, c.Uncertain)
	if limited > 0 || dups > 0 || missed > 0 || failedAtMeta > 0 {
		return fmt.Errorf("bench broadcast: %d 130429s, %d duplicates, %d missed, %d failed at Meta", limited, dups, missed, failedAtMeta)
	}
	return nil
}

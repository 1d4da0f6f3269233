package telegram_test

import (
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/journeytest"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/internal/poll"
	"github.com/bottega-app/bottega/store"
)

// tgLearner plays the journey's learner on the fake Telegram, through the
// webhook (which answers once the update is committed).
type tgLearner struct {
	r     *rig
	d     *bot.Dispatcher
	url   string
	chat  int64
	later *atomic.Int64
	seq   int
}

func (l *tgLearner) post(u tgbotapi.Update) []journeytest.Message {
	l.r.t.Helper()
	l.seq++
	u.UpdateID = 7000 + l.seq // the webhook's updates are numbered by Telegram
	before := len(sentTo(l.r.fake, l.chat))
	code, err := telegramtest.PostUpdate(context.Background(), l.url, secret, u)
	if err != nil || code != http.StatusOK {
		l.r.t.Fatalf("webhook: %d %v", code, err)
	}
	if err := l.d.Flush(context.Background(), strconv.FormatInt(l.chat, 10)); err != nil {
		l.r.t.Fatal(err)
	}
	var out []journeytest.Message
	for _, c := range sentTo(l.r.fake, l.chat)[before:] {
		m := journeytest.Message{Text: c.Text(), File: c.FileNames["document"]}
		for _, row := range c.Buttons() {
			for _, b := range row {
				m.Choices = append(m.Choices, b.Text)
			}
		}
		out = append(out, m)
	}
	return out
}

func (l *tgLearner) Say(text string) []journeytest.Message {
	return l.post(l.r.fake.TextUpdate(l.chat, l.chat, text))
}

// Press presses the button whose label contains title on the latest
// message (sent or edited) that has one.
func (l *tgLearner) Press(title string) []journeytest.Message {
	l.r.t.Helper()
	sent := sentTo(l.r.fake, l.chat)
	for i := len(sent) - 1; i >= 0; i-- {
		for _, row := range sent[i].Buttons() {
			for _, b := range row {
				if b.CallbackData != nil && strings.Contains(b.Text, title) {
					return l.post(l.r.fake.PressUpdate(l.chat, l.chat, sent[i].MessageID, *b.CallbackData))
				}
			}
		}
	}
	l.r.t.Fatalf("no button %q to press", title)
	return nil
}

func (l *tgLearner) Later(d time.Duration) { l.later.Add(int64(d)) }

// tgClock is the flows' and the assistant's clock, ahead of the real one
// by later; its waits are real.
type tgClock struct{ later *atomic.Int64 }

func (c tgClock) Now() time.Time                       { return time.Now().Add(time.Duration(c.later.Load())) }
func (tgClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// TestJourney plays the journey that WhatsApp's test plays
// (journeytest.Run) on Telegram: the same flows, Telegram's renderer
// (edits, inline keyboards), then /delete.
func TestJourney(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	c, err := curriculum()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.db.PublishCurriculum(ctx, c, store.PublishOptions{Builtin: true, Source: "built-in", Index: assistant.NewIndexer(r.db).Index}); err != nil {
		t.Fatal(err)
	}
	later := &atomic.Int64{}
	clk := tgClock{later}
	a, err := assistant.New(assistant.Options{DB: r.db, Texts: r.texts, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	h := flows.New(flows.Options{Store: r.db, Texts: r.texts, Library: builtin{}, Clock: clk.Now, Contact: journeytest.Contact, Answerer: a})

	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	url := srv.URL + "/telegram/hook"
	tr := r.transport(func(o *telegram.Options) { o.WebhookURL, o.WebhookSecret = url, secret })
	mux.Handle(telegram.WebhookPath(url), tr.Handler())
	d := bot.New(bot.Config{Platform: tr.Platform(), Store: r.db, Handler: h, Sender: tr, Workers: 4, Logger: r.logger(), Tasks: a.Tasks()})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- tr.Run(runCtx, d) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("transport: %v", err)
		}
		d.Close()
		if t.Failed() {
			t.Logf("log:\n%s", r.logs.String())
		}
	})
	poll.Until(t, "the webhook registered", func() bool {
		u, _ := r.fake.Webhook()
		return u == url
	})

	l := &tgLearner{r: r, d: d, url: url, chat: 6001, later: later}
	journeytest.Run(t, l)
	got := l.Say("/delete")
	if len(got) == 0 || len(got[len(got)-1].Choices) == 0 {
		t.Fatalf("/delete asks no confirmation: %+v", got)
	}
	chat := strconv.FormatInt(l.chat, 10)
	if lang, err := r.db.LearnerLocale(ctx, telegram.Platform, chat); err != nil || lang != "it" {
		t.Fatalf("before /delete the learner's language is %q (%v)", lang, err)
	}
	l.Press(got[len(got)-1].Choices[0])
	if lang, err := r.db.LearnerLocale(ctx, telegram.Platform, chat); err != nil || lang != "" {
		t.Errorf("the learner is still there after /delete (%q, %v)", lang, err)
	}
}

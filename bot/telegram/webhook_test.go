package telegram_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/internal/poll"
	"github.com/bottega-app/bottega/store"
)

const secret = "s3cret_W3bhook-token"

// webhookBot is a transport in webhook mode behind its own HTTP server.
type webhookBot struct {
	tr  *telegram.Transport
	url string
	x   *running
}

func (r *rig) webhookBot(h bot.Handler, st bot.Store) *webhookBot {
	r.t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	r.t.Cleanup(srv.Close)
	url := srv.URL + "/telegram/hook"
	tr := r.transport(func(o *telegram.Options) { o.WebhookURL, o.WebhookSecret = url, secret })
	mux.Handle(telegram.WebhookPath(url), tr.Handler())
	w := &webhookBot{tr: tr, url: url}
	w.x = r.start(tr, h, st, 4)
	poll.Until(r.t, "the webhook registered", func() bool {
		u, s := r.fake.Webhook()
		return u == url && s == secret
	})
	return w
}

func post(t *testing.T, url, sec string, u tgbotapi.Update) int {
	t.Helper()
	code, err := telegramtest.PostUpdate(context.Background(), url, sec, u)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestWebhookChecksRequests(t *testing.T) {
	r := newRig(t)
	w := r.webhookBot(r.flows(), nil)
	defer w.x.stop(t)
	u := r.fake.TextUpdate(4001, 4001, "/start")
	u.UpdateID = 1

	if code := post(t, w.url, "", u); code != http.StatusUnauthorized {
		t.Errorf("no secret: %d, want 401", code)
	}
	if code := post(t, w.url, secret+"x", u); code != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d, want 401", code)
	}
	resp, err := http.Get(w.url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", resp.StatusCode)
	}
	big := `{"update_id":2,"message":{"text":"` + strings.Repeat("a", 2<<20) + `"}}`
	req, _ := http.NewRequest(http.MethodPost, w.url, strings.NewReader(big))
	req.Header.Set(telegram.SecretHeader, secret)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: %d, want 413", resp.StatusCode)
	}
	if n := countUpdates(t, r.db); n != 0 {
		t.Errorf("rejected requests recorded %d updates", n)
	}

	// Telegram redelivers when it does not get a 200 in time: the same
	// update, concurrently and then again, is handled once.
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code := post(t, w.url, secret, u); code != http.StatusOK {
				t.Errorf("delivery: %d, want 200", code)
			}
		}()
	}
	wg.Wait()
	if code := post(t, w.url, secret, u); code != http.StatusOK {
		t.Errorf("redelivery: %d, want 200", code)
	}
	if n := countUpdates(t, r.db); n != 1 {
		t.Errorf("processed_updates = %d, want 1", n)
	}
	if n := len(sentTo(r.fake, 4001)); n != 1 {
		t.Errorf("%d replies, want 1", n)
	}
}

// TestWebhookCrashRedelivered: a bot process dies while handling updates
// (answering 500 or nothing), Telegram redelivers them to the one that
// replaces it, and each is handled once.
func TestWebhookCrashRedelivered(t *testing.T) {
	r := newRig(t)
	cs := newCrashable(r.db)
	dying := r.webhookBot(r.flows(), cs)
	var updates []tgbotapi.Update
	for i := range 20 {
		u := r.fake.TextUpdate(int64(5000+i%5), int64(5000+i%5), "/help")
		u.UpdateID = 100 + i
		updates = append(updates, u)
	}
	for i, u := range updates[:12] {
		if i == 8 {
			cs.crash()
		}
		code := post(t, dying.url, secret, u)
		if (i < 8) != (code == http.StatusOK) {
			t.Errorf("update %d before/after the crash: status %d", i, code)
		}
	}
	dying.x.cancel()
	<-dying.x.done

	fresh := r.webhookBot(r.flows(), nil)
	defer fresh.x.stop(t)
	defer dying.x.d.Close()
	for _, u := range updates { // Telegram redelivers from the first not acknowledged... and more
		if code := post(t, fresh.url, secret, u); code != http.StatusOK {
			t.Errorf("redelivery of %d: %d", u.UpdateID, code)
		}
	}
	if n := countUpdates(t, r.db); n != len(updates) {
		t.Errorf("processed_updates = %d, want %d", n, len(updates))
	}
	for i := range 5 {
		if n := len(sentTo(r.fake, int64(5000+i))); n != 4 {
			t.Errorf("chat %d: %d replies, want 4", 5000+i, n)
		}
	}
}

// counting is a handler whose replies number the updates of a chat, from
// the count it keeps in Postgres: replies out of order, or repeated, show.
func counting(db *store.DB) bot.Handler {
	return bot.HandlerFunc(func(ctx context.Context, u bot.Update) ([]bot.Reply, error) {
		l, _, err := db.EnsureLearner(ctx, u.Platform, u.UserID, u.ChatID, "", "it")
		if err != nil {
			return nil, err
		}
		st, err := db.LoadState(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		n, _ := strconv.Atoi(string(st))
		n++
		if err := db.SaveState(ctx, l.ID, []byte(strconv.Itoa(n))); err != nil {
			return nil, err
		}
		return []bot.Reply{{Text: fmt.Sprintf("%d %s", n, u.Text)}}, nil
	})
}

// TestTwoProcessesOneDatabase sprays the updates of each chat across two
// bot processes in webhook mode, each update delivered to both at once:
// every update is handled once, and the replies come in order.
func TestTwoProcessesOneDatabase(t *testing.T) {
	r := newRig(t)
	a := r.webhookBot(counting(r.db), nil)
	b := r.webhookBot(counting(r.db), nil)
	defer a.x.stop(t)
	defer b.x.stop(t)
	const chats, perChat = 6, 15
	var id atomic.Int64
	var wg sync.WaitGroup
	for c := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			chat := int64(6000 + c)
			for k := 1; k <= perChat; k++ {
				u := r.fake.TextUpdate(chat, chat, "m"+strconv.Itoa(k))
				u.UpdateID = int(id.Add(1))
				targets := []string{a.url, b.url}
				if k%3 == 0 {
					targets = targets[k%2 : k%2+1] // some go to one process only
				}
				var dw sync.WaitGroup
				for _, url := range targets {
					dw.Add(1)
					go func() {
						defer dw.Done()
						if code := post(t, url, secret, u); code != http.StatusOK {
							t.Errorf("chat %d update %d: %d", chat, k, code)
						}
					}()
				}
				dw.Wait()
			}
		}()
	}
	wg.Wait()
	if n := countUpdates(t, r.db); n != chats*perChat {
		t.Errorf("processed_updates = %d, want %d", n, chats*perChat)
	}
	for c := range chats {
		chat := int64(6000 + c)
		var got []string
		for _, call := range sentTo(r.fake, chat) {
			got = append(got, call.Text())
		}
		var want []string
		for k := 1; k <= perChat; k++ {
			want = append(want, fmt.Sprintf("%d m%d", k, k))
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("chat %d replies:\n got %q\nwant %q", chat, got, want)
		}
	}
}

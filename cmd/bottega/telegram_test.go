package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
)

// TestServeTelegram runs `bottega serve` against a fake Bot API, by long
// polling and then with a webhook on the same data directory, and checks
// that /start is answered each time and that shutdown is clean.
func TestServeTelegram(t *testing.T) {
	fake := telegramtest.New(t)
	vars := afterFirstStart(t, nil)
	run := func(extra map[string]string, drive func(addr string)) {
		t.Helper()
		addr := freeAddr(t)
		env := map[string]string{
			"BOTTEGA_DATA_DIR":      vars["BOTTEGA_DATA_DIR"],
			"DATABASE_URL":          vars["DATABASE_URL"],
			"TELEGRAM_TOKEN":        telegramtest.Token,
			"TELEGRAM_API_ENDPOINT": fake.Endpoint(),
			"TELEGRAM_RATE":         "100",
			"HTTP_ADDR":             addr,
		}
		for k, v := range extra {
			env[k] = v
		}
		srv := serve(t, env)
		drive(addr)
		srv.stop()
		if strings.Contains(srv.log(), "TEST-fake-token") {
			t.Error("the token is in the log")
		}
	}
	// Every answered call wakes waitReply, which then counts the replies.
	called := make(chan struct{}, 1)
	fake.OnCall(func(telegramtest.Call) {
		select {
		case called <- struct{}{}:
		default:
		}
	})
	waitReply := func(chat int64, n int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for {
			got := 0
			for _, c := range fake.Sent() {
				if c.ChatID() == chat {
					got++
				}
			}
			if got >= n {
				return
			}
			select {
			case <-called:
			case <-ctx.Done():
				t.Fatalf("chat %d: %d replies, want %d", chat, got, n)
			}
		}
	}

	run(nil, func(string) {
		fake.SendText(42, 42, "/start")
		waitReply(42, 1)
	})
	if len(fake.Calls("setMyCommands")) == 0 {
		t.Error("no command menu was set")
	}

	const secret = "hook_secret-1"
	run(map[string]string{"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg/hook", "TELEGRAM_WEBHOOK_SECRET": secret}, func(addr string) {
		u := fake.TextUpdate(43, 43, "/start")
		u.UpdateID = 900
		// The webhook answers 503 until the bot is running: post again
		// until it takes the update.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		retry := time.NewTicker(20 * time.Millisecond)
		defer retry.Stop()
		for {
			code, err := telegramtest.PostUpdate(ctx, "http://"+addr+"/tg/hook", secret, u)
			if err == nil && code == http.StatusOK {
				break
			}
			select {
			case <-retry.C:
			case <-ctx.Done():
				t.Fatalf("webhook: %d, %v", code, err)
			}
		}
		waitReply(43, 1)
		if url, s := fake.Webhook(); url != "https://bot.example.org/tg/hook" || s != secret {
			t.Errorf("webhook registered as %q with secret %q", url, s)
		}
	})
}

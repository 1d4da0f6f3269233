package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/bot/whatsapp/whatsapptest"
)

// TestServeBoth runs `bottega serve` with WhatsApp and Telegram configured
// at once against their fakes: a learner on each platform gets an answer
// to /start, a forged WhatsApp webhook gets 401, /readyz turns not ready
// once Meta refuses the token, and shutdown is clean.
func TestServeBoth(t *testing.T) {
	wa := whatsapptest.New(t)
	tg := telegramtest.New(t)
	addr := freeAddr(t)
	env := afterFirstStart(t, map[string]string{
		"TELEGRAM_TOKEN":           telegramtest.Token,
		"TELEGRAM_API_ENDPOINT":    tg.Endpoint(),
		"WHATSAPP_TOKEN":           whatsapptest.Token,
		"WHATSAPP_PHONE_NUMBER_ID": whatsapptest.PhoneNumberID,
		"WHATSAPP_APP_SECRET":      whatsapptest.AppSecret,
		"WHATSAPP_VERIFY_TOKEN":    "verify_me",
		"WHATSAPP_API_ENDPOINT":    wa.URL(),
		"BOTTEGA_CONTACT":          "aiuto@bottega.example",
		"HTTP_ADDR":                addr,
	})
	wa.SetWebhook("http://"+addr+"/whatsapp", whatsapptest.AppSecret)
	srv := serve(t, env)
	defer func() {
		srv.stop()
		if strings.Contains(srv.log(), whatsapptest.Token) {
			t.Error("the WhatsApp token is in the log")
		}
	}()
	// The webhook answers 503 until the bot runs: post until it takes it.
	wctx, wcancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer wcancel()
	in := wa.Text("393331234567", "Giulia", "/start")
	body := whatsapptest.Payload(in)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		code, err := wa.Deliver(wctx, body)
		if err == nil && code == http.StatusOK {
			break
		}
		select {
		case <-tick.C:
		case <-wctx.Done():
			t.Fatalf("webhook: %d %v", code, err)
		}
	}
	tg.SendText(42, 42, "/start")
	for len(wa.Sent("393331234567")) == 0 || len(tg.Sent()) == 0 {
		select {
		case <-tick.C:
		case <-wctx.Done():
			t.Fatalf("replies: %d on WhatsApp, %d on Telegram", len(wa.Sent("393331234567")), len(tg.Sent()))
		}
	}
	if got := wa.Sent("393331234567")[0].Text(); !strings.Contains(got, "aiuto@bottega.example") {
		t.Errorf("the onboarding does not say how to reach a person:\n%s", got)
	}
	if code, _ := wa.DeliverForged(wctx, whatsapptest.Payload(wa.Text("393330000000", "X", "/start"))); code != http.StatusUnauthorized {
		t.Errorf("forged webhook: %d, want 401", code)
	}
	ready := func() int {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := ready(); c != http.StatusOK {
		t.Fatalf("/readyz = %d before", c)
	}
	wa.SetToken("another-token")
	before := len(wa.Sent(""))
	if code, err := wa.Push(wctx, wa.Text("393331234567", "Giulia", "/help")); err != nil || code != http.StatusOK {
		t.Fatalf("webhook: %d %v", code, err)
	}
	for ready() == http.StatusOK {
		select {
		case <-tick.C:
		case <-wctx.Done():
			t.Fatal("/readyz stays ready after Meta refused the token")
		}
	}
	if len(wa.Sent("")) != before {
		t.Error("a message went out with a refused token")
	}
}

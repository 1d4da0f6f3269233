package main

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot/whatsapp"
	"github.com/bottega-app/bottega/bot/whatsapp/whatsapptest"
	"github.com/bottega-app/bottega/store"
)

// openBotDB opens the database of the private cluster in data directory dir.
func openBotDB(t *testing.T, dir string) *store.DB {
	t.Helper()
	q := url.Values{"host": {filepath.Join(dir, "pg")}, "sslmode": {"disable"}}
	return openDB(t, (&url.URL{Scheme: "postgres", User: url.User("bottega"), Path: "/bottega", RawQuery: q.Encode()}).String())
}

// openDB opens the bot's database at dsn, for the test to read and write
// beside the bot; it is closed when the test ends.
func openDB(t *testing.T, dsn string) *store.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open the bot's database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// until waits for cond, asking again every 20ms, for at most a few minutes
// (the machine may be loaded); what says what was awaited.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("waited in vain for %s", what)
		}
	}
}

// TestWhatsAppLateFailures: a broadcast that WhatsApp accepts and then
// reports failed in a status webhook is not lost. Outside the 24-hour
// window (131047: the bot thought it open) it goes again as the approved
// template; after the marketing cap (131049) it waits a day.
func TestWhatsAppLateFailures(t *testing.T) {
	wa := whatsapptest.New(t)
	wa.ApproveTemplate("bottega_novita", "it")
	wa.AutoPush(true)
	addr := freeAddr(t)
	env := afterFirstStart(t, map[string]string{
		"WHATSAPP_TOKEN":           whatsapptest.Token,
		"WHATSAPP_PHONE_NUMBER_ID": whatsapptest.PhoneNumberID,
		"WHATSAPP_APP_SECRET":      whatsapptest.AppSecret,
		"WHATSAPP_API_ENDPOINT":    wa.URL(),
		"WHATSAPP_VERIFY_TOKEN":    "verify_me",
		"WHATSAPP_TEMPLATES":       "broadcast.it=bottega_novita/it",
		"HTTP_ADDR":                addr,
	})
	wa.SetWebhook("http://"+addr+"/whatsapp", whatsapptest.AppSecret)
	serve(t, env)
	ctx := context.Background()
	// The bot is up once its webhook takes a message.
	const capped, closed = "393331230001", "393331230002"
	body := whatsapptest.Payload(wa.Text(capped, "Carla", "/start"))
	until(t, "the webhook to take a message", func() bool {
		code, err := wa.Deliver(ctx, body)
		return err == nil && code == 200
	})
	until(t, "the onboarding", func() bool { return len(wa.Sent(capped)) > 0 })

	db := openDB(t, env["DATABASE_URL"])
	// closed wrote to the bot yesterday, as far as the bot knows; WhatsApp
	// has no such message, and refuses free-form messages to them.
	if _, _, err := db.EnsureLearner(ctx, whatsapp.Platform, closed, closed, "Dario", "it"); err != nil {
		t.Fatal(err)
	}
	if err := db.TouchInbound(ctx, whatsapp.Platform, closed, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Broadcasts go only to learners who gave consent.
	consent := time.Now()
	for _, u := range []string{capped, closed} {
		l, _, err := db.EnsureLearner(ctx, whatsapp.Platform, u, u, "", "it")
		if err != nil {
			t.Fatal(err)
		}
		l.ConsentAt = &consent
		if err := db.UpdateLearner(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	wa.Fail(1, whatsapptest.Fault{Code: whatsapptest.CodeMarketingCap, To: capped})
	b, err := db.CreateBroadcast(ctx, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "Novità: il corso sui pagamenti digitali è online.\nScrivi /start per vederlo.", CreatedBy: "test"},
		bottega.Audience{Platform: whatsapp.Platform})
	if err != nil || b.Total != 2 {
		t.Fatalf("broadcast: %+v, %v", b, err)
	}
	until(t, "the template to the learner outside the window", func() bool {
		for _, m := range wa.Sent(closed) {
			if name, _, _ := m.Template(); name != "" {
				return true
			}
		}
		return false
	})
	sent := wa.Sent(closed)
	if len(sent) != 1 || sent[0].Type != "template" {
		var types []string
		for _, m := range sent {
			types = append(types, m.Type)
		}
		t.Fatalf("the learner outside the window got %v, want one template", types)
	}
	if name, lang, params := sent[0].Template(); name != "bottega_novita" || lang != "it" || len(params) != 1 || !strings.Contains(params[0], "pagamenti digitali") {
		t.Errorf("template %q %q %q", name, lang, params)
	}
	refused := 0
	for _, m := range wa.Messages() {
		if m.To == closed && m.Code == whatsapptest.CodeWindow {
			refused++
		}
	}
	if refused != 1 {
		t.Errorf("%d free-form messages refused outside the window, want the first one only", refused)
	}
	// The capped learner's message waits a day: pending, not sent again.
	until(t, "both deliveries settled", func() bool {
		st, err := db.DeliveryStatuses(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		pending, sentN := 0, 0
		for _, s := range st {
			switch s {
			case bottega.DeliveryPending:
				pending++
			case bottega.DeliverySent:
				sentN++
			}
		}
		return pending == 1 && sentN == 1
	})
	broadcasts := 0
	for _, m := range wa.Messages() {
		if m.To == capped && strings.Contains(m.Text(), "pagamenti digitali") {
			broadcasts++
		}
	}
	if broadcasts != 1 {
		t.Errorf("the capped learner got the broadcast %d times before the day passed, want once (the refused one)", broadcasts)
	}
}

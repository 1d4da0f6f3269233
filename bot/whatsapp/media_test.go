package whatsapp_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/whatsapp"
	"github.com/bottega-app/bottega/bot/whatsapp/whatsapptest"
	"github.com/bottega-app/bottega/store/pgtest"
)

// A lesson's clip (a medium with a key) is uploaded once and then sent as
// video by its media id, to every learner, after a restart too (the id is
// kept in the database, per platform and key); once Meta has deleted the
// upload (30 days), it is uploaded again.
func TestClipUploadedOnce(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	fake := whatsapptest.New(t)
	var mu sync.Mutex
	now := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	fake.SetClock(clock)
	start := func() *whatsapp.Transport {
		tr, err := whatsapp.New(whatsapp.Options{
			Token: whatsapptest.Token, PhoneNumberID: whatsapptest.PhoneNumberID, AppSecret: whatsapptest.AppSecret,
			Endpoint: fake.URL(), Store: db, Media: db, Rate: 10000, Backoff: time.Millisecond, Now: clock,
		})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	clip := filepath.Join(t.TempDir(), "a1b2c3.mp4")
	if err := os.WriteFile(clip, []byte("\x00\x00\x00\x20ftypisom a clip"), 0o600); err != nil {
		t.Fatal(err)
	}
	step := bot.Reply{Text: "La scheda dell'attività va tenuta aggiornata.", Media: &bot.Media{Kind: "video", File: clip, Key: "a1b2c3"}}
	send := func(tr *whatsapp.Transport, user string) whatsapptest.Message {
		t.Helper()
		fake.Text(user, "Giulia", "ciao") // the learner wrote: the window is open
		before := len(fake.Sent(user))
		if _, err := tr.Send(ctx, user, step); err != nil {
			t.Fatalf("send to %s: %v", user, err)
		}
		sent := fake.Sent(user)[before:]
		if len(sent) == 0 || sent[0].Type != "video" || sent[0].Code != 0 {
			t.Fatalf("to %s: %+v, want the clip as video", user, sent)
		}
		return sent[0]
	}
	tr := start()
	first := send(tr, "393330000001")
	if n := len(fake.Uploads()); n != 1 {
		t.Fatalf("%d uploads after the first learner, want 1", n)
	}
	if first.MediaID() == "" || first.MediaID() != fake.Uploads()[0].ID || fake.Uploads()[0].Type != "video/mp4" {
		t.Errorf("sent by %q, uploads %+v", first.MediaID(), fake.Uploads())
	}
	second := send(tr, "393330000002")
	// A restarted bot (or another replica) finds the id in the database.
	third := send(start(), "393330000003")
	if n := len(fake.Uploads()); n != 1 || second.MediaID() != first.MediaID() || third.MediaID() != first.MediaID() {
		t.Errorf("%d uploads, ids %q %q %q: want one upload and its id each time", n, first.MediaID(), second.MediaID(), third.MediaID())
	}
	mu.Lock()
	now = now.Add(whatsapptest.MediaLifetime)
	mu.Unlock()
	late := send(tr, "393330000004")
	if n := len(fake.Uploads()); n != 2 || late.MediaID() != fake.Uploads()[1].ID {
		t.Errorf("after 30 days: %d uploads, sent by %q; want the clip uploaded again", n, late.MediaID())
	}
	again := send(start(), "393330000005")
	if n := len(fake.Uploads()); n != 2 || again.MediaID() != late.MediaID() {
		t.Errorf("after the new upload: %d uploads, sent by %q, want %q", n, again.MediaID(), late.MediaID())
	}
}

// A step's picture or clip with its button to go on is one message: the
// medium heads the buttons, the step's text is their body. With a list
// (more choices than 3 buttons), the medium goes first and the list
// follows with the text.
func TestMediumHeadsItsButtons(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	fake := whatsapptest.New(t)
	tr, err := whatsapp.New(whatsapp.Options{
		Token: whatsapptest.Token, PhoneNumberID: whatsapptest.PhoneNumberID, AppSecret: whatsapptest.AppSecret,
		Endpoint: fake.URL(), Store: db, Media: db, Rate: 10000, Backoff: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	photo := filepath.Join(dir, "vetrina.jpg")
	clip := filepath.Join(dir, "d4e5f6.mp4")
	if err := os.WriteFile(photo, []byte("\xff\xd8\xff\xe0 a photo"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(clip, []byte("\x00\x00\x00\x20ftypisom a clip"), 0o600); err != nil {
		t.Fatal(err)
	}
	next := [][]bot.Button{{{Label: "Avanti ▶️", Data: "v1|n|1"}}}
	send := func(user string, r bot.Reply) []whatsapptest.Message {
		t.Helper()
		fake.Text(user, "Giulia", "ciao") // the learner wrote: the window is open
		before := len(fake.Sent(user))
		if _, err := tr.Send(ctx, user, r); err != nil {
			t.Fatalf("send to %s: %v", user, err)
		}
		return fake.Sent(user)[before:]
	}
	for _, tt := range []struct {
		kind, file, header string
	}{{"photo", photo, "image"}, {"video", clip, "video"}} {
		text := "Luce naturale, di lato: la vetrina si vede com'è."
		sent := send("39333000001"+tt.header[:1], bot.Reply{Text: text, Media: &bot.Media{Kind: tt.kind, File: tt.file, Key: "k-" + tt.kind}, Buttons: next})
		if len(sent) != 1 {
			t.Fatalf("%s with a button: %d messages, want 1: %+v", tt.kind, len(sent), sent)
		}
		m := sent[0]
		if m.Code != 0 || m.Type != "interactive" || m.Header() != tt.header || m.Text() != text {
			t.Errorf("%s with a button: type %s, header %q, code %d, body %q", tt.kind, m.Type, m.Header(), m.Code, m.Text())
		}
		if b := m.Buttons(); len(b) != 1 || b[0].ID != "v1|n|1" {
			t.Errorf("%s with a button: buttons %+v", tt.kind, b)
		}
		if up := fake.Uploads(); len(up) == 0 || m.MediaID() != up[len(up)-1].ID {
			t.Errorf("%s sent by %q, uploads %+v", tt.kind, m.MediaID(), up)
		}
	}
	var many [][]bot.Button
	for i := range 5 {
		many = append(many, []bot.Button{{Label: fmt.Sprintf("Lezione %d", i+1), Data: fmt.Sprintf("v1|l|%d", i+1)}})
	}
	sent := send("393330000019", bot.Reply{Text: "Scegli una lezione", Media: &bot.Media{Kind: "photo", File: photo}, Buttons: many})
	if len(sent) != 2 || sent[0].Type != "image" || sent[1].Type != "interactive" || sent[1].Header() != "" || len(sent[1].Rows()) != 5 {
		t.Errorf("a photo with a list: %+v, want the photo, then the list", sent)
	}
}

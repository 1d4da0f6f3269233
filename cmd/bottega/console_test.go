package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/flows/admin"
	"github.com/bottega-app/bottega/store"
)

// TestBroadcastFromTheConsoleInChatAndCLI starts a broadcast on the web
// console of a bot wired as bottega serve wires it, delivers part of it,
// and reads its progress in the console, in the chat (/pause, /resume)
// and with bottega broadcast -watch: the same numbers, from the same
// service.
func TestBroadcastFromTheConsoleInChatAndCLI(t *testing.T) {
	ctx := context.Background()
	vars := afterFirstStart(t, map[string]string{"BOTTEGA_ADMINS": "4242", "BOTTEGA_PUBLIC_URL": "http://console.test"})
	a := testApp(t, ctx, vars)
	closed := false
	defer func() {
		if !closed {
			a.close()
		}
	}()
	var ls []bottega.Learner
	consent := time.Now()
	for i := range 5 {
		ls = append(ls, bottega.Learner{Platform: "telegram", ExternalID: fmt.Sprint(900 + i), ChatID: fmt.Sprint(900 + i),
			Role: bottega.RoleArtisan, Level: bottega.LevelBase, ConsentAt: &consent})
	}
	// The admin has been through the onboarding, and is not in the
	// audience.
	ls = append(ls, bottega.Learner{Platform: "telegram", ExternalID: "4242", ChatID: "4242", Name: "Admin", Locale: "en",
		Role: bottega.RoleGuide, Level: bottega.LevelBase, ConsentAt: &consent})
	if err := a.db.CreateLearners(ctx, ls); err != nil {
		t.Fatal(err)
	}

	// The console: sign in, start a message broadcast to the five.
	srv := httptest.NewServer(a.console)
	defer srv.Close()
	link, err := a.console.NewLink(ctx, "telegram", "4242")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	web := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var cookie, csrf string
	do := func(method, path string, form url.Values) (int, string, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			form.Set("csrf", csrf)
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequest(method, srv.URL+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("Accept-Language", "en")
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		res, err := web.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		for _, c := range res.Cookies() {
			if c.Name == "bottega_console" {
				cookie = c.Name + "=" + c.Value
			}
		}
		if m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(b)); m != nil {
			csrf = m[1]
		}
		return res.StatusCode, string(b), res.Header.Get("Location")
	}
	if code, _, _ := do("POST", "/console/login", url.Values{"t": {u.Query().Get("t")}}); code != http.StatusSeeOther {
		t.Fatalf("sign in = %d", code)
	}
	do("GET", "/console/broadcasts", nil)
	// Counted first: a send is for the audience counted.
	compose := url.Values{"kind": {"text"}, "text": {"Domani alle 18 webinar sulle recensioni."}, "role": {bottega.RoleArtisan}, "action": {"preview"}}
	_, body, _ := do("POST", "/console/broadcasts", compose)
	counted := regexp.MustCompile(`name="counted" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	if counted == nil {
		t.Fatalf("no count to send:\n%.3000s", body)
	}
	compose.Set("action", "send")
	compose.Set("counted", counted[1])
	code, _, page := do("POST", "/console/broadcasts", compose)
	if code != http.StatusSeeOther || page != "/console/broadcasts/1" {
		t.Fatalf("start = %d %q", code, page)
	}

	// Part of it goes out: two sent, one failed, two left.
	ds, err := a.db.ClaimDeliveries(ctx, "telegram", "test", 3, time.Minute)
	if err != nil || len(ds) != 3 {
		t.Fatalf("claim: %d, %v", len(ds), err)
	}
	for i, d := range ds {
		status := "sent"
		if i == 2 {
			status = "failed"
		}
		if ok, err := a.db.StartDelivery(ctx, d.ID, "test"); err != nil || !ok {
			t.Fatalf("start delivery: %v %v", ok, err)
		}
		if err := a.db.FinishDelivery(ctx, d.ID, bottega.DeliveryResult{Status: status, MessageID: strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.db.ReleaseDeliveries(ctx, "test"); err != nil {
		t.Fatal(err)
	}

	// What the console shows, figure by figure.
	figures := func() map[string]string {
		t.Helper()
		_, body, _ := do("GET", page, nil)
		out := map[string]string{}
		for _, m := range regexp.MustCompile(`<dd id="(\w+)">(\d+)</dd>`).FindAllStringSubmatch(body, -1) {
			out[m[1]] = m[2]
		}
		if m := regexp.MustCompile(`<strong id="status">(\w+)</strong>`).FindStringSubmatch(body); m != nil {
			out["status"] = m[1]
		}
		return out
	}
	want := map[string]string{"sent": "2", "failed": "1", "blocked": "0", "uncertain": "0", "left": "2", "cancelled": "0", "total": "5", "status": "sending"}
	if got := figures(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("console: %v, want %v", got, want)
	}

	// The chat: /pause and /resume answer with the progress message (in
	// the language of whoever started the broadcast: Italian, the
	// default), which says the same numbers as the console.
	svc := &store.Broadcasts{DB: a.db, Library: store.NewLibrary(a.db, 0)}
	chat := func(text string) string {
		t.Helper()
		var replies []bot.Reply
		err := a.db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			replies, err = a.handler.Handle(ctx, tx, bot.Update{Platform: "telegram", ID: "u-" + text, ChatID: "4242", UserID: "4242",
				Name: "Admin", Lang: "en", Text: text, MessageID: "m"})
			return err
		})
		if err != nil || len(replies) == 0 {
			t.Fatalf("%s: %v, %d replies", text, err, len(replies))
		}
		return replies[0].Text
	}
	for _, step := range []struct{ cmd, status string }{{"/pause", "paused"}, {"/resume", "sending"}} {
		said := chat(step.cmd)
		p, err := svc.BroadcastProgress(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		cur, _, err := a.bulk.lib.Current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		progress := admin.Progress(a.texts, cur)(p.Broadcast, p.Counts).Text
		if !strings.HasSuffix(said, progress) || !strings.Contains(said, "Inviati 2 · non riusciti 1 · bloccati 0 · da inviare 2 (su 5)") {
			t.Errorf("%s in the chat:\n%s\nthe service's progress:\n%s", step.cmd, said, progress)
		}
		want["status"] = step.status
		if got := figures(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("console after %s: %v, want %v", step.cmd, got, want)
		}
	}

	// Cancelled on the console; the command line reads the same end.
	if code, _, _ := do("POST", page+"/cancel", url.Values{"confirm": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("cancel = %d", code)
	}
	want["status"], want["left"], want["cancelled"] = "cancelled", "0", "2"
	if got := figures(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("console after cancel: %v, want %v", got, want)
	}
	// The bot is done; the command line reads the same end from the
	// database.
	srv.Close()
	a.close()
	closed = true
	var out bytes.Buffer
	if err := run(ctx, []string{"broadcast", "-watch", "1"}, envFrom(vars), strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if line := "Broadcast 1: cancelled. Sent 2, failed 1, blocked 0, cancelled 2, uncertain 0"; !strings.Contains(out.String(), line) {
		t.Errorf("bottega broadcast -watch 1:\n%s\nwant %q", out.String(), line)
	}
}

// TestConsoleTakesUploadsPastTheWebhooksBound: HTTP_ADDR bounds a
// webhook's body at a megabyte, but the console takes lessons (a zipped
// track with its pictures) up to bottega.MaxUpload: a bigger request
// reaches it, which answers for itself.
func TestConsoleTakesUploadsPastTheWebhooksBound(t *testing.T) {
	ctx := context.Background()
	addr := freeAddr(t)
	a := testApp(t, ctx, afterFirstStart(t, map[string]string{"BOTTEGA_ADMINS": "4242", "HTTP_ADDR": addr}))
	defer a.close()
	stop, err := a.serveHTTP(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	body := strings.Repeat("x", int(a.cfg.HTTP.MaxBody)+1<<20)
	res, err := http.Post("http://"+addr+"/console/lessons/upload", "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusRequestEntityTooLarge || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a 2 MB request to the console = %d, want 401 from the console (no session), not the webhooks' 413", res.StatusCode)
	}
}

// testApp builds the app as bottega serve does, on the variables vars, quiet.
func testApp(t *testing.T, ctx context.Context, vars map[string]string) *app {
	t.Helper()
	e := env{getenv: envFrom(vars), stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, redact: newRedactor(envFrom(vars))}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, e, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

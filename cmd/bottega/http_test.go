package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/bottega-app/bottega/bot/console"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	ctx := context.Background()
	addr := freeAddr(t)
	cfg, err := loadConfig(envFrom(afterFirstStart(t, map[string]string{"HTTP_ADDR": addr})))
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, env{stderr: io.Discard}, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	stop, err := a.serveHTTP(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	// One update through the dispatcher, so the counters move.
	tr := console.New(strings.NewReader("/start\n"), io.Discard, console.Options{})
	if err := a.runTransport(ctx, tr, 1); err != nil {
		t.Fatal(err)
	}

	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get("/readyz"); code != 200 {
		t.Errorf("/readyz = %d %s", code, body)
	}
	code, body := get("/metrics")
	if code != 200 || !strings.Contains(body, `bottega_updates_total{platform="console",result="ok"} 1`) || !strings.Contains(body, "bottega_update_duration_seconds_bucket") {
		t.Errorf("/metrics = %d, lacks the update counter or latency histogram:\n%.2000s", code, body)
	}
	// The certificates' public page is served there too (certificate's
	// tests check its answers).
	if code, body := get("/verify/NOSUCHCODE"); code != http.StatusNotFound || !strings.Contains(body, "<html") {
		t.Errorf("/verify/NOSUCHCODE = %d %.300s", code, body)
	}

	// Not ready once the database is gone.
	a.db.Close()
	if code, _ := get("/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database closed = %d, want 503", code)
	}
}

// TestHealthWithNoBot: with nothing listening on HTTP_ADDR the check fails
// saying so, not with the dialer's words.
func TestHealthWithNoBot(t *testing.T) {
	addr := freeAddr(t)
	err := run(context.Background(), []string{"health"}, envFrom(map[string]string{"HTTP_ADDR": addr}), strings.NewReader(""), io.Discard, io.Discard)
	var msg strings.Builder
	if code := exitCode(err, &msg); code != 1 || !strings.Contains(msg.String(), "no bot answers on "+addr) {
		t.Errorf("health with no bot: exit %d, %q", code, msg.String())
	}
}

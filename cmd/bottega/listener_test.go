package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// guard bounds how long a test waits for the server to close a connection:
// long enough never to decide a passing run, there so that a failing one
// fails instead of hanging.
const guard = 20 * time.Second

// httpApp serves HTTP_ADDR with short limits and a database that is down,
// with a webhook at /hook that echoes the size of what it read.
func httpApp(t *testing.T) (addr string, logs *bytes.Buffer) {
	t.Helper()
	addr = freeAddr(t)
	cfg, err := loadConfig(envFrom(map[string]string{"HTTP_ADDR": addr}))
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTP.ReadHeader = 100 * time.Millisecond
	cfg.HTTP.Read = 300 * time.Millisecond
	cfg.HTTP.Idle = 300 * time.Millisecond
	cfg.HTTP.MaxBody = 1 << 10
	logs = &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	down := func(context.Context) error {
		return errors.New(`database unreachable: dial unix /srv/bottega/.bottega/pg/.s.PGSQL.5432: connect: no such file or directory`)
	}
	a := &app{cfg: cfg, log: log, reg: prometheus.NewRegistry(), dbWatch: newDBWatch(down, log, time.Hour)}
	hook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		io.WriteString(w, strings.Repeat("x", int(n%10)))
	})
	stop, err := a.serveHTTP(context.Background(), map[string]http.Handler{"POST /hook": hook})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return addr, logs
}

// waitClosed reads from conn until the server closes it.
func waitClosed(t *testing.T, conn net.Conn) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(guard))
	_, err := io.Copy(io.Discard, conn)
	if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the connection open for %v", guard)
	}
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestHTTPClosesSlowAndIdleConnections holds connections the ways a hostile
// client does: each is closed by the server.
func TestHTTPClosesSlowAndIdleConnections(t *testing.T) {
	addr, _ := httpApp(t)

	t.Run("headers never finished", func(t *testing.T) {
		conn := dial(t, addr)
		io.WriteString(conn, "POST /hook HTTP/1.1\r\nHost: bottega\r\nX-Slow: ")
		waitClosed(t, conn)
	})
	t.Run("body trickled", func(t *testing.T) {
		conn := dial(t, addr)
		io.WriteString(conn, "POST /hook HTTP/1.1\r\nHost: bottega\r\nContent-Length: 100\r\n\r\n{")
		waitClosed(t, conn)
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		conn := dial(t, addr)
		io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: bottega\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Close {
			t.Fatalf("healthz: %d, close %v", resp.StatusCode, resp.Close)
		}
		waitClosed(t, conn)
	})
}

// TestWebhookBodyLimit: a body over the limit gets 413 whether its length
// is announced or not; one under it reaches the handler whole.
func TestWebhookBodyLimit(t *testing.T) {
	addr, _ := httpApp(t)
	post := func(body io.Reader) (int, string) {
		resp, err := http.Post("http://"+addr+"/hook", "application/json", body)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	big := strings.Repeat("a", 1<<10+1)
	if code, _ := post(strings.NewReader(big)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body with its length: %d, want 413", code)
	}
	// io.MultiReader hides the length: the body goes chunked.
	if code, _ := post(io.MultiReader(strings.NewReader(big))); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized chunked body: %d, want 413", code)
	}
	if code, body := post(strings.NewReader(big[:1<<10])); code != 200 || body != "xxxx" {
		t.Errorf("body at the limit: %d %q, want 200 and 1024 bytes read", code, body)
	}
}

// TestReadyzHidesTheDatabaseAddress: readiness says the database is
// unreachable, and only the log says where it was looked for.
func TestReadyzHidesTheDatabaseAddress(t *testing.T) {
	addr, logs := httpApp(t)
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), "database unreachable") ||
		strings.Contains(string(b), "/") || strings.Contains(string(b), "PGSQL") {
		t.Errorf("/readyz = %d %q", resp.StatusCode, b)
	}
	if !strings.Contains(logs.String(), ".s.PGSQL.5432") {
		t.Errorf("the log does not say why:\n%s", logs)
	}
}

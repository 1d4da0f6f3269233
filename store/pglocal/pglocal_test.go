package pglocal

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// clusterDir returns a directory for a cluster that the server's user can
// reach (test temp dirs are private to their owner).
func clusterDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pglocal-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "pg")
}

func start(t *testing.T, ctx context.Context, dir string) *Server {
	t.Helper()
	s, err := Start(ctx, Options{Dir: dir, Fast: true})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { s.Stop() })
	return s
}

func running(s *Server) bool {
	select {
	case <-s.Exited():
		return false
	default:
		return true
	}
}

// TestStartRefusesAServerItDidNotStart: a server that someone else runs
// on the directory is ready on its socket; Start must not take it for its
// own.
func TestStartRefusesAServerItDidNotStart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := clusterDir(t)
	other := start(t, ctx, dir)
	pid := other.cmd.Process.Pid
	// Started by hand (pg_ctl start): no Bottega process names it.
	if err := os.Remove(filepath.Join(dir, ownerFile)); err != nil {
		t.Fatal(err)
	}

	s, err := Start(ctx, Options{Dir: dir, Fast: true})
	if err == nil {
		s.Stop()
		t.Fatal("Start used a server it did not start")
	}
	if !strings.Contains(err.Error(), "did not start") || !strings.Contains(err.Error(), strconv.Itoa(pid)) {
		t.Errorf("error %q does not say that server %d is someone else's", err, pid)
	}
	if !running(other) {
		t.Errorf("the other server stopped: %v", other.Err())
	}
}

// TestStopLeavesAServerItDidNotStart: the server stops behind our back and
// someone starts another on the directory; Exited tells, and Stop leaves
// the other one alone.
func TestStopLeavesAServerItDidNotStart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := clusterDir(t)
	s := start(t, ctx, dir)
	if err := syscall.Kill(s.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Exited():
	case <-ctx.Done():
		t.Fatal("the server did not stop")
	}
	if s.Err() == nil {
		t.Error("a server that stopped on its own reports no error")
	}
	other := start(t, ctx, dir)
	if err := s.Stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	if !running(other) {
		t.Errorf("Stop stopped a server it did not start: %v", other.Err())
	}
	if h := holder(dir); !h.ready || h.pid != other.cmd.Process.Pid {
		t.Errorf("the directory is held by %+v, want the other server %d, ready", h, other.cmd.Process.Pid)
	}
	if err := other.Stop(); err != nil || other.Err() != nil {
		t.Errorf("a stopped server reports %v, %v", err, other.Err())
	}
}

// TestLocate: as root, a directory the postgres user cannot reach gets a
// cluster folder of its own under the state folder; anything else stays.
func TestLocate(t *testing.T) {
	home, err := os.MkdirTemp("", "pglocal-home-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(home)
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	open := clusterDir(t)
	state := "/var/lib/bottega-test"
	hidden := filepath.Join(home, "a", ".bottega", "pg")
	hidden2 := filepath.Join(home, "b", ".bottega", "pg")

	at, err := Locate(open, state)
	if err != nil || at != open {
		t.Errorf("Locate(%s) = %s, %v; want it unchanged", open, at, err)
	}
	at, err = Locate(hidden, state)
	if err != nil {
		t.Fatal(err)
	}
	at2, _ := Locate(hidden2, state)
	if os.Geteuid() != 0 {
		t.Logf("not root: the server runs as this user, who can enter %s; nothing moves", home)
		if at != hidden {
			t.Errorf("not root, Locate(%s) = %s, want it unchanged", hidden, at)
		}
		return
	}
	if filepath.Dir(at) != state || !strings.HasSuffix(at, "-a-.bottega-pg") || at == at2 {
		t.Errorf("Locate(%s) = %s and Locate(%s) = %s; want distinct folders under %s named after them", hidden, at, hidden2, at2, state)
	}
	if again, _ := Locate(hidden, state); again != at {
		t.Errorf("Locate is not stable: %s, then %s", at, again)
	}
	if len(at)+len("/.s.PGSQL.5432") > 100 {
		t.Errorf("%s is too long for a socket path", at)
	}
}

// TestStartSharesAServerBottegaStarted: a second Bottega process on the
// same data folder (an admin command while the bot runs) uses the server
// the first one started, leaves it running when it is done, and is told
// when that server goes away.
func TestStartSharesAServerBottegaStarted(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := clusterDir(t)
	bot := start(t, ctx, dir)
	if bot.Shared() {
		t.Fatal("the server this process started is taken for another's")
	}

	admin, err := Start(ctx, Options{Dir: dir, Fast: true})
	if err != nil {
		t.Fatalf("a second Bottega process refused the first one's server: %v", err)
	}
	if !admin.Shared() || admin.DSN("x") != bot.DSN("x") {
		t.Errorf("shared %v, DSN %q; want the first server's, %q", admin.Shared(), admin.DSN("x"), bot.DSN("x"))
	}
	if err := admin.Stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	if !running(bot) {
		t.Fatalf("the second process stopped the first one's server: %v", bot.Err())
	}

	admin, err = Start(ctx, Options{Dir: dir, Fast: true})
	if err != nil || !admin.Shared() {
		t.Fatalf("start again: %v, shared %v", err, admin != nil && admin.Shared())
	}
	defer admin.Stop()
	if err := bot.Stop(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-admin.Exited():
		if admin.Err() == nil {
			t.Error("the shared server went away and no error says so")
		}
	case <-ctx.Done():
		t.Fatal("the shared server stopped and Exited was never closed")
	}
	if _, err := os.Stat(filepath.Join(dir, ownerFile)); !os.IsNotExist(err) {
		t.Errorf("the owner file outlives its server: %v", err)
	}
}

package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bottega-app/bottega/internal/logbuf"
	"github.com/bottega-app/bottega/store/pglocal"
)

// TestDataFolderUnderAPrivateParent runs the binary on a data folder whose
// parent only its owner may enter, as root's home folder is. As root the
// server runs as the postgres user, who cannot enter it: the cluster goes
// under /var/lib/bottega, one log line says where, and the learner is
// remembered on the next run.
func TestDataFolderUnderAPrivateParent(t *testing.T) {
	home, err := os.MkdirTemp("", "bottega-home-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(home, "bottega", ".bottega")
	cluster, err := pglocal.Locate(filepath.Join(data, "pg"), stateDir)
	if err != nil {
		t.Fatal(err)
	}
	root := os.Geteuid() == 0
	if root {
		t.Cleanup(func() { os.RemoveAll(cluster) })
		if !strings.HasPrefix(cluster, stateDir+"/") {
			t.Fatalf("as root, the cluster of %s would be in %s, want it under %s", data, cluster, stateDir)
		}
	} else {
		t.Logf("not root: the server runs as this user, who owns %s, so the cluster stays in the data folder", home)
		if cluster != filepath.Join(data, "pg") {
			t.Fatalf("not root, the cluster of %s would be in %s, want %s/pg", data, cluster, data)
		}
	}

	bin := buildBinary(t)
	chat := func(input string) (string, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "chat")
		cmd.Env = append(os.Environ(), "BOTTEGA_DATA_DIR="+data)
		cmd.Stdin = strings.NewReader(input)
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("bottega chat: %v\nstderr: %s", err, errb.String())
		}
		return out.String(), errb.String()
	}
	// The language answered: the onboarding's first question, asked again,
	// would greet rather than welcome back.
	out, stderr := chat("/start\n1\n")
	if !strings.Contains(out, "Ciao") {
		t.Fatalf("no welcome:\n%s\nstderr: %s", out, stderr)
	}
	said := strings.Count(stderr, "its database is kept in "+cluster)
	if root && said != 1 {
		t.Errorf("want one log line saying the database is in %s; stderr:\n%s", cluster, stderr)
	}
	if !root && said != 0 {
		t.Errorf("the cluster moved although the folder is reachable; stderr:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(cluster, "PG_VERSION")); err != nil {
		t.Errorf("no cluster in %s: %v", cluster, err)
	}
	if _, err := os.Stat(filepath.Join(data, "postgres.log")); err != nil {
		t.Errorf("the server's log is not in the data folder: %v", err)
	}
	if root {
		if b, err := os.ReadFile(filepath.Join(data, "pg-location.txt")); err != nil || !strings.Contains(string(b), cluster) {
			t.Errorf("the data folder does not say where the database is: %q, %v", b, err)
		}
	}

	out, stderr = chat("/start\n")
	if !strings.Contains(out, "Che bello rivederti") {
		t.Errorf("second run does not remember the learner:\n%s\nstderr: %s", out, stderr)
	}

	// The data folder deleted, to start afresh: the database kept
	// elsewhere goes with it.
	if err := os.RemoveAll(data); err != nil {
		t.Fatal(err)
	}
	out, stderr = chat("/start\n")
	if strings.Contains(out, "Che bello rivederti") || !strings.Contains(out, "Ciao") {
		t.Errorf("a new data folder remembers the learner of a deleted one:\n%s\nstderr: %s", out, stderr)
	}
}

// TestPrivatePostgresRestartedByHand restarts the bot's private server
// behind its back, as `pg_ctl restart` would: the bot must not go on with a
// server it did not start, and must leave that server running when it
// ends.
func TestPrivatePostgresRestartedByHand(t *testing.T) {
	dir := dataDir(t)
	pgDir := filepath.Join(dir, "pg")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	w, out, done := chatInProcess(t, ctx, dir)

	pid := postmasterPid(t, pgDir)
	if err := syscall.Kill(pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	// The server started by hand can only take the directory once the
	// bot's has let go of it.
	foreign, err := pglocal.Start(ctx, pglocal.Options{Dir: pgDir})
	if err != nil {
		t.Fatalf("restart the server by hand: %v", err)
	}
	defer foreign.Stop()
	go func() {
		io.WriteString(w, "/help\n")
		w.Close()
	}()

	select {
	case err = <-done:
	case <-ctx.Done():
		t.Fatal("the bot did not end")
	}
	if err == nil || !strings.Contains(err.Error(), "private PostgreSQL server stopped") {
		t.Errorf("the bot ended with %v, want it to say that its server stopped; output:\n%s", err, out.String())
	}
	select {
	case <-foreign.Exited():
		t.Errorf("the bot stopped a server it did not start: %v", foreign.Err())
	default:
	}
	if got := postmasterPid(t, pgDir); got == pid {
		t.Errorf("postmaster.pid still names the bot's server %d", pid)
	}
}

func postmasterPid(t *testing.T, pgDir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(pgDir, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("postmaster.pid: %v", err)
	}
	return pid
}

// TestAdminCommandWhileTheBotRuns runs an admin command (another process,
// on the same data folder) while the bot runs on its private server: the
// command uses that server, and the bot goes on answering when it is done.
func TestAdminCommandWhileTheBotRuns(t *testing.T) {
	dir := dataDir(t)
	bin := buildBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	w, out, done := chatInProcess(t, ctx, dir)

	cmd := exec.CommandContext(ctx, bin, "stats")
	cmd.Env = append(os.Environ(), "BOTTEGA_DATA_DIR="+dir)
	var cout, cerr strings.Builder
	cmd.Stdout, cmd.Stderr = &cout, &cerr
	if err := cmd.Run(); err != nil || !strings.Contains(cout.String(), "Learners") {
		t.Fatalf("bottega stats while the bot runs: %v\n%s%s", err, cout.String(), cerr.String())
	}
	if !strings.Contains(cerr.String(), "Using the database of the Bottega that runs on "+dir) {
		t.Errorf("the command does not say whose server it used:\n%s", cerr.String())
	}

	io.WriteString(w, "/help\n")
	waitFor(t, out, "Ecco cosa puoi fare")
	w.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the bot ended with %v; output:\n%s", err, out.String())
		}
	case <-ctx.Done():
		t.Fatal("the bot did not end")
	}
}

// chatInProcess runs the terminal chat, in this process, on the data folder dir until ctx ends
// or w is closed, and waits for its greeting to /start; done says how it
// ended.
func chatInProcess(t *testing.T, ctx context.Context, dir string) (w *io.PipeWriter, out *logbuf.Buffer, done chan error) {
	t.Helper()
	stdin, w := io.Pipe()
	out = &logbuf.Buffer{}
	done = make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"chat"}, envFrom(map[string]string{"BOTTEGA_DATA_DIR": dir}), stdin, out, out)
		stdin.Close() // unblocks writes the bot will not read
	}()
	io.WriteString(w, "/start\n")
	waitFor(t, out, "Ciao")
	return w, out, done
}

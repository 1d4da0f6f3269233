// Package pglocal runs a private PostgreSQL server from the binaries installed
// on the machine. The cluster lives in a directory of ours, listens only on a
// unix socket inside that directory (so two copies never fight over a port),
// and stops when the process that started it exits, even on SIGKILL.
package pglocal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrNoServer means the PostgreSQL server binaries are not installed.
var ErrNoServer = errors.New("no PostgreSQL server binaries found: install them (apt-get install postgresql) or set DATABASE_URL")

// Options tune a private server.
type Options struct {
	// Dir is the cluster directory; it is created on first use.
	Dir string
	// Fast trades durability for speed (fsync off); for tests only.
	Fast bool
	// Log receives the server's output; nil discards it.
	Log *os.File
}

// Server is a running private PostgreSQL server.
type Server struct {
	dir string
	cmd *exec.Cmd
	// exited is closed when the server process exits; err says why.
	exited   chan struct{}
	err      error
	stopping atomic.Bool
	// shared: the server was started by another Bottega process (the bot,
	// while an admin command runs); this one uses it and never stops it.
	// done ends the watch on it.
	shared bool
	done   chan struct{}
}

// FindBin returns the directory holding initdb and postgres: PATH first, then
// the Debian layout /usr/lib/postgresql/<version>/bin (newest version wins).
func FindBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	for _, m := range matches {
		dir := filepath.Dir(m)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	return "", ErrNoServer
}

func version(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

// Start creates the cluster in opts.Dir if needed and starts the server.
// The caller must call Stop; if the process dies first, the server shuts
// itself down (the kernel signals it when its parent goes away).
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := FindBin()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("postgres data directory: %w", err)
	}
	// A unix socket path is limited to 107 bytes.
	if len(dir)+len("/.s.PGSQL.5432") > 100 {
		return nil, fmt.Errorf("postgres data directory path %q is too long for a unix socket: choose a shorter BOTTEGA_DATA_DIR", dir)
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	if err := prepareDir(dir, cred); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := initdb(ctx, bin, dir, cred, opts.Fast); err != nil {
			return nil, err
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	var foreignSince time.Time
	for {
		s, err := launch(bin, dir, cred, opts)
		if err == nil {
			if err = s.waitReady(ctx, deadline); err == nil {
				return s, s.claim()
			}
			_ = s.Stop() // it did not become ready: err says why
		}
		if !errors.Is(err, errLocked) {
			return nil, err
		}
		// Another server holds the directory. One left over from a killed
		// process is shutting down (it gets SIGINT when its parent dies):
		// wait for it. One that stays ready was started by someone else:
		// it is not ours to use or to stop.
		h := holder(dir)
		if h.ready && startedByBottega(dir, h.pid) {
			return share(dir, h.pid), nil
		}
		switch {
		case h.ready && foreignSince.IsZero():
			foreignSince = time.Now()
		case !h.ready:
			foreignSince = time.Time{}
		}
		if h.ready && time.Since(foreignSince) > foreignGrace {
			return nil, fmt.Errorf("a PostgreSQL server that Bottega did not start (pid %d) is running on %s: stop it (as its user: pg_ctl -D %s stop) and start Bottega again", h.pid, dir, dir)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%w (pid %d)", err, h.pid)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ownerFile, in the cluster directory, names the Bottega process that
// started the server there and the server's pid, a line "<owner> <server>".
// Another Bottega process on the same data folder (an admin command while
// the bot runs) uses that server rather than refusing it, and leaves it to
// its owner to stop. A server started by hand has no such file, or one
// that names another server.
const ownerFile = "bottega-owner"

// claim writes the owner file of a server this process started.
func (s *Server) claim() error {
	line := fmt.Sprintf("%d %d\n", os.Getpid(), s.cmd.Process.Pid)
	if err := os.WriteFile(filepath.Join(s.dir, ownerFile), []byte(line), 0o600); err != nil {
		_ = s.Stop() // unclaimed, no other Bottega process could use it: that is the error to report
		return fmt.Errorf("postgres data directory: %w", err)
	}
	return nil
}

// unclaim removes the owner file if it names this server: one written
// since for another server stays.
func (s *Server) unclaim() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	if _, server, ok := readOwner(s.dir); ok && server == s.cmd.Process.Pid {
		_ = os.Remove(filepath.Join(s.dir, ownerFile)) // a stale file names a dead pid: harmless if it stays
	}
}

// readOwner reads the owner file of dir: the Bottega process that started
// its server, and the server.
func readOwner(dir string) (owner, server int, ok bool) {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile)) // #nosec G304 -- a file of our own cluster directory
	if err != nil {
		return 0, 0, false
	}
	_, err = fmt.Sscanf(string(b), "%d %d", &owner, &server)
	return owner, server, err == nil
}

// startedByBottega reports whether the server pid that holds dir was
// started by a Bottega process that still runs.
func startedByBottega(dir string, pid int) bool {
	owner, server, ok := readOwner(dir)
	return ok && server == pid && owner > 0 && syscall.Kill(owner, 0) != syscall.ESRCH
}

// share returns the server pid, started in dir by another Bottega process,
// for this one to use: Exited is closed when that server goes away, and
// Stop leaves it running.
func share(dir string, pid int) *Server {
	s := &Server{dir: dir, exited: make(chan struct{}), shared: true, done: make(chan struct{})}
	go func() {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-t.C:
			}
			if !isPostgresIn(pid, dir) {
				s.err = fmt.Errorf("the server (pid %d) that another Bottega process started has stopped", pid)
				close(s.exited)
				return
			}
		}
	}()
	return s
}

// Shared reports whether another Bottega process started the server, and
// stops it.
func (s *Server) Shared() bool { return s.shared }

// foreignGrace is how long a server found ready in our directory may take
// to start shutting down before it counts as someone else's.
const foreignGrace = 5 * time.Second

var errLocked = errors.New("postgres data directory is in use by another server")

// pidFile is what postmaster.pid says about the server that holds a data
// directory: its pid, its data directory and its status.
type pidFile struct {
	pid    int
	dir    string
	status string
}

func readPidFile(dir string) (pidFile, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid")) // #nosec G304 -- the pid file of our own cluster directory
	if err != nil {
		return pidFile{}, false
	}
	// Lines: pid, data directory, start time, port, socket directory,
	// listen address, shared memory key, status.
	lines := strings.Split(string(b), "\n")
	if len(lines) < 2 {
		return pidFile{}, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil {
		return pidFile{}, false
	}
	pf := pidFile{pid: pid, dir: strings.TrimSpace(lines[1])}
	if len(lines) > 7 {
		pf.status = strings.TrimSpace(lines[7])
	}
	return pf, true
}

// holding is a server that holds a data directory.
type holding struct {
	pid int
	// ready: a live postgres process, serving this very directory, that is
	// not shutting down.
	ready bool
}

func holder(dir string) holding {
	pf, ok := readPidFile(dir)
	if !ok {
		return holding{}
	}
	h := holding{pid: pf.pid}
	h.ready = pf.dir == dir && pf.status == "ready" && isPostgresIn(pf.pid, dir)
	return h
}

// isPostgresIn reports whether pid is a live postgres process whose working
// directory, which the server sets to its data directory, is dir. Where
// /proc cannot tell (not Linux), a live pid is enough.
func isPostgresIn(pid int, dir string) bool {
	if pid <= 0 || syscall.Kill(pid, 0) == syscall.ESRCH {
		return false
	}
	proc := "/proc/" + strconv.Itoa(pid)
	if _, err := os.Stat("/proc/self"); err != nil {
		return true
	}
	comm, err := os.ReadFile(proc + "/comm") // #nosec G304 -- /proc/<pid>/comm of the pid in our pid file
	if err != nil || !strings.HasPrefix(strings.TrimSpace(string(comm)), "postgres") {
		return false
	}
	cwd, err := os.Readlink(proc + "/cwd")
	if err != nil {
		return true // another user's process: the pid file has to do
	}
	real, err := filepath.EvalSymlinks(dir)
	return cwd == dir || err == nil && cwd == real
}

// credential returns the user to run the server as: ourselves, or the
// "postgres" user when we are root (the server refuses to run as root).
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root: the private PostgreSQL server needs an unprivileged \"postgres\" user (apt-get install postgresql creates it): %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user postgres has uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user postgres has gid %q: %w", u.Gid, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func prepareDir(dir string, cred *syscall.Credential) error {
	// The parents are created traversable: the server may run as another
	// user.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil { // #nosec G301 -- see above: the server's user must enter them
		return fmt.Errorf("create postgres data directory: %w", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create postgres data directory: %w", err)
	}
	if cred == nil {
		return nil
	}
	if err := chownTree(dir, int(cred.Uid), int(cred.Gid)); err != nil {
		return fmt.Errorf("hand postgres data directory to user postgres: %w", err)
	}
	if p, err := blockedParent(dir, cred); err != nil {
		return fmt.Errorf("postgres data directory: %w", err)
	} else if p != "" {
		return fmt.Errorf("the postgres user cannot enter %s, a parent of %s: choose a BOTTEGA_DATA_DIR under a world-traversable directory (e.g. /var/tmp/bottega) or run chmod o+x %s", p, dir, p)
	}
	return nil
}

// blockedParent returns the first existing parent of dir, from the top,
// that cred's user may not enter; "" if it may enter them all.
func blockedParent(dir string, cred *syscall.Credential) (string, error) {
	var parents []string
	for p := filepath.Dir(dir); p != "/" && p != "."; p = filepath.Dir(p) {
		parents = append(parents, p)
	}
	for i := len(parents) - 1; i >= 0; i-- {
		fi, err := os.Stat(parents[i])
		if errors.Is(err, os.ErrNotExist) {
			return "", nil // created later, traversable
		}
		if err != nil {
			return "", err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return "", nil
		}
		perm := fi.Mode().Perm()
		var x os.FileMode
		switch {
		case st.Uid == cred.Uid:
			x = perm & 0o100
		case st.Gid == cred.Gid:
			x = perm & 0o010
		default:
			x = perm & 0o001
		}
		if x == 0 {
			return parents[i], nil
		}
	}
	return "", nil
}

// Locate returns where to keep the cluster meant for dir. That is dir,
// unless this process runs as root (so the server runs as the postgres
// user) and the postgres user cannot enter one of dir's parents, as in
// root's home folder: then it is a folder under stateDir (such as
// /var/lib/bottega) named after dir's absolute path, so that each data
// folder keeps a cluster of its own. A cluster already in dir stays there.
func Locate(dir, stateDir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("postgres data directory: %w", err)
	}
	if os.Geteuid() != 0 {
		return abs, nil
	}
	cred, err := credential()
	if err != nil {
		return abs, nil // Start says what is missing
	}
	if _, err := os.Stat(filepath.Join(abs, "PG_VERSION")); err == nil {
		return abs, nil
	}
	p, err := blockedParent(abs, cred)
	if err != nil {
		return "", fmt.Errorf("postgres data directory: %w", err)
	}
	if p == "" {
		return abs, nil
	}
	return filepath.Join(stateDir, clusterName(abs)), nil
}

// clusterName names the cluster of dir: a short hash of the path, which
// tells data folders apart, and the path's last parts, which tell people.
func clusterName(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	parts := strings.Split(strings.Trim(dir, "/"), "/")
	readable := strings.Join(parts[max(0, len(parts)-3):], "-")
	readable = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, readable)
	if len(readable) > 40 {
		readable = readable[len(readable)-40:]
	}
	return hex.EncodeToString(sum[:])[:12] + "-" + readable
}

func chownTree(dir string, uid, gid int) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) == uid {
		return nil // already ours: initdb and the server keep it that way
	}
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid) // #nosec G122 -- Lchown follows no link, in a directory only we and the server write
	})
}

func initdb(ctx context.Context, bin, dir string, cred *syscall.Credential, fast bool) error {
	args := []string{"-D", dir, "-U", "bottega", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"}
	if fast {
		args = append(args, "--no-sync")
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), args...) // #nosec G204 -- the installed server's binary (FindBin) with arguments of our own
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	cmd.Dir = "/"
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("initdb %s: %w: %s", dir, err, lastLines(out.String(), 5))
	}
	return nil
}

func launch(bin, dir string, cred *syscall.Credential, opts Options) (*Server, error) {
	args := []string{"-D", dir, "-k", dir, "-c", "listen_addresses=", "-c", "max_connections=200"}
	if opts.Fast {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	var stderr bytes.Buffer
	s := &Server{dir: dir, exited: make(chan struct{})}
	started := make(chan error, 1)
	// Pdeathsig fires when the thread that started the child exits, so the
	// child is started from a goroutine that keeps its thread for good.
	go func() {
		runtime.LockOSThread()
		cmd := exec.Command(filepath.Join(bin, "postgres"), args...) // #nosec G204 -- the installed server's binary (FindBin) with arguments of our own
		cmd.Dir = "/"
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGINT, Setpgid: true}
		if opts.Log != nil {
			cmd.Stdout, cmd.Stderr = opts.Log, io.MultiWriter(&stderr, opts.Log)
		} else {
			cmd.Stderr = &stderr
		}
		if err := cmd.Start(); err != nil {
			started <- fmt.Errorf("start postgres: %w", err)
			return
		}
		s.cmd = cmd
		started <- nil
		err := cmd.Wait()
		switch {
		case strings.Contains(stderr.String(), "lock file"):
			err = errLocked
		case s.stopping.Load():
			err = nil
		case err != nil:
			err = fmt.Errorf("postgres exited: %w: %s", err, lastLines(stderr.String(), 3))
		default:
			err = errors.New("postgres exited")
		}
		s.err = err
		close(s.exited)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return s, nil
}

// waitReady waits until this server, and no other, reports ready in the
// data directory's postmaster.pid and listens on its socket.
func (s *Server) waitReady(ctx context.Context, deadline time.Time) error {
	sock := filepath.Join(s.dir, ".s.PGSQL.5432")
	for {
		select {
		case <-s.exited:
			if s.err == nil {
				return errors.New("postgres exited during start-up")
			}
			return s.err
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
		if pf, ok := readPidFile(s.dir); ok && pf.pid == s.cmd.Process.Pid && pf.dir == s.dir && pf.status == "ready" {
			if _, err := os.Stat(sock); err == nil {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return errors.New("postgres did not become ready in time")
		}
	}
}

// DSN returns a connection string for database name over the unix socket.
func (s *Server) DSN(database string) string {
	q := url.Values{}
	q.Set("host", s.dir)
	q.Set("sslmode", "disable")
	return (&url.URL{Scheme: "postgres", User: url.User("bottega"), Path: "/" + database, RawQuery: q.Encode()}).String()
}

// Dir is the cluster directory.
func (s *Server) Dir() string { return s.dir }

// Exited is closed when the server process exits, whether Stop stopped it
// or not. A server restarted by hand afterwards in the same directory is
// not this one: it is not ours to use.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// Err says why the server exited on its own; nil while it runs or after
// Stop.
func (s *Server) Err() error {
	select {
	case <-s.exited:
		return s.err
	default:
		return nil
	}
}

// Stop shuts the server down (fast mode: active sessions are ended, data is
// flushed) and waits for it. It stops only the process it started: a server
// that someone else started in the directory since is left alone.
func (s *Server) Stop() error {
	if s.shared {
		if s.stopping.CompareAndSwap(false, true) {
			close(s.done)
		}
		return nil
	}
	if s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	defer s.unclaim()
	s.stopping.Store(true)
	select {
	case <-s.exited:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
		return nil
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		return errors.New("postgres did not stop in 30s: killed")
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

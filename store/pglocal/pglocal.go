// Package pglocal runs a private PostgreSQL server from the binaries installed
// on the machine. The cluster lives in a directory of ours, listens only on a
// unix socket inside that directory (so two copies never fight over a port),
// and stops when the process that started it exits, even on SIGKILL.
package pglocal

import (
	"bytes"
	"context"
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
	dir  string
	cmd  *exec.Cmd
	done chan error
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
	for {
		s, err := launch(bin, dir, cred, opts)
		if err == nil {
			if err = s.waitReady(ctx, deadline); err == nil {
				return s, nil
			}
			s.Stop()
		}
		// A server left over from a killed process may still be shutting
		// down and holding the lock file: wait for it.
		if !errors.Is(err, errLocked) || time.Now().After(deadline) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

var errLocked = errors.New("postgres data directory is in use by another server")

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
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func prepareDir(dir string, cred *syscall.Credential) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create postgres data directory: %w", err)
	}
	if cred == nil {
		return nil
	}
	if err := chownTree(dir, int(cred.Uid), int(cred.Gid)); err != nil {
		return fmt.Errorf("hand postgres data directory to user postgres: %w", err)
	}
	// Every parent must be traversable by the server's user.
	for p := filepath.Dir(dir); p != "/"; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("postgres data directory: %w", err)
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("the postgres user cannot enter %s, a parent of %s: choose a BOTTEGA_DATA_DIR under a world-traversable directory (e.g. /var/tmp/bottega) or run chmod o+x %s", p, dir, p)
		}
	}
	return nil
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
		return os.Lchown(p, uid, gid)
	})
}

func initdb(ctx context.Context, bin, dir string, cred *syscall.Credential, fast bool) error {
	args := []string{"-D", dir, "-U", "bottega", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"}
	if fast {
		args = append(args, "--no-sync")
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), args...)
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
	s := &Server{dir: dir, done: make(chan error, 1)}
	started := make(chan error, 1)
	// Pdeathsig fires when the thread that started the child exits, so the
	// child is started from a goroutine that keeps its thread for good.
	go func() {
		runtime.LockOSThread()
		cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
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
		if strings.Contains(stderr.String(), "lock file") {
			err = errLocked
		} else if err != nil {
			err = fmt.Errorf("postgres exited: %w: %s", err, lastLines(stderr.String(), 3))
		}
		s.done <- err
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context, deadline time.Time) error {
	sock := filepath.Join(s.dir, ".s.PGSQL.5432")
	for {
		select {
		case err := <-s.done:
			s.done <- err
			if err == nil {
				err = errors.New("postgres exited during start-up")
			}
			return err
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
		if _, err := os.Stat(filepath.Join(s.dir, "postmaster.pid")); err == nil {
			if b, err := os.ReadFile(filepath.Join(s.dir, "postmaster.pid")); err == nil && strings.Contains(string(b), "ready") {
				if _, err := os.Stat(sock); err == nil {
					return nil
				}
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

// Stop shuts the server down (fast mode: active sessions are ended, data is
// flushed) and waits for it.
func (s *Server) Stop() error {
	if s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-s.done:
		s.done <- err // a signalled shutdown's exit status is not an error
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

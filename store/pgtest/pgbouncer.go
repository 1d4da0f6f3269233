package pgtest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// bouncer is a private PgBouncer in transaction pooling mode in front of
// the private server: it listens on a unix socket in its directory only,
// lets in the server's user without a password (the server trusts it on
// its socket) and serves every database (a wildcard entry), so the
// databases created for the tests need no configuration.
type bouncer struct {
	dir  string
	cmd  *exec.Cmd
	done chan error
}

// bouncerPort names the socket; nothing listens on TCP.
const bouncerPort = 6432

// findBouncer returns the pgbouncer binary: PATH first, then Debian's place.
func findBouncer() (string, error) {
	if p, err := exec.LookPath("pgbouncer"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/pgbouncer"); err == nil {
		return "/usr/sbin/pgbouncer", nil
	}
	return "", errors.New("no pgbouncer binary found: install it (apt-get install pgbouncer)")
}

// startBouncer starts a PgBouncer in dir in front of the server whose unix
// socket is in serverDir. It stops when the process that started it exits,
// even on SIGKILL.
func startBouncer(ctx context.Context, dir, serverDir string) (*bouncer, error) {
	bin, err := findBouncer()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create pgbouncer directory: %w", err)
	}
	logFile := filepath.Join(dir, "pgbouncer.log")
	if d := os.Getenv("BOTTEGA_TEST_PGBOUNCER_LOG"); d != "" {
		logFile = filepath.Join(d, fmt.Sprintf("pgbouncer-%d.log", os.Getpid())) // kept after the tests
	}
	conf := fmt.Sprintf(`[databases]
* = host=%s port=5432 user=bottega

[pgbouncer]
pool_mode = transaction
listen_addr =
listen_port = %d
unix_socket_dir = %s
auth_type = trust
auth_file = %s
admin_users = bottega
max_client_conn = 2000
default_pool_size = 40
server_idle_timeout = 10
logfile = %s
`, serverDir, bouncerPort, dir, filepath.Join(dir, "users.txt"), logFile)
	if err := os.WriteFile(filepath.Join(dir, "users.txt"), []byte(`"bottega" ""`+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write pgbouncer users: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pgbouncer.ini"), []byte(conf), 0o600); err != nil { // #nosec G703 -- our own temporary directory
		return nil, fmt.Errorf("write pgbouncer configuration: %w", err)
	}
	// PgBouncer refuses to run as root: as root, it runs as the user the
	// private server runs as.
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root: pgbouncer needs an unprivileged \"postgres\" user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)} // #nosec G115 -- ids from the user database fit
		for _, p := range []string{dir, filepath.Join(dir, "users.txt"), filepath.Join(dir, "pgbouncer.ini")} {
			if err := os.Chown(p, uid, gid); err != nil {
				return nil, fmt.Errorf("hand pgbouncer's files to user postgres: %w", err)
			}
		}
	}
	b := &bouncer{dir: dir, done: make(chan error, 1)}
	var stderr bytes.Buffer
	started := make(chan error, 1)
	// Pdeathsig fires when the thread that started the child exits, so the
	// child is started from a goroutine that keeps its thread for good.
	go func() {
		runtime.LockOSThread()
		cmd := exec.Command(bin, filepath.Join(dir, "pgbouncer.ini")) // #nosec G204 -- the installed pgbouncer with our own configuration
		cmd.Dir = "/"
		cmd.Stderr = &stderr
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGTERM, Setpgid: true}
		if err := cmd.Start(); err != nil {
			started <- fmt.Errorf("start pgbouncer: %w", err)
			return
		}
		b.cmd = cmd
		started <- nil
		err := cmd.Wait()
		if err != nil {
			log, _ := os.ReadFile(logFile) // #nosec G304 G703 -- the log file we configured
			err = fmt.Errorf("pgbouncer exited: %w: %s %s", err, stderr.String(), lastLine(log))
		}
		b.done <- err
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	if err := b.waitReady(ctx); err != nil {
		b.stop()
		return nil, err
	}
	return b, nil
}

// waitReady waits for the socket to appear.
func (b *bouncer) waitReady(ctx context.Context) error {
	sock := filepath.Join(b.dir, ".s.PGSQL."+strconv.Itoa(bouncerPort))
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(30 * time.Second)
	for {
		if _, err := os.Stat(sock); err == nil {
			return nil
		}
		select {
		case err := <-b.done:
			b.done <- err
			if err == nil {
				err = errors.New("pgbouncer exited during start-up")
			}
			return err
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline:
			return errors.New("pgbouncer did not become ready in 30s")
		case <-tick.C:
		}
	}
}

// dsn returns a connection string for database name through the bouncer;
// database "pgbouncer" is its console.
func (b *bouncer) dsn(database string) string {
	q := url.Values{}
	q.Set("host", b.dir)
	q.Set("port", strconv.Itoa(bouncerPort))
	q.Set("sslmode", "disable")
	return (&url.URL{Scheme: "postgres", User: url.User("bottega"), Path: "/" + database, RawQuery: q.Encode()}).String()
}

// forget closes the bouncer's client and server connections to database
// name, before the database is dropped. PgBouncer 1.18 crashes when a
// server connection it is cancelling a query on ends under it (dropping the
// database ends them) or when its connections are closed while it sends a
// cancel request; so forget waits until the database's pool is quiet (no
// client, no cancel request), for up to 10 s, then closes them (KILL).
func (b *bouncer) forget(name string) error {
	console, err := sql.Open("postgres", b.dsn("pgbouncer"))
	if err != nil {
		return err
	}
	defer console.Close()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		busy, err := poolBusy(console, name)
		if err != nil {
			return fmt.Errorf("read PgBouncer's pools: %w", err)
		}
		if !busy {
			break
		}
		<-tick.C
	}
	// #nosec G202 -- the console takes no parameters; name is a test database's, made by us
	if _, err := console.Exec(`KILL ` + name); err != nil && !strings.Contains(err.Error(), "no such database") {
		return fmt.Errorf("close PgBouncer's connections to %s: %w", name, err)
	}
	return nil
}

// poolBusy tells whether database name's pool has clients, active server
// connections or cancel requests under way.
func poolBusy(console *sql.DB, name string) (bool, error) {
	rows, err := console.Query(`SHOW POOLS`)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return false, err
	}
	busy := false
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return false, err
		}
		row := map[string]string{}
		for i, c := range cols {
			row[c] = vals[i].String
		}
		if row["database"] != name {
			continue
		}
		for c, v := range row {
			counted := strings.HasPrefix(c, "cl_") || c == "sv_active" || strings.Contains(c, "cancel")
			if counted && v != "" && v != "0" {
				busy = true
			}
		}
	}
	return busy, rows.Err()
}

// exited returns why the bouncer stopped, or nil while it runs.
func (b *bouncer) exited() error {
	select {
	case err := <-b.done:
		b.done <- err
		if err == nil {
			err = errors.New("pgbouncer exited")
		}
		return err
	default:
		return nil
	}
}

// stop shuts the bouncer down and waits for it.
func (b *bouncer) stop() {
	if b.cmd == nil || b.cmd.Process == nil {
		return
	}
	_ = b.cmd.Process.Signal(syscall.SIGTERM) // immediate shutdown: clients are cut off
	select {
	case err := <-b.done:
		b.done <- err
	case <-time.After(10 * time.Second):
		_ = b.cmd.Process.Kill()
	}
}

func lastLine(b []byte) string {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return string(b)
}

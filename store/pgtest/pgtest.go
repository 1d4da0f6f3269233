// Package pgtest gives each test its own empty, migrated database on a real
// PostgreSQL server.
//
// With DATABASE_URL set, databases are created on that server, through
// that URL (it may point at PgBouncer in transaction pooling mode, with a
// wildcard database entry so that new databases are reachable). Otherwise a
// private server is started once per test binary from the installed
// PostgreSQL binaries (in a temporary directory, unix socket only) and
// stopped when the tests end (call Main from TestMain) or, failing that,
// when the test process exits. A migrated template database is built once,
// and each test's database is a copy of it, which takes milliseconds.
//
// With BOTTEGA_TEST_PGBOUNCER=1 (and DATABASE_URL unset), a private
// PgBouncer in transaction pooling mode is started in front of the private
// server too: databases are created directly on the server, and tests are
// handed URLs that go through PgBouncer.
package pgtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/lib/pq" // the postgres driver

	"github.com/bottega-app/bottega/migrations"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pglocal"
)

// PgBouncerEnv names the variable that puts a private PgBouncer in front of
// the private server.
const PgBouncerEnv = "BOTTEGA_TEST_PGBOUNCER"

var (
	once     sync.Once
	setupErr error
	server   *pglocal.Server
	pooler   *bouncer
	tmpDir   string
	adminDSN string // the server, database "postgres": creates and drops databases
	baseDSN  string // how tests reach the server, database "postgres"
	template string
	counter  atomic.Int64

	seedMu sync.Mutex
	seeds  = map[string]*seeded{}
)

// seeded is a template database that a seed function filled.
type seeded struct {
	once sync.Once
	name string
	err  error
}

// Main runs the tests of a package and stops the private server afterwards.
// Use it as: func TestMain(m *testing.M) { pgtest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop drops the seeded templates (see Seeded) and stops the private
// server (and PgBouncer), if one was started.
func Stop() {
	dropSeeded()
	if pooler != nil {
		pooler.stop()
		pooler = nil
	}
	if server != nil {
		_ = server.Stop() // the tests are over; a server that will not stop is killed
		server = nil
	}
	if tmpDir != "" {
		_ = os.RemoveAll(tmpDir) // a temporary folder: nothing to do if it stays
		tmpDir = ""
	}
}

func setup() error {
	ctx := context.Background()
	if dsn := os.Getenv("DATABASE_URL"); dsn != "" {
		adminDSN, baseDSN = dsn, dsn
	} else {
		dir, err := os.MkdirTemp("", "bottega-pgtest-")
		if err != nil {
			return err
		}
		if err := os.Chmod(dir, 0o755); err != nil { // #nosec G302 -- the server's user (postgres, under root) must enter it
			return err
		}
		tmpDir = dir
		server, err = pglocal.Start(ctx, pglocal.Options{Dir: dir + "/pg", Fast: true})
		if err != nil {
			return fmt.Errorf("start a private PostgreSQL for the tests: %w (install the server with apt-get install postgresql, or set DATABASE_URL)", err)
		}
		adminDSN = server.DSN("postgres")
		baseDSN = adminDSN
		if os.Getenv(PgBouncerEnv) == "1" {
			pooler, err = startBouncer(ctx, dir+"/bouncer", server.Dir())
			if err != nil {
				return fmt.Errorf("start a private PgBouncer for the tests: %w", err)
			}
			baseDSN = pooler.dsn("postgres")
		}
	}
	return buildTemplate(ctx)
}

// buildTemplate creates, once per schema version, a migrated database that
// test databases are copied from. Test binaries running in parallel against
// the same server agree through an advisory lock.
func buildTemplate(ctx context.Context) error {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrations.FS.ReadFile(p)
		if err != nil {
			return err
		}
		_, _ = h.Write([]byte(p)) // a hash.Hash never fails to write
		_, _ = h.Write(b)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	template = "bottega_tpl_" + hex.EncodeToString(h.Sum(nil))[:12]

	admin, err := sql.Open("postgres", adminDSN)
	if err != nil {
		return err
	}
	defer admin.Close()
	// The lock is a transaction's, held while other connections do the
	// work (CREATE DATABASE cannot run in a transaction): a session's lock
	// would not hold behind PgBouncer in transaction mode.
	lock, err := admin.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("connect to test server: %w", err)
	}
	defer lock.Rollback()
	if _, err := lock.ExecContext(ctx, `SELECT pg_advisory_xact_lock(727272)`); err != nil {
		return err
	}
	var exists bool
	if err := lock.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, template).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	build := template + "_build"
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+build+` WITH (FORCE)`); err != nil {
		return fmt.Errorf("drop unfinished template database: %w", err)
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+build); err != nil {
		return fmt.Errorf("create template database: %w", err)
	}
	db, err := store.Open(ctx, withDB(baseDSN, build))
	if err != nil {
		return err
	}
	_, err = db.Migrate(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	// A pooler keeps its server connections to the database open; they
	// would stop the renaming and the copies.
	if pooler != nil {
		if err := pooler.forget(build); err != nil {
			return err
		}
	}
	if _, err := lock.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, build); err != nil {
		return fmt.Errorf("close connections to the template database: %w", err)
	}
	if _, err := admin.ExecContext(ctx, `ALTER DATABASE `+build+` RENAME TO `+template); err != nil {
		return fmt.Errorf("publish template database: %w", err)
	}
	_, err = admin.ExecContext(ctx, `ALTER DATABASE `+template+` WITH IS_TEMPLATE true`)
	return err
}

func withDB(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		// key=value form
		return dsn + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

// DSN creates a fresh migrated database for t and returns its connection
// string; the database is dropped when the test ends.
func DSN(t testing.TB) string {
	t.Helper()
	return newDatabase(t, "")
}

// EmptyDSN is DSN for a database without the schema, to migrate.
func EmptyDSN(t testing.TB) string {
	t.Helper()
	return newDatabase(t, "template0")
}

// Seeded returns a store on a fresh database for t that is a copy of one
// seed filled, once per test binary and key: for what many tests start
// from and takes long to write, such as the indexed built-in lessons.
// seed gets a migrated database of its own; its error fails every test
// that asks for key.
func Seeded(t testing.TB, key string, seed func(context.Context, *store.DB) error) *store.DB {
	t.Helper()
	return open(t, SeededDSN(t, key, seed))
}

// SeededDSN is Seeded for a test that hands the database to the code it
// tests (a program, through its configuration): it returns the copy's
// connection string; the copy is dropped when the test ends.
func SeededDSN(t testing.TB, key string, seed func(context.Context, *store.DB) error) string {
	t.Helper()
	setUp(t)
	seedMu.Lock()
	s := seeds[key]
	if s == nil {
		s = &seeded{}
		seeds[key] = s
	}
	seedMu.Unlock()
	s.once.Do(func() { s.name, s.err = seedTemplate(context.Background(), seed) })
	if s.err != nil {
		t.Fatalf("pgtest: seed %s: %v", key, s.err)
	}
	return newDatabase(t, s.name)
}

// seedTemplate creates a database from the migrated template, runs seed
// on it and makes it a template. A database whose seeding failed is
// dropped.
func seedTemplate(ctx context.Context, seed func(context.Context, *store.DB) error) (_ string, err error) {
	name := fmt.Sprintf("bottega_s%d_%d", os.Getpid(), counter.Add(1))
	admin, err := sql.Open("postgres", adminDSN)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+template+` STRATEGY FILE_COPY`); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	defer func() {
		if err != nil {
			// The error says what failed; a database left behind is
			// only litter.
			_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		}
	}()
	db, err := store.Open(ctx, withDB(baseDSN, name))
	if err != nil {
		return "", err
	}
	err = seed(ctx, db)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	// A database copied from must have no connection open, a pooler's
	// included.
	if pooler != nil {
		if err := pooler.forget(name); err != nil {
			return "", err
		}
	}
	if _, err := admin.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name); err != nil {
		return "", fmt.Errorf("close connections: %w", err)
	}
	if _, err := admin.ExecContext(ctx, `ALTER DATABASE `+name+` WITH IS_TEMPLATE true`); err != nil {
		return "", err
	}
	return name, nil
}

// dropSeeded drops the seeded templates: on a server of DATABASE_URL they
// would stay.
func dropSeeded() {
	seedMu.Lock()
	defer seedMu.Unlock()
	if len(seeds) == 0 || adminDSN == "" {
		return
	}
	admin, err := sql.Open("postgres", adminDSN)
	if err != nil {
		return
	}
	defer admin.Close()
	for key, s := range seeds {
		if s.name != "" {
			// The tests are over: a template left behind is only litter.
			_, _ = admin.Exec(`ALTER DATABASE ` + s.name + ` WITH IS_TEMPLATE false`)
			_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + s.name + ` WITH (FORCE)`)
		}
		delete(seeds, key)
	}
}

// setUp starts the server and builds the template, once.
func setUp(t testing.TB) {
	t.Helper()
	once.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("pgtest: %v", setupErr)
	}
	if pooler != nil {
		if err := pooler.exited(); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
	}
}

// newDatabase creates a database for t copied from the template from (the
// migrated one if empty) and returns its connection string.
func newDatabase(t testing.TB, from string) string {
	t.Helper()
	setUp(t)
	name := fmt.Sprintf("bottega_t%d_%d", os.Getpid(), counter.Add(1))
	admin, err := sql.Open("postgres", adminDSN)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer admin.Close()
	if from == "" {
		from = template
	}
	if _, err := admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + from + ` STRATEGY FILE_COPY`); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("postgres", adminDSN)
		if err != nil {
			return
		}
		defer admin.Close()
		if pooler != nil {
			if err := pooler.forget(name); err != nil {
				t.Logf("pgtest: %v", err)
			}
		}
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil && !strings.Contains(err.Error(), "does not exist") {
			t.Logf("pgtest: drop %s: %v", name, err)
		}
	})
	return withDB(baseDSN, name)
}

// New returns a store on a fresh migrated database for t.
func New(t testing.TB) *store.DB {
	t.Helper()
	return open(t, DSN(t))
}

// NewRaw returns a store on a fresh migrated database for t, and a plain
// connection to the same database, for a test that reads or writes rows
// the store has no method for. Both are closed when t ends.
func NewRaw(t testing.TB) (*store.DB, *sql.DB) {
	t.Helper()
	dsn := DSN(t)
	db := open(t, dsn)
	raw, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	return db, raw
}

// open returns a store on dsn, closed when t ends.
func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() }) // the test is over; its database is dropped next
	return db
}

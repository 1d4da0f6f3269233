package pgtest

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/bottega-app/bottega/store"
)

func TestMain(m *testing.M) { Main(m) }

// TestDSNGoesThroughThePoolerWhenAsked checks that with PgBouncerEnv set,
// tests reach their database through PgBouncer in transaction pooling mode,
// and directly otherwise.
func TestDSNGoesThroughThePoolerWhenAsked(t *testing.T) {
	dsn := DSN(t)
	name := "bottega_t" // prefix of every test database
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	want := os.Getenv("DATABASE_URL") == "" && os.Getenv(PgBouncerEnv) == "1"
	if (pooler != nil) != want {
		t.Fatalf("pooler started: %v, want %v", pooler != nil, want)
	}
	if pooler == nil {
		if dsn != withDB(adminDSN, name) {
			t.Errorf("test URL %s, want the server's", dsn)
		}
		return
	}
	console, err := sql.Open("postgres", pooler.dsn("pgbouncer"))
	if err != nil {
		t.Fatal(err)
	}
	defer console.Close()
	rows, err := console.Query(`SHOW POOLS`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := map[string]string{}
		for i, c := range cols {
			row[c] = vals[i].String
		}
		if row["database"] == name {
			found = true
			if row["pool_mode"] != "transaction" {
				t.Errorf("pool of %s in mode %q, want transaction", name, row["pool_mode"])
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Errorf("PgBouncer has no pool for %s: the test did not go through it", name)
	}
}

// TestSeededCopies checks that a seed runs once for its key, that every
// copy starts from what it wrote, and that copies are apart.
func TestSeededCopies(t *testing.T) {
	ctx := context.Background()
	runs := 0
	seed := func(ctx context.Context, db *store.DB) error {
		runs++
		_, _, err := db.EnsureLearner(ctx, "test", "1", "1", "Ada", "it")
		return err
	}
	has := func(db *store.DB, id string) bool {
		t.Helper()
		l, err := db.LearnerLocale(ctx, "test", id)
		if err != nil {
			t.Fatal(err)
		}
		return l != ""
	}
	a := Seeded(t, "one learner", seed)
	b := Seeded(t, "one learner", seed)
	if runs != 1 {
		t.Fatalf("seed ran %d times, want once", runs)
	}
	if _, _, err := a.EnsureLearner(ctx, "test", "2", "2", "Bea", "it"); err != nil {
		t.Fatal(err)
	}
	if !has(a, "1") || !has(b, "1") {
		t.Error("a copy lacks the seeded learner")
	}
	if !has(a, "2") || has(b, "2") {
		t.Error("a learner added to one copy is not in it alone")
	}
	if has(New(t), "1") {
		t.Error("a database not seeded has the seeded learner")
	}
}

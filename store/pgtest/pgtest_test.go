package pgtest

import (
	"database/sql"
	"os"
	"testing"
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

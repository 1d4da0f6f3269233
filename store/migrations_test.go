package store_test

import (
	"context"
	"database/sql"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/migrations"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// migrationBefore opens a database migrated up to the migration whose
// file name ends with suffix, not included, so that a test can fill it as
// a database of that time and then apply the rest.
func migrationBefore(t *testing.T, suffix string) (*store.DB, *sql.DB) {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*"+suffix)
	if err != nil || len(names) != 1 {
		t.Fatalf("migration *%s: %v, %v", suffix, names, err)
	}
	n, err := strconv.ParseInt(strings.SplitN(names[0], "_", 2)[0], 10, 64)
	if err != nil {
		t.Fatalf("migration %s: %v", names[0], err)
	}
	ctx := context.Background()
	dsn := pgtest.EmptyDSN(t)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.MigrateTo(ctx, n-1); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return db, raw
}

// TestTextUpdateIDsKeepTodaysRecords: the records made with numeric update
// ids are still recognised as seen once the ids are text, and replies left
// unsent go out in the order they would have before.
func TestTextUpdateIDsKeepTodaysRecords(t *testing.T) {
	db, raw := migrationBefore(t, "_text_update_ids.sql")
	ctx := context.Background()
	_, err := raw.ExecContext(ctx, `
		INSERT INTO processed_updates (platform, update_id, chat_id, processed_at, replies, sent_at) VALUES
		('telegram', 100, '', '2026-11-30 10:00', NULL, '2026-11-30 10:00'),
		('telegram', 9, '7', '2026-11-30 11:00', '[{"text":"nine"}]', NULL),
		('telegram', 10, '7', '2026-11-30 11:00', '[{"text":"ten"}]', NULL),
		('telegram', 8, '7', '2026-11-30 12:00', '[{"text":"eight, later"}]', NULL)`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"100", "9"} {
		seen, err := db.UpdateTx(ctx, "telegram", id, "7", "7", func(any) ([]byte, error) {
			t.Errorf("update %s handled again after the migration", id)
			return nil, nil
		})
		if err != nil || !seen {
			t.Errorf("update %s after the migration: seen %v, %v", id, seen, err)
		}
	}
	// A new update comes after the old ones, whatever its id.
	if _, err := db.UpdateTx(ctx, "telegram", "1", "7", "7", func(any) ([]byte, error) {
		return []byte(`[{"text":"new"}]`), nil
	}); err != nil {
		t.Fatal(err)
	}
	var got []string
	err = db.Unsent(ctx, "telegram", func(id, chat string, replies []byte) error {
		got = append(got, id+" "+chat+" "+string(replies))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`9 7 [{"text": "nine"}]`, `10 7 [{"text": "ten"}]`, `8 7 [{"text": "eight, later"}]`, `1 7 [{"text": "new"}]`}
	if !slices.Equal(got, want) {
		t.Errorf("unsent after the migration:\n got %q\nwant %q", got, want)
	}
}

// TestEveryLocaleHasItsFullTextIndex: the passages of each locale a lesson
// may be written in have a full-text index of their own (migration 00029),
// so a search in that locale never reads another's passages to leave them
// out. A locale added to the lessons' needs its index too.
func TestEveryLocaleHasItsFullTextIndex(t *testing.T) {
	raw, err := sql.Open("postgres", pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'passages' AND indexdef LIKE '%USING gin (tsv)%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var defs []string
	for rows.Next() {
		var def string
		if err := rows.Scan(&def); err != nil {
			t.Fatal(err)
		}
		defs = append(defs, def)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, l := range locales.Supported {
		want := "WHERE (locale = '" + l + "'::text)"
		if !slices.ContainsFunc(defs, func(d string) bool { return strings.HasSuffix(d, want) }) {
			t.Errorf("no full-text index of the %s passages (%s); the passages' full-text indexes: %q", l, want, defs)
		}
	}
	if len(defs) != len(locales.Supported) {
		t.Errorf("%d full-text indexes of the passages, want one per locale (%d): %q", len(defs), len(locales.Supported), defs)
	}
}

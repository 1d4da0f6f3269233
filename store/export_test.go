package store

import (
	"context"
	"fmt"
)

// SessionState is what a session keeps between transactions that a
// transaction pooler would lose.
type SessionState struct {
	Prepared       int // statements prepared by name
	AdvisoryLocks  int // session-level advisory locks held
	InTransaction  bool
	ChangedSetting string // a setting changed by SET, if any
}

// SessionStateOf reads the session state of one of db's connections: with
// SetMaxConns(1), the connection every other call uses.
func SessionStateOf(ctx context.Context, db *DB) (SessionState, error) {
	var st SessionState
	err := db.db.QueryRowxContext(ctx, `
		SELECT (SELECT count(*) FROM pg_prepared_statements),
			(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()),
			now() <> statement_timestamp(),
			COALESCE((SELECT string_agg(name, ', ') FROM pg_settings WHERE source = 'session'), '')`).
		Scan(&st.Prepared, &st.AdvisoryLocks, &st.InTransaction, &st.ChangedSetting)
	if err != nil {
		return st, fmt.Errorf("read session state: %w", err)
	}
	return st, nil
}

// AdvisoryLockWaiters counts the transactions waiting for an advisory lock
// in db's database.
func AdvisoryLockWaiters(ctx context.Context, db *DB) (int, error) {
	var n int
	err := db.db.GetContext(ctx, &n, `
		SELECT count(*) FROM pg_locks
		WHERE locktype = 'advisory' AND NOT granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
	if err != nil {
		return 0, fmt.Errorf("count advisory lock waiters: %w", err)
	}
	return n, nil
}

// PassagesUnpacked says how many passages of index version have their
// tsv compressed, and how many bytes of the passages are stored out of
// line: either is unpacked again at every check of a search.
func PassagesUnpacked(ctx context.Context, db *DB, version int64) (compressed int, outOfLine int64, err error) {
	err = db.db.QueryRowxContext(ctx, `
		SELECT (SELECT count(*) FROM passages WHERE version_id = $1 AND pg_column_compression(tsv) IS NOT NULL),
			(SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE oid = CAST('passages' AS regclass))`, version).
		Scan(&compressed, &outOfLine)
	if err != nil {
		return 0, 0, fmt.Errorf("count passages unpacked: %w", err)
	}
	return compressed, outOfLine, nil
}

// WordSimilarity is wordSimilarity.
var WordSimilarity = wordSimilarity

// PostgresWordSimilarity is pg_trgm's word_similarity(a, b), as Postgres
// computes it.
func PostgresWordSimilarity(ctx context.Context, db *DB, a, b string) (float32, error) {
	var s float32
	err := db.db.QueryRowxContext(ctx, `SELECT word_similarity($1, $2)`, a, b).Scan(&s)
	return s, err
}

// Vacuumed reports whether table was vacuumed and analysed by hand since
// db's database was made.
func Vacuumed(ctx context.Context, db *DB, table string) (vacuumed, analyzed bool, err error) {
	err = db.db.QueryRowxContext(ctx, `
		SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables
		WHERE relid = CAST($1 AS regclass)`, table).Scan(&vacuumed, &analyzed)
	if err != nil {
		return false, false, fmt.Errorf("read when %s was vacuumed: %w", table, err)
	}
	return vacuumed, analyzed, nil
}

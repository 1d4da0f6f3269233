package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// fate is what /delete does with a column.
type fate int

const (
	// deleted: the row goes with the learner.
	deleted fate = iota + 1
	// anonymised: the row stays, without what identifies the learner.
	anonymised
	// notPersonal: the column holds nothing about a learner.
	notPersonal
)

// column says what /export and /delete do with one column of the schema.
// A personal column is exported and then deleted or anonymised; one that
// is not personal says why.
type column struct {
	fate     fate
	exported bool
	why      string
}

var (
	learnerOwn = column{fate: deleted, exported: true}
	// kept is a column of a row that stays after /delete, unchanged
	// because it says nothing about who the row was about.
	kept = func(why string) column { return column{fate: anonymised, exported: true, why: why} }
	// cleared is a column of a row that stays, emptied by /delete.
	cleared = column{fate: anonymised, exported: true}
	none    = func(why string) column { return column{fate: notPersonal, why: why} }
)

// personalData declares, for every column of the migrated schema, what
// /export and /delete do with it. A new column must be added here: decide
// whether it is about a learner (then export it in store.LearnerData and
// erase it in store.DeleteLearner) or say why not.
func personalData() map[string]column {
	const (
		curriculum = "the curriculum, written by admins: nothing about a learner"
		index      = "the search index of the curriculum"
		files      = "the platform's id of a lesson's media file"
	)
	m := map[string]column{
		"goose_db_version.id":         none("schema version bookkeeping"),
		"goose_db_version.version_id": none("schema version bookkeeping"),
		"goose_db_version.is_applied": none("schema version bookkeeping"),
		"goose_db_version.tstamp":     none("schema version bookkeeping"),

		// Update records: the key stays, so that a redelivery of one of
		// the learner's updates is still recognised and not handled again.
		"processed_updates.platform":          kept("the platform is part of the key and names no one"),
		"processed_updates.update_id":         kept("the platform's update id, the key: a sequence number that names no one without the chat"),
		"processed_updates.chat_id":           cleared,
		"processed_updates.replies":           cleared,
		"processed_updates.processed_at":      kept("cut to the day: without the chat it dates nobody's message"),
		"processed_updates.sent_at":           kept("cut to the day, like processed_at"),
		"processed_updates.replies_done":      kept("how many replies went out: a count, without the chat or the replies"),
		"processed_updates.replies_uncertain": kept("how many replies may have arrived: a count, kept for reports"),
		"processed_updates.send_attempts":     kept("failed tries of the next reply: a count"),
		"processed_updates.seq":               kept("the order the records were made in: a number that names no one"),
		"processed_updates.reply_in_flight":   kept("which reply was being sent: an index, without the chat or the replies"),

		// What admins did: it stays for everyone else, without the admin.
		"broadcasts.id":               kept("the broadcast's number"),
		"broadcasts.created_by":       cleared,
		"broadcasts.platform":         kept("where the broadcast went"),
		"broadcasts.kind":             kept("what the broadcast was"),
		"broadcasts.lesson_id":        kept("what the broadcast was"),
		"broadcasts.text":             kept("the announcement, sent to many learners"),
		"broadcasts.audience":         kept("the filters the learners were chosen with"),
		"broadcasts.status":           kept("the broadcast's progress"),
		"broadcasts.rate":             kept("the broadcast's progress"),
		"broadcasts.total":            kept("the broadcast's progress"),
		"broadcasts.progress_chat":    cleared,
		"broadcasts.progress_message": cleared,
		"broadcasts.progress_lang":    kept("a language, without the admin"),
		"broadcasts.created_at":       kept("when the broadcast was made, without the admin"),
		"broadcasts.started_at":       kept("the broadcast's progress"),
		"broadcasts.finished_at":      kept("the broadcast's progress"),
		"lesson_videos.lesson_id":     kept("the lesson the video belongs to"),
		"lesson_videos.platform":      kept("the platform of the file id"),
		"lesson_videos.file_id":       kept(files),
		"lesson_videos.kind":          kept(files),
		"lesson_videos.added_by":      cleared,
		"lesson_videos.added_at":      kept("when the video was added, without the admin"),
		"invites.code":                kept("the invitation code, made by an admin for a course: it names nobody"),
		"invites.course":              kept("the course's name, written by an admin"),
		"invites.platform":            kept("where the code was made"),
		"invites.created_by":          cleared,
		"invites.created_at":          kept("when the code was made, without the admin"),
		"admin_state.platform":        learnerOwn,
		"admin_state.user_id":         learnerOwn,
		"admin_state.state":           learnerOwn,
		"admin_state.updated_at":      learnerOwn,
		"console_links.token_hash":    learnerOwn,
		"console_links.platform":      learnerOwn,
		"console_links.user_id":       learnerOwn,
		"console_links.created_at":    learnerOwn,
		"console_links.expires_at":    learnerOwn,
		"console_links.used_at":       learnerOwn,
		"console_sessions.token_hash": learnerOwn,
		"console_sessions.platform":   learnerOwn,
		"console_sessions.user_id":    learnerOwn,
		"console_sessions.csrf":       learnerOwn,
		"console_sessions.created_at": learnerOwn,
		"console_sessions.seen_at":    learnerOwn,
		"console_jobs.id":             learnerOwn,
		"console_jobs.platform":       learnerOwn,
		"console_jobs.user_id":        learnerOwn,
		"console_jobs.source":         learnerOwn,
		"console_jobs.started_at":     learnerOwn,
		"console_jobs.seen_at":        learnerOwn,
		"console_jobs.stage":          learnerOwn,
		"console_jobs.finished_at":    learnerOwn,
		"console_jobs.version":        learnerOwn,
		"console_jobs.encoded":        learnerOwn,
		"console_jobs.cached":         learnerOwn,
		"console_jobs.error_key":      learnerOwn,
		"console_jobs.error_detail":   learnerOwn,

		"curriculum_drafts.id":         learnerOwn,
		"curriculum_drafts.base":       learnerOwn,
		"curriculum_drafts.source":     learnerOwn,
		"curriculum_drafts.created_by": learnerOwn,
		"curriculum_drafts.platform":   learnerOwn,
		"curriculum_drafts.created_at": learnerOwn,
		"curriculum_drafts.body":       learnerOwn,

		"platform_files.platform":   none(files),
		"platform_files.key":        none(files),
		"platform_files.file_id":    none(files),
		"platform_files.created_at": none(files),

		"curriculum_versions.id":         none(curriculum),
		"curriculum_versions.hash":       none(curriculum),
		"curriculum_versions.builtin":    none(curriculum),
		"curriculum_versions.source":     none("where a curriculum was published from: a folder or file name"),
		"curriculum_versions.added":      none(curriculum),
		"curriculum_versions.changed":    none(curriculum),
		"curriculum_versions.removed":    none(curriculum),
		"curriculum_versions.created_at": none(curriculum),
		"curriculum_versions.body":       none(curriculum),
		"curriculum_versions.lessons":    none(curriculum),
		"passage_words.version_id":       none(index),
		"passage_words.word":             none(index),
		"passage_versions.version_id":    none(index),
		"passage_versions.passages":      none(index),
		"passage_versions.complete":      none(index),
		"passage_versions.indexed_at":    none(index),
		"passage_versions.digest":        none(index),
		"passage_lexemes.version_id":     none(index),
		"passage_lexemes.config":         none(index),
		"passage_lexemes.lexeme":         none(index),
		"passage_lexemes.ndoc":           none(index),
		"passage_lexemes.idf":            none(index),
		// Embeddings of the lessons' text, made by the embeddings model.
		"passage_embeddings.model":       none(index),
		"passage_embeddings.lesson_id":   none(index),
		"passage_embeddings.kind":        none(index),
		"passage_embeddings.ref":         none(index),
		"passage_embeddings.locale":      none(index),
		"passage_embeddings.n":           none(index),
		"passage_embeddings.digest":      none(index),
		"passage_embeddings.vector":      none(index),
		"passage_embeddings.computed_at": none(index),
	}
	// WhatsApp's receipts are keyed by the message id alone: what ties one
	// to a learner is their delivery, which goes with them.
	for _, c := range []string{"platform", "message_id", "delivered_at", "read_at", "failed_at", "error_code", "updated_at"} {
		m["message_statuses."+c] = none("a platform's receipt of a message id; the delivery that names the learner goes with them")
	}
	for _, c := range []string{"id", "version_id", "track_id", "lesson_id", "kind", "ref", "position", "steps", "locale", "config",
		"roles", "lesson_locales", "title", "body", "task", "document", "keywords", "tags", "video_start", "spoken", "tsv", "questions", "asked"} {
		m["passages."+c] = none(index)
	}
	// The learner's own tables: every column is exported, and the rows go
	// with the learner.
	own := map[string][]string{
		"learners": {"id", "platform", "external_id", "chat_id", "name", "locale", "role", "level", "timezone", "reminder",
			"consent_at", "created_at", "updated_at", "blocked_at", "last_inbound_at"},
		"conversation_state": {"learner_id", "state", "updated_at"},
		"lesson_progress": {"learner_id", "lesson_id", "step_id", "step_index", "step_ids", "reached", "version", "started_at", "updated_at",
			"finished_at", "quiz_right", "quiz_total", "quiz_at"},
		"quiz_answers":  {"id", "learner_id", "lesson_id", "question_id", "choice", "correct", "source", "version", "answered_at"},
		"review_items":  {"learner_id", "lesson_id", "question_id", "box", "due_at", "updated_at"},
		"activity_days": {"learner_id", "day"},
		"ask_questions": {"id", "learner_id", "locale", "text", "asked_at", "answered_at", "mode", "unanswered", "lessons", "message_id", "answer"},
		"ask_usage": {"id", "question_id", "learner_id", "model", "outcome", "tokens_in", "tokens_out", "latency_ms", "cost_usd",
			"created_at"},
		"ask_feedback": {"question_id", "learner_id", "helpful", "created_at", "updated_at"},
		"ask_turns":    {"id", "learner_id", "question_id", "role", "text", "created_at"},
		"deliveries": {"id", "broadcast_id", "learner_id", "kind", "day", "payload", "status", "attempts", "next_attempt_at",
			"expires_at", "lease_owner", "lease_until", "created_at", "sent_at", "message_id", "error"},
		"drill_runs":    {"id", "learner_id", "drill_id", "version", "started_at", "finished_at", "score", "stopped_at"},
		"drill_answers": {"run_id", "learner_id", "task_id", "answer", "score", "verdict", "result", "answered_at"},
		"drill_timers":  {"id", "run_id", "learner_id", "task_id", "event", "due_at", "done_at"},
		// The cohort they joined, their placement and final checks, and
		// their certificates, with the name printed on them.
		"cohort_members": {"learner_id", "code", "joined_at"},
		"track_checks": {"learner_id", "track_id", "kind", "items", "choices", "right_answers", "total", "attempts",
			"finished_at"},
		"certificates": {"code", "learner_id", "track_id", "track_title", "name", "locale", "lessons", "minutes", "issued_at",
			"revoked_at"},
	}
	for table, cols := range own {
		for _, c := range cols {
			m[table+"."+c] = learnerOwn
		}
	}
	return m
}

// schemaColumns lists table.column for every column of every table of the
// migrated schema, with its type.
func schemaColumns(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(`
		SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols := map[string]string{}
	for rows.Next() {
		var table, col, typ string
		if err := rows.Scan(&table, &col, &typ); err != nil {
			t.Fatal(err)
		}
		cols[table+"."+col] = typ
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols
}

// TestEveryColumnIsExportedAndErasedOrNotPersonal fails on a column of the
// schema that personalData does not declare, and on a declaration that no
// column matches.
func TestEveryColumnIsExportedAndErasedOrNotPersonal(t *testing.T) {
	raw, err := sql.Open("postgres", pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	schema := schemaColumns(t, raw)
	declared := personalData()
	var missing, stale []string
	for c := range schema {
		if _, ok := declared[c]; !ok {
			missing = append(missing, c)
		}
	}
	for c, d := range declared {
		if _, ok := schema[c]; !ok {
			stale = append(stale, c)
		}
		if d.fate == notPersonal && (d.why == "" || d.exported) {
			t.Errorf("%s: not personal, so not exported, and the reason must be given", c)
		}
		if d.fate != notPersonal && !d.exported {
			t.Errorf("%s: about a learner, so /export must show it", c)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("columns neither exported and erased nor declared not personal (declare them in personalData, "+
			"export them in store.LearnerData, erase them in store.DeleteLearner):\n  %s", strings.Join(missing, "\n  "))
	}
	if len(stale) > 0 {
		t.Errorf("declared columns that the schema does not have:\n  %s", strings.Join(stale, "\n  "))
	}
}

const (
	platform = "telegram"
	userID   = "7071234567"
	userName = "Adalgisa Privatissima"
	otherID  = "8089876543"
)

// seed gives the learner a row in every table that can hold something
// about them, through plain SQL so that every column has a value.
func seed(t *testing.T, ctx context.Context, db *store.DB, raw *sql.DB) (learnerID int64) {
	t.Helper()
	l, _, err := db.EnsureLearner(ctx, platform, userID, userID, userName, "it")
	if err != nil {
		t.Fatal(err)
	}
	id := l.ID
	var qid, bid, rid int64
	steps := []struct {
		q    string
		args []any
		into *int64
	}{
		{`UPDATE learners SET consent_at = now(), blocked_at = now(), role = 'artisan' WHERE id = $1`, []any{id}, nil},
		{`INSERT INTO conversation_state (learner_id, state) VALUES ($1, '{"screen": "menu"}')`, []any{id}, nil},
		{`INSERT INTO lesson_progress (learner_id, lesson_id, step_id, step_index, step_ids, reached, version, started_at, updated_at, finished_at, quiz_right, quiz_total, quiz_at)
			VALUES ($1, 'vetrina', 's2', 1, '{s1,s2}', 2, 1, now(), now(), now(), 2, 3, now())`, []any{id}, nil},
		{`INSERT INTO quiz_answers (learner_id, lesson_id, question_id, choice, correct, source, version, answered_at)
			VALUES ($1, 'vetrina', 'q1', 0, false, 'quiz', 1, now())`, []any{id}, nil},
		{`INSERT INTO review_items (learner_id, lesson_id, question_id, box, due_at, updated_at) VALUES ($1, 'vetrina', 'q1', 1, now(), now())`, []any{id}, nil},
		{`INSERT INTO activity_days (learner_id, day) VALUES ($1, current_date)`, []any{id}, nil},
		{`INSERT INTO ask_questions (learner_id, locale, text, asked_at, answered_at, mode, unanswered, lessons)
			VALUES ($1, 'it', 'Come rispondo a ' || $2 || '?', now(), now(), 'llm', false, '{vetrina}') RETURNING id`, []any{id, userName}, &qid},
		{`INSERT INTO ask_usage (question_id, learner_id, model, outcome, tokens_in, tokens_out, latency_ms, cost_usd, created_at)
			VALUES ($2, $1, 'gpt', 'ok', 10, 20, 300, 0.001, now())`, []any{id, &qid}, nil},
		{`INSERT INTO ask_feedback (question_id, learner_id, helpful, created_at, updated_at) VALUES ($2, $1, true, now(), now())`, []any{id, &qid}, nil},
		{`INSERT INTO ask_turns (learner_id, question_id, role, text, created_at) VALUES ($1, $2, 'assistant', 'Ringrazia, ' || $3, now())`, []any{id, &qid, userName}, nil},
		{`INSERT INTO broadcasts (created_by, platform, kind, text, status, total, progress_chat, progress_message, started_at, finished_at)
			VALUES ($1, $2, 'text', 'Nuova lezione', 'done', 1, $1, '55', now(), now()) RETURNING id`, []any{userID, platform}, &bid},
		{`INSERT INTO deliveries (broadcast_id, learner_id, kind, status, attempts, expires_at, lease_owner, lease_until, sent_at, message_id, error)
			VALUES ($2, $1, 'broadcast', 'sent', 1, now(), 'w1', now(), now(), '99', 'x')`, []any{id, &bid}, nil},
		{`INSERT INTO drill_runs (learner_id, drill_id, version, started_at, finished_at, score) VALUES ($1, 'acqua-voce', 1, now(), now(), 70) RETURNING id`, []any{id}, &rid},
		{`INSERT INTO drill_answers (run_id, learner_id, task_id, answer, score, verdict, result, answered_at)
			VALUES ($2, $1, 'madre', 'Gentile ' || $3, 70, 'fair', '{"score": 70}', now())`, []any{id, &rid, userName}, nil},
		{`INSERT INTO drill_timers (run_id, learner_id, task_id, event, due_at, done_at) VALUES ($2, $1, 'madre', -1, now(), now())`, []any{id, &rid}, nil},
		{`INSERT INTO lesson_videos (lesson_id, platform, file_id, added_by) VALUES ('vetrina', $1, 'FILE', $2)`, []any{platform, userID}, nil},
		{`INSERT INTO admin_state (platform, user_id, state) VALUES ($1, $2, '{"wizard": "broadcast"}')`, []any{platform, userID}, nil},
		{`INSERT INTO console_links (token_hash, platform, user_id, created_at, expires_at, used_at) VALUES ('\x01', $1, $2, now(), now(), now())`, []any{platform, userID}, nil},
		{`INSERT INTO console_sessions (token_hash, platform, user_id, csrf, created_at, seen_at) VALUES ('\x02', $1, $2, 'c', now(), now())`, []any{platform, userID}, nil},
		{`INSERT INTO console_jobs (id, platform, user_id, source, started_at, seen_at, error_key, error_detail)
			VALUES ('JOB', $1, $2, 'vetrina.yaml', now(), now(), 'err_cut', ' ffmpeg: no such file')`, []any{platform, userID}, nil},
		{`INSERT INTO curriculum_drafts (base, source, platform, created_by, body) VALUES (1, 'upload by ' || $2 || ': vetrina.yaml', $1, $2, '{}')`, []any{platform, userID}, nil},
		{`INSERT INTO invites (code, course, platform, created_by) VALUES ('serale-2026', 'Corso serale', $1, $2)`, []any{platform, userID}, nil},
		{`INSERT INTO cohort_members (learner_id, code, joined_at) VALUES ($1, 'serale-2026', now())`, []any{id}, nil},
		{`INSERT INTO track_checks (learner_id, track_id, kind, items, choices, right_answers, total, attempts, finished_at)
			VALUES ($1, 'negozio', 'final', '{vetrina/q1}', '{1}', 1, 1, 1, now())`, []any{id}, nil},
		{`INSERT INTO certificates (code, learner_id, track_id, track_title, name, locale, lessons, minutes, issued_at, revoked_at)
			VALUES ('K7M2Q9ABCD', $1, 'negozio', 'Negozio', $2 || ' Rossi', 'it', '{La vetrina}', 60, now(), now())`, []any{id, userName}, nil},
	}
	for _, s := range steps {
		args := make([]any, len(s.args))
		for i, a := range s.args {
			if p, ok := a.(*int64); ok {
				a = *p
			}
			args[i] = a
		}
		var err error
		if s.into != nil {
			err = raw.QueryRowContext(ctx, s.q, args...).Scan(s.into)
		} else {
			_, err = raw.ExecContext(ctx, s.q, args...)
		}
		if err != nil {
			t.Fatalf("%s: %v", s.q, err)
		}
	}
	// Updates of the learner's private chat: one delivered, one whose
	// replies are still waiting (a failed send).
	for _, upd := range []string{"1", "2"} {
		if _, err := db.RecordUpdateReplies(ctx, platform, upd, userID, []byte(`[{"text": "Ciao `+userName+`"}]`)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.MarkSent(ctx, platform, "1"); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestExportHasEverythingAndDeleteLeavesNothing fills every table for a
// learner, checks that the export has every column declared exported, then
// deletes the learner as /delete does (inside the update's transaction, the
// reply sent afterwards) and searches every column of every table for
// their ids and name.
func TestExportHasEverythingAndDeleteLeavesNothing(t *testing.T) {
	ctx := context.Background()
	db, raw := pgtest.NewRaw(t)

	// Someone else, whose records must not change.
	other, _, err := db.EnsureLearner(ctx, platform, otherID, otherID, "Bruno", "it")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordUpdateReplies(ctx, platform, "10", otherID, []byte(`[{"text": "Ciao Bruno"}]`)); err != nil {
		t.Fatal(err)
	}
	id := seed(t, ctx, db, raw)

	data, err := db.LearnerData(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for col, c := range personalData() {
		if !c.exported {
			continue
		}
		table, name, _ := strings.Cut(col, ".")
		var rows []map[string]any
		if table == "learners" {
			var row map[string]any
			if err := json.Unmarshal(data[table], &row); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			rows = []map[string]any{row}
		} else if err := json.Unmarshal(data[table], &rows); err != nil {
			t.Fatalf("export of %s: %v (%s)", table, err, data[table])
		}
		if len(rows) == 0 {
			t.Errorf("export of %s is empty: seed a row for the learner", table)
			continue
		}
		if _, ok := rows[0][name]; !ok {
			t.Errorf("export of %s lacks %s: %s", table, name, data[table])
		}
	}
	if s := string(data["processed_updates"]); !strings.Contains(s, `"update_id":"2"`) || strings.Contains(s, `"update_id":"1",`) {
		t.Errorf("exported update records = %s, want the unsent one only (the sent one names nobody)", s)
	}
	if s := string(data["processed_updates"]) + string(data["learners"]); strings.Contains(s, otherID) {
		t.Errorf("someone else's data in the export: %s", s)
	}

	// /delete: the learner goes in the update's transaction, which then
	// records the update with the reply; the reply is sent, then marked.
	seen, err := db.UpdateTx(ctx, platform, "3", userID, userID, func(a any) ([]byte, error) {
		tx := a.(*store.Tx)
		if _, _, _, err := tx.EnsureLearnerState(ctx, platform, userID, userID, userName, "it"); err != nil {
			return nil, err
		}
		return []byte(`[{"text": "Ho cancellato tutto, ` + userName + `"}]`), tx.DeleteLearner(ctx, id)
	})
	if err != nil || seen {
		t.Fatalf("delete update: seen %v, %v", seen, err)
	}
	if err := db.MarkSent(ctx, platform, "3"); err != nil {
		t.Fatal(err)
	}

	// Nothing anywhere holds the learner's platform id, internal id or
	// name.
	for col, typ := range schemaColumns(t, raw) {
		table, name, _ := strings.Cut(col, ".")
		var q string
		var arg any
		switch {
		case name == "learner_id":
			q, arg = fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s = $1`, pq.QuoteIdentifier(table), pq.QuoteIdentifier(name)), id
		case typ == "text" || typ == "jsonb" || typ == "ARRAY" || typ == "character varying":
			q = fmt.Sprintf(`SELECT count(*) FROM %s WHERE CAST(%s AS text) LIKE '%%' || $1 || '%%' OR CAST(%s AS text) LIKE '%%' || $2 || '%%'`,
				pq.QuoteIdentifier(table), pq.QuoteIdentifier(name), pq.QuoteIdentifier(name))
		default:
			continue
		}
		var n int
		var err error
		if arg != nil {
			err = raw.QueryRowContext(ctx, q, arg).Scan(&n)
		} else {
			err = raw.QueryRowContext(ctx, q, userID, userName).Scan(&n)
		}
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n > 0 {
			t.Errorf("after /delete, %d rows of %s still hold the learner's id or name in %s", n, table, name)
		}
	}

	// The update records stay, as keys without a chat (the one still
	// waiting for its reply dated to the day only): a redelivery is still
	// recognised.
	var anon int
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM processed_updates
		WHERE platform = $1 AND update_id IN ('1', '2', '3') AND chat_id = '' AND replies IS NULL AND sent_at IS NOT NULL`, platform).Scan(&anon); err != nil {
		t.Fatal(err)
	}
	var precise int
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM processed_updates
		WHERE platform = $1 AND update_id = '2' AND processed_at <> date_trunc('day', processed_at)`, platform).Scan(&precise); err != nil {
		t.Fatal(err)
	}
	if anon != 3 || precise != 0 {
		t.Errorf("update records: %d of 3 kept without chat and replies, %d still timed to the second", anon, precise)
	}
	seen, err = db.UpdateTx(ctx, platform, "2", userID, userID, func(any) ([]byte, error) {
		t.Error("a redelivered update was handled again")
		return nil, nil
	})
	if err != nil || !seen {
		t.Errorf("redelivery after /delete: seen %v, %v", seen, err)
	}

	// The other learner is untouched, and only their reply is waiting.
	if _, err := db.Learner(ctx, other.ID); err != nil {
		t.Errorf("the other learner: %v", err)
	}
	var waiting []string
	err = db.Unsent(ctx, platform, func(updateID string, chatID string, replies []byte) error {
		waiting = append(waiting, updateID)
		if updateID == "10" && chatID != otherID {
			t.Errorf("the other learner's waiting reply lost its chat: %q", chatID)
		}
		return nil
	})
	if err != nil || fmt.Sprint(waiting) != "[10]" {
		t.Errorf("unsent after /delete: %v, %v; want the other learner's [10]", waiting, err)
	}
}

// TestForgetUnconsented: a learner who gave no consent is erased once idle
// past the limit; one who gave consent, or is still active, is kept.
func TestForgetUnconsented(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	mk := func(id string, consent bool) bottega.Learner {
		l, _, err := db.EnsureLearner(ctx, "test", id, id, id, "it")
		if err != nil {
			t.Fatal(err)
		}
		if consent {
			now := time.Now()
			l.ConsentAt = &now
			if err := db.UpdateLearner(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
		return l
	}
	idle, kept := mk("idle", false), mk("kept", true)
	if err := db.SaveState(ctx, idle.ID, []byte(`{"v":1}`)); err != nil {
		t.Fatal(err)
	}
	// Nobody is idle since an hour ago.
	if n, err := db.ForgetUnconsented(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("forgot %d, %v; want none", n, err)
	}
	// Past the limit, only the learner without consent goes.
	if n, err := db.ForgetUnconsented(ctx, time.Now().Add(time.Minute)); err != nil || n != 1 {
		t.Fatalf("forgot %d, %v; want 1", n, err)
	}
	if _, err := db.Learner(ctx, idle.ID); err == nil {
		t.Error("the idle learner without consent is still there")
	}
	if _, err := db.Learner(ctx, kept.ID); err != nil {
		t.Errorf("the learner who consented is gone: %v", err)
	}
}

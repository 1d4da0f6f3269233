package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// What Bottega keeps about a learner, and what /export and /delete do with
// it. The learner's own rows (their profile, progress, answers, questions,
// conversation, deliveries) hang off learners and go with it (ON DELETE
// CASCADE): their cohort, checks and certificates too (a deleted
// learner's certificate code is then unknown at /verify). Other rows name them by their platform id: the records of the
// updates of their private chat, and, for admins, what they did as admins.
// Those rows stay, because other things rest on them (an update's key is
// what makes a redelivery harmless; a broadcast goes on for everyone
// else), but lose what identifies the learner.
//
// A test (privacy_test.go) lists every column of the schema and fails on
// one that is neither exported and erased here nor declared not personal.

// learnerData are the queries of LearnerData: each yields one JSON value,
// every row of a table that is about the learner with all its columns (so
// a new column is exported without anyone remembering to). $1 is the
// learner's id, or with byUser their platform, and $2 their platform user id.
func learnerData() []struct {
	name, query string
	byUser      bool
} {
	return []struct {
		name, query string
		byUser      bool
	}{
		{"learners", `SELECT row_to_json(t) FROM learners t WHERE id = $1`, false},
		{"conversation_state", `SELECT COALESCE(json_agg(t), '[]') FROM (SELECT * FROM conversation_state WHERE learner_id = $1) t`, false},
		{"lesson_progress", `SELECT COALESCE(json_agg(t ORDER BY t.started_at, t.lesson_id), '[]') FROM (SELECT * FROM lesson_progress WHERE learner_id = $1) t`, false},
		{"quiz_answers", `SELECT COALESCE(json_agg(t ORDER BY t.id), '[]') FROM (SELECT * FROM quiz_answers WHERE learner_id = $1) t`, false},
		{"review_items", `SELECT COALESCE(json_agg(t ORDER BY t.due_at, t.lesson_id, t.question_id), '[]') FROM (SELECT * FROM review_items WHERE learner_id = $1) t`, false},
		{"activity_days", `SELECT COALESCE(json_agg(t ORDER BY t.day), '[]') FROM (SELECT * FROM activity_days WHERE learner_id = $1) t`, false},
		{"ask_questions", `SELECT COALESCE(json_agg(t ORDER BY t.id), '[]') FROM (SELECT * FROM ask_questions WHERE learner_id = $1) t`, false},
		{"ask_usage", `SELECT COALESCE(json_agg(t ORDER BY t.id), '[]') FROM (SELECT * FROM ask_usage WHERE learner_id = $1) t`, false},
		{"ask_feedback", `SELECT COALESCE(json_agg(t ORDER BY t.question_id), '[]') FROM (SELECT * FROM ask_feedback WHERE learner_id = $1) t`, false},
		{"ask_turns", `SELECT COALESCE(json_agg(t ORDER BY t.id), '[]') FROM (SELECT * FROM ask_turns WHERE learner_id = $1) t`, false},
		{"drill_runs", `SELECT COALESCE(json_agg(t ORDER BY t.id), '[]') FROM (SELECT * FROM drill_runs WHERE learner_id = $1) t`, false},
		{"drill_answers", `SELECT COALESCE(json_agg(t ORDER BY t.run_id, t.answered_at), '[]') FROM (SELECT * FROM drill_answers WHERE learner_id = $1) t`, false},
		{"drill_timers", `SELECT COALESCE(json_agg(t ORDER BY t.id), '[]') FROM (SELECT * FROM drill_timers WHERE learner_id = $1) t`, false},
		{"deliveries", `SELECT COALESCE(json_agg(t ORDER BY t.id), '[]') FROM (SELECT * FROM deliveries WHERE learner_id = $1) t`, false},
		// The course they joined with an invitation code, their placement
		// and final checks, the certificates issued to them (with the name
		// they gave for it).
		{"cohort_members", `SELECT COALESCE(json_agg(t), '[]') FROM (SELECT * FROM cohort_members WHERE learner_id = $1) t`, false},
		{"track_checks", `SELECT COALESCE(json_agg(t ORDER BY t.track_id, t.kind), '[]') FROM (SELECT * FROM track_checks WHERE learner_id = $1) t`, false},
		{"certificates", `SELECT COALESCE(json_agg(t ORDER BY t.issued_at, t.code), '[]') FROM (SELECT * FROM certificates WHERE learner_id = $1) t`, false},
		// The records of the updates of their private chat (where the chat
		// is the user) that still name it: those whose replies are not
		// sent yet (MarkSent forgets the chat).
		{"processed_updates", `SELECT COALESCE(json_agg(t ORDER BY t.seq), '[]') FROM (SELECT * FROM processed_updates WHERE platform = $1 AND chat_id = $2 AND $2 <> '') t`, true},
		// What they did as an admin.
		{"broadcasts", `SELECT COALESCE(json_agg(t ORDER BY t.id), '[]') FROM (SELECT * FROM broadcasts WHERE platform = $1 AND (created_by = $2 OR progress_chat = $2) AND $2 <> '') t`, true},
		{"lesson_videos", `SELECT COALESCE(json_agg(t ORDER BY t.lesson_id), '[]') FROM (SELECT * FROM lesson_videos WHERE platform = $1 AND added_by = $2 AND $2 <> '') t`, true},
		{"admin_state", `SELECT COALESCE(json_agg(t), '[]') FROM (SELECT * FROM admin_state WHERE platform = $1 AND user_id = $2) t`, true},
		// Their sign-in links and sessions to the web console, as an admin
		// (tokens only as hashes: nothing here signs anyone in).
		{"console_links", `SELECT COALESCE(json_agg(t ORDER BY t.created_at), '[]') FROM (SELECT * FROM console_links WHERE platform = $1 AND user_id = $2) t`, true},
		{"console_sessions", `SELECT COALESCE(json_agg(t ORDER BY t.created_at), '[]') FROM (SELECT * FROM console_sessions WHERE platform = $1 AND user_id = $2) t`, true},
		// The uploads they published on the console with their videos
		// (kept a week).
		{"console_jobs", `SELECT COALESCE(json_agg(t ORDER BY t.started_at, t.id), '[]') FROM (SELECT * FROM console_jobs WHERE platform = $1 AND user_id = $2) t`, true},
		{"invites", `SELECT COALESCE(json_agg(t ORDER BY t.code), '[]') FROM (SELECT * FROM invites WHERE platform = $1 AND created_by = $2 AND $2 <> '') t`, true},
		// The lessons they uploaded and have not published yet (kept a day).
		{"curriculum_drafts", `SELECT COALESCE(json_agg(t ORDER BY t.id), '[]') FROM (SELECT * FROM curriculum_drafts WHERE platform = $1 AND created_by = $2 AND $2 <> '') t`, true},
	}
}

// LearnerData returns everything stored about the learner, table by table:
// the rows as JSON objects, column by column (one object for learners, a
// list for the others). Times are in UTC, to the second, as in the rest of
// the export.
func (s *DB) LearnerData(ctx context.Context, learnerID int64) (map[string]json.RawMessage, error) {
	l, err := s.Learner(ctx, learnerID)
	if err != nil {
		return nil, err
	}
	out := map[string]json.RawMessage{}
	for _, d := range learnerData() {
		args := []any{learnerID}
		if d.byUser {
			args = []any{l.Platform, l.ExternalID}
		}
		var b []byte
		if err := s.q.GetContext(ctx, &b, d.query, args...); err != nil {
			return nil, fmt.Errorf("export %s of learner %d: %w", d.name, learnerID, err)
		}
		if b, err = utcSeconds(b); err != nil {
			return nil, fmt.Errorf("export %s of learner %d: %w", d.name, learnerID, err)
		}
		out[d.name] = json.RawMessage(b)
	}
	return out, nil
}

// utcSeconds rewrites the times in a JSON document from Postgres'
// rendering (the session's time zone, to the microsecond) to UTC seconds.
func utcSeconds(doc []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber() // ids stay exact
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case string:
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return t.UTC().Truncate(time.Second).Format(time.RFC3339)
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = walk(x[k])
			}
		}
		return v
	}
	return json.Marshal(walk(v))
}

// ForgetUnconsented erases, as DeleteLearner does, every learner who gave
// no consent to keep their data and has been idle since before idleBefore:
// without consent only the conversation of the current session is kept,
// for 24 hours after its last activity. It returns how many it erased.
func (s *DB) ForgetUnconsented(ctx context.Context, idleBefore time.Time) (int, error) {
	var ids []int64
	err := s.q.SelectContext(ctx, &ids, `
		SELECT l.id FROM learners l
		LEFT JOIN conversation_state cs ON cs.learner_id = l.id
		LEFT JOIN LATERAL (SELECT max(p.updated_at) AS at FROM lesson_progress p WHERE p.learner_id = l.id) lp ON true
		WHERE l.consent_at IS NULL
			AND GREATEST(l.updated_at, COALESCE(cs.updated_at, l.updated_at), COALESCE(lp.at, l.updated_at)) < $1`,
		idleBefore)
	if err != nil {
		return 0, fmt.Errorf("find idle learners without consent: %w", err)
	}
	for i, id := range ids {
		if err := s.DeleteLearner(ctx, id); err != nil {
			return i, fmt.Errorf("forget idle learner without consent: %w", err)
		}
	}
	return len(ids), nil
}

// DeleteLearner erases the learner: their rows go (through foreign keys),
// and the rows that stay lose what identifies them. The records of their
// private chat's updates keep their key (platform and update id: a
// redelivery must still be recognised) and the day, nothing else; replies
// not sent by now never will be. What they did as an admin stays, without
// their name on it. One statement, so it all happens or none of it.
func (s *DB) DeleteLearner(ctx context.Context, id int64) error {
	_, err := s.q.ExecContext(ctx, `
		WITH l AS (
			DELETE FROM learners WHERE id = $1 RETURNING platform, external_id
		), updates AS (
			UPDATE processed_updates p
			SET chat_id = '', replies = NULL,
				processed_at = date_trunc('day', p.processed_at),
				sent_at = date_trunc('day', COALESCE(p.sent_at, now()))
			FROM l WHERE p.platform = l.platform AND p.chat_id = l.external_id AND l.external_id <> ''
		), broadcasts AS (
			UPDATE broadcasts b
			SET created_by = CASE WHEN b.created_by = l.external_id THEN '' ELSE b.created_by END,
				progress_chat = CASE WHEN b.progress_chat = l.external_id THEN '' ELSE b.progress_chat END,
				progress_message = CASE WHEN b.progress_chat = l.external_id THEN '' ELSE b.progress_message END
			FROM l WHERE b.platform = l.platform AND (b.created_by = l.external_id OR b.progress_chat = l.external_id) AND l.external_id <> ''
		), videos AS (
			UPDATE lesson_videos v SET added_by = ''
			FROM l WHERE v.platform = l.platform AND v.added_by = l.external_id AND l.external_id <> ''
		), links AS (
			DELETE FROM console_links c USING l WHERE c.platform = l.platform AND c.user_id = l.external_id
		), sessions AS (
			DELETE FROM console_sessions c USING l WHERE c.platform = l.platform AND c.user_id = l.external_id
		), jobs AS (
			DELETE FROM console_jobs c USING l WHERE c.platform = l.platform AND c.user_id = l.external_id
		), invites AS (
			UPDATE invites i SET created_by = ''
			FROM l WHERE i.platform = l.platform AND i.created_by = l.external_id AND l.external_id <> ''
		), drafts AS (
			DELETE FROM curriculum_drafts d USING l WHERE d.platform = l.platform AND d.created_by = l.external_id AND l.external_id <> ''
		)
		DELETE FROM admin_state a USING l WHERE a.platform = l.platform AND a.user_id = l.external_id`, id)
	if err != nil {
		return fmt.Errorf("delete learner %d: %w", id, err)
	}
	return nil
}

// ForgetProgress erases what is kept about a learner only with their
// consent, when they withdraw it: their progress, answers, review schedule,
// active days and reminders not sent yet; broadcasts queued for them are
// not sent (skipped, so the broadcast's counts still add up). Their work,
// level and reminder time go with UpdateLearner.
func (s *DB) ForgetProgress(ctx context.Context, learnerID int64) error {
	_, err := s.q.ExecContext(ctx, `
		WITH p AS (DELETE FROM lesson_progress WHERE learner_id = $1),
		a AS (DELETE FROM quiz_answers WHERE learner_id = $1),
		r AS (DELETE FROM review_items WHERE learner_id = $1),
		d AS (DELETE FROM deliveries WHERE learner_id = $1 AND kind = 'reminder' AND status = 'pending'),
		b AS (UPDATE deliveries SET status = 'skipped', error = 'consent withdrawn', lease_owner = NULL, lease_until = NULL
			WHERE learner_id = $1 AND kind = 'broadcast' AND status = 'pending')
		DELETE FROM activity_days WHERE learner_id = $1`, learnerID)
	if err != nil {
		return fmt.Errorf("forget progress of learner %d: %w", learnerID, err)
	}
	return nil
}

package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/bottega-app/bottega"
)

// audienceWhere is the filter on learners l for an audience; its parameters
// start at $2 ($1 is the platform). Only learners who gave consent are in
// an audience: without it, the consent screen promises that nothing but the
// conversation they are having is kept and used, and an announcement they
// did not ask for is not something the service needs to work.
const audienceWhere = `
	l.platform = $1 AND l.blocked_at IS NULL AND l.chat_id <> '' AND l.consent_at IS NOT NULL
	AND (cardinality(CAST($2 AS text[])) = 0 OR l.role = ANY($2))
	AND (cardinality(CAST($3 AS text[])) = 0 OR l.level = ANY($3))
	AND (cardinality(CAST($4 AS text[])) = 0 OR l.locale = ANY($4))
	AND (cardinality(CAST($5 AS text[])) = 0 AND cardinality(CAST($6 AS text[])) = 0
		OR l.role = ANY($5)
		OR EXISTS (SELECT 1 FROM lesson_progress p WHERE p.learner_id = l.id AND p.lesson_id = ANY($6)))
	AND ($7 = 0 OR EXISTS (SELECT 1 FROM activity_days a WHERE a.learner_id = l.id AND a.day > current_date - CAST($7 AS integer)))
	AND ($8 = 0 OR NOT EXISTS (SELECT 1 FROM activity_days a WHERE a.learner_id = l.id AND a.day > current_date - CAST($8 AS integer)))`

func audienceArgs(a bottega.Audience) []any {
	arr := func(s []string) any { return pq.StringArray(nonNil(s)) }
	return []any{a.Platform, arr(a.Roles), arr(a.Levels), arr(a.Languages), arr(a.TrackRoles), arr(a.TrackLessons), a.ActiveDays, a.InactiveDays}
}

// CountAudience returns how many learners an audience holds now.
func (s *DB) CountAudience(ctx context.Context, a bottega.Audience) (int, error) {
	var n int
	err := s.q.GetContext(ctx, &n, `SELECT count(*) FROM learners l WHERE `+audienceWhere, audienceArgs(a)...)
	if err != nil {
		return 0, fmt.Errorf("count audience: %w", err)
	}
	return n, nil
}

const broadcastCols = `id, created_by, platform, kind, lesson_id, text, audience, status, rate, total,
	progress_chat, progress_message, progress_lang, created_at, started_at, finished_at`

// CreateBroadcast starts a broadcast: it saves b (Kind, LessonID, Text,
// Rate, CreatedBy, Progress*) for the audience a and queues one delivery per
// learner of a, all in one transaction, so a crash never leaves half an
// audience. It returns the broadcast with its id and total.
func (s *DB) CreateBroadcast(ctx context.Context, b bottega.Broadcast, a bottega.Audience) (bottega.Broadcast, error) {
	aud, err := json.Marshal(a)
	if err != nil {
		return b, fmt.Errorf("encode audience: %w", err)
	}
	if b.ProgressLang == "" {
		b.ProgressLang = "it"
	}
	var out bottega.Broadcast
	err = s.InTx(ctx, func(tx *Tx) error {
		q := tx.q
		var id int64
		err := q.GetContext(ctx, &id, `
			INSERT INTO broadcasts (created_by, platform, kind, lesson_id, text, audience, status, rate,
				progress_chat, progress_message, progress_lang, started_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'running', $7, $8, $9, $10, now()) RETURNING id`,
			b.CreatedBy, a.Platform, b.Kind, b.LessonID, b.Text, jsonArg(aud), b.Rate,
			b.ProgressChat, b.ProgressMessage, b.ProgressLang)
		if err != nil {
			return fmt.Errorf("save broadcast: %w", err)
		}
		args := append([]any{}, audienceArgs(a)...)
		args = append(args, id)
		res, err := q.ExecContext(ctx, `
			INSERT INTO deliveries (broadcast_id, learner_id, kind)
			SELECT CAST($9 AS bigint), l.id, 'broadcast' FROM learners l WHERE `+audienceWhere+`
			ORDER BY l.id`, args...)
		if err != nil {
			return fmt.Errorf("queue broadcast deliveries: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("queue broadcast deliveries: %w", err)
		}
		err = q.GetContext(ctx, &out, `UPDATE broadcasts SET total = $2 WHERE id = $1 RETURNING `+broadcastCols, id, n)
		if err != nil {
			return fmt.Errorf("save broadcast total: %w", err)
		}
		return nil
	})
	return out, err
}

// Broadcast returns the broadcast with id.
func (s *DB) Broadcast(ctx context.Context, id int64) (bottega.Broadcast, error) {
	var b bottega.Broadcast
	err := s.q.GetContext(ctx, &b, `SELECT `+broadcastCols+` FROM broadcasts WHERE id = $1`, id)
	if err != nil {
		return b, fmt.Errorf("get broadcast %d: %w", id, notFound(err))
	}
	return b, nil
}

// ActiveBroadcasts returns the running and paused broadcasts of a platform,
// oldest first.
func (s *DB) ActiveBroadcasts(ctx context.Context, platform string) ([]bottega.Broadcast, error) {
	var bs []bottega.Broadcast
	err := s.q.SelectContext(ctx, &bs, `
		SELECT `+broadcastCols+` FROM broadcasts
		WHERE platform = $1 AND status IN ('running', 'paused') ORDER BY id`, platform)
	if err != nil {
		return nil, fmt.Errorf("list active broadcasts: %w", err)
	}
	return bs, nil
}

// SetBroadcastStatus moves a broadcast to status if it is in one of from; ok
// is false otherwise. Cancelling also cancels the deliveries not started
// yet, in the same transaction.
func (s *DB) SetBroadcastStatus(ctx context.Context, id int64, status string, from ...string) (ok bool, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.q.ExecContext(ctx, `
			UPDATE broadcasts SET status = $2,
				finished_at = CASE WHEN $2 IN ('cancelled', 'done') THEN now() END
			WHERE id = $1 AND status = ANY($3)`, id, status, pq.StringArray(from))
		if err != nil {
			return fmt.Errorf("set broadcast %d %s: %w", id, status, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("set broadcast %d %s: %w", id, status, err)
		}
		ok = n == 1
		if ok && status == bottega.BroadcastCancelled {
			_, err := tx.q.ExecContext(ctx, `
				UPDATE deliveries SET status = 'cancelled', lease_owner = NULL, lease_until = NULL
				WHERE broadcast_id = $1 AND status = 'pending'`, id)
			if err != nil {
				return fmt.Errorf("cancel deliveries of broadcast %d: %w", id, err)
			}
		}
		return nil
	})
	return ok, err
}

// SetProgressMessage records the admin's message that shows a broadcast's
// progress.
func (s *DB) SetProgressMessage(ctx context.Context, id int64, chatID, messageID, lang string) error {
	_, err := s.q.ExecContext(ctx, `
		UPDATE broadcasts SET progress_chat = $2, progress_message = $3, progress_lang = $4 WHERE id = $1`,
		id, chatID, messageID, lang)
	if err != nil {
		return fmt.Errorf("save progress message of broadcast %d: %w", id, err)
	}
	return nil
}

// FinishBroadcast marks a running broadcast done when none of its
// deliveries is pending or sending; done tells whether it did.
func (s *DB) FinishBroadcast(ctx context.Context, id int64) (done bool, err error) {
	res, err := s.q.ExecContext(ctx, `
		UPDATE broadcasts SET status = 'done', finished_at = now()
		WHERE id = $1 AND status = 'running'
		AND NOT EXISTS (SELECT 1 FROM deliveries WHERE broadcast_id = $1 AND status IN ('pending', 'sending'))`, id)
	if err != nil {
		return false, fmt.Errorf("finish broadcast %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("finish broadcast %d: %w", id, err)
	}
	return n == 1, nil
}

// DeliveryCounts counts a broadcast's deliveries by status.
func (s *DB) DeliveryCounts(ctx context.Context, broadcastID int64) (bottega.DeliveryCounts, error) {
	var c bottega.DeliveryCounts
	err := s.q.GetContext(ctx, &c, `
		SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
			count(*) FILTER (WHERE status = 'sending') AS sending,
			count(*) FILTER (WHERE status = 'sent') AS sent,
			count(*) FILTER (WHERE status = 'failed') AS failed,
			count(*) FILTER (WHERE status = 'blocked') AS blocked,
			count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
			count(*) FILTER (WHERE status = 'uncertain') AS uncertain,
			count(*) FILTER (WHERE status = 'skipped') AS skipped
		FROM deliveries WHERE broadcast_id = $1`, broadcastID)
	if err != nil {
		return c, fmt.Errorf("count deliveries of broadcast %d: %w", broadcastID, err)
	}
	return c, nil
}

// QueueDepth counts the deliveries waiting to be sent on a platform.
func (s *DB) QueueDepth(ctx context.Context, platform string) (int, error) {
	var n int
	err := s.q.GetContext(ctx, &n, `
		SELECT count(*) FROM deliveries d JOIN learners l ON l.id = d.learner_id
		WHERE d.status IN ('pending', 'sending') AND l.platform = $1`, platform)
	if err != nil {
		return 0, fmt.Errorf("count queued deliveries: %w", err)
	}
	return n, nil
}

// SenderLock is the right to send a platform's deliveries: one process at a
// time holds it, so the configured rate is the rate at which the bot sends,
// however many replicas run.
//
// It is a transaction-level advisory lock in a transaction kept open until
// Release, not a session-level one: a transaction pooler (PgBouncer in
// transaction mode) keeps a transaction on one server connection, while it
// would hand a session's lock to whoever gets that connection next. The
// transaction only holds the lock: it has no snapshot between statements
// and writes nothing, so it holds back neither vacuum nor other writers.
type SenderLock struct {
	tx *sqlx.Tx
}

// LockSender tries to take the sender lock of a platform; ok is false when
// another process holds it. The lock lasts until Release or until the
// process's connection ends (a crash releases it), even if ctx ends first.
func (s *DB) LockSender(ctx context.Context, platform string) (l *SenderLock, ok bool, err error) {
	tx, err := s.db.BeginTxx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return nil, false, fmt.Errorf("take sender lock: %w", err)
	}
	key := "bottega:deliveries:" + platform
	if err := tx.QueryRowxContext(ctx, `SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))`, key).Scan(&ok); err != nil {
		_ = tx.Rollback()
		return nil, false, fmt.Errorf("take sender lock: %w", err)
	}
	if !ok {
		_ = tx.Rollback()
		return nil, false, nil
	}
	return &SenderLock{tx: tx}, true, nil
}

// Alive checks that the lock's transaction, and so the lock, still holds.
// It does not take ctx's cancellation to the server, which would abort the
// transaction and drop the lock before Release.
func (l *SenderLock) Alive(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, err := l.tx.ExecContext(ctx, `SELECT 1`); err != nil {
		return fmt.Errorf("sender lock lost: %w", err)
	}
	return nil
}

// Release gives the lock up.
func (l *SenderLock) Release() {
	_ = l.tx.Rollback()
}

// RecoverDeliveries runs when a process takes the sender lock: what the
// previous holder left sending was marked just before its request left and
// may have arrived, so it becomes uncertain and is never resent; the leases
// it held on pending deliveries are dropped, so they are sent now. It
// returns how many became uncertain.
func (s *DB) RecoverDeliveries(ctx context.Context, platform string) (int, error) {
	var n int
	err := s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.q.ExecContext(ctx, `
			UPDATE deliveries d SET status = 'uncertain', error = 'interrupted while sending', lease_owner = NULL, lease_until = NULL
			FROM learners l WHERE l.id = d.learner_id AND l.platform = $1 AND d.status = 'sending'`, platform)
		if err != nil {
			return fmt.Errorf("recover interrupted deliveries: %w", err)
		}
		m, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("recover interrupted deliveries: %w", err)
		}
		n = int(m)
		_, err = tx.q.ExecContext(ctx, `
			UPDATE deliveries d SET lease_owner = NULL, lease_until = NULL
			FROM learners l WHERE l.id = d.learner_id AND l.platform = $1 AND d.status = 'pending' AND d.lease_owner IS NOT NULL`, platform)
		if err != nil {
			return fmt.Errorf("release stale leases: %w", err)
		}
		return nil
	})
	return n, err
}

// ExpireDeliveries cancels the pending deliveries whose time has passed
// (reminders that would arrive in quiet hours).
func (s *DB) ExpireDeliveries(ctx context.Context) (int, error) {
	res, err := s.q.ExecContext(ctx, `
		UPDATE deliveries SET status = 'cancelled', error = 'expired', lease_owner = NULL, lease_until = NULL
		WHERE status = 'pending' AND expires_at < now()`)
	if err != nil {
		return 0, fmt.Errorf("expire deliveries: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("expire deliveries: %w", err)
	}
	return int(n), nil
}

const deliveryCols = `d.id, d.broadcast_id, d.learner_id, d.kind, d.day, d.payload, d.attempts,
	l.chat_id, l.locale, l.name, l.blocked_at IS NOT NULL AS learner_blocked,
	COALESCE(b.kind, '') AS broadcast_kind, COALESCE(b.lesson_id, '') AS lesson_id,
	COALESCE(b.text, '') AS text, COALESCE(b.rate, 0) AS rate`

// ClaimDeliveries leases up to n deliveries of a platform that are due, for
// owner, for the lease duration: concurrent claimers skip each other's rows
// (FOR UPDATE SKIP LOCKED) and a lease keeps the rows out of other claims
// while owner works through them. Only deliveries of running broadcasts and
// reminders are claimed, oldest first.
func (s *DB) ClaimDeliveries(ctx context.Context, platform, owner string, n int, lease time.Duration) ([]bottega.Delivery, error) {
	var ids []int64
	err := s.q.SelectContext(ctx, &ids, `
		WITH picked AS (
			SELECT d.id FROM deliveries d
			JOIN learners l ON l.id = d.learner_id
			LEFT JOIN broadcasts b ON b.id = d.broadcast_id
			WHERE d.status = 'pending' AND d.next_attempt_at <= now()
				AND (d.lease_until IS NULL OR d.lease_until < now())
				AND (d.expires_at IS NULL OR d.expires_at > now())
				AND l.platform = $1
				AND (d.broadcast_id IS NULL OR b.status = 'running')
			ORDER BY d.id
			LIMIT $2
			FOR UPDATE OF d SKIP LOCKED
		)
		UPDATE deliveries d SET lease_owner = $3, lease_until = now() + make_interval(secs => $4)
		FROM picked WHERE d.id = picked.id
		RETURNING d.id`, platform, n, owner, lease.Seconds())
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var ds []bottega.Delivery
	err = s.q.SelectContext(ctx, &ds, `
		SELECT `+deliveryCols+` FROM deliveries d
		JOIN learners l ON l.id = d.learner_id
		LEFT JOIN broadcasts b ON b.id = d.broadcast_id
		WHERE d.id = ANY($1) ORDER BY d.id`, pq.Int64Array(ids))
	if err != nil {
		return nil, fmt.Errorf("load claimed deliveries: %w", err)
	}
	return ds, nil
}

// StartDelivery marks a leased delivery sending, just before its message
// goes out, and commits it durably: a crash from here on leaves it sending,
// which recovery turns into uncertain rather than sending it again. ok is
// false, and nothing must be sent, when the lease was lost or the broadcast
// is no longer running (paused, cancelled).
func (s *DB) StartDelivery(ctx context.Context, id int64, owner string) (ok bool, err error) {
	res, err := s.q.ExecContext(ctx, `
		UPDATE deliveries d SET status = 'sending', attempts = attempts + 1
		WHERE d.id = $1 AND d.lease_owner = $2 AND d.status = 'pending'
		AND (d.broadcast_id IS NULL OR EXISTS (SELECT 1 FROM broadcasts b WHERE b.id = d.broadcast_id AND b.status = 'running'))`,
		id, owner)
	if err != nil {
		return false, fmt.Errorf("start delivery %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("start delivery %d: %w", id, err)
	}
	return n == 1, nil
}

// FinishDelivery records how the send of a delivery marked sending ended.
// Its commit is asynchronous (synchronous_commit off, for this transaction
// only): losing it in a database crash leaves the row sending, hence
// uncertain, never sent twice. A blocked learner is marked blocked too.
func (s *DB) FinishDelivery(ctx context.Context, id int64, r bottega.DeliveryResult) error {
	var retry any
	if r.Status == bottega.DeliveryPending {
		retry = r.RetryAt
	}
	_, err := s.q.ExecContext(ctx, `
		WITH async AS (SELECT set_config('synchronous_commit', 'off', true)),
		done AS (
			UPDATE deliveries SET status = $2, message_id = $3, error = $4,
				sent_at = CASE WHEN $2 = 'sent' THEN now() END,
				next_attempt_at = COALESCE(CAST($5 AS timestamptz), next_attempt_at),
				lease_owner = NULL, lease_until = NULL
			FROM async WHERE id = $1 AND status = 'sending'
			RETURNING learner_id
		)
		UPDATE learners SET blocked_at = now()
		WHERE $2 = 'blocked' AND blocked_at IS NULL AND id IN (SELECT learner_id FROM done)`,
		id, r.Status, r.MessageID, truncateText(r.Error, 500), retry)
	if err != nil {
		return fmt.Errorf("finish delivery %d: %w", id, err)
	}
	return nil
}

// SkipDelivery closes a leased delivery without sending it (the learner
// blocked the bot meanwhile).
func (s *DB) SkipDelivery(ctx context.Context, id int64, owner, status, reason string) error {
	_, err := s.q.ExecContext(ctx, `
		UPDATE deliveries SET status = $3, error = $4, lease_owner = NULL, lease_until = NULL
		WHERE id = $1 AND lease_owner = $2 AND status = 'pending'`, id, owner, status, reason)
	if err != nil {
		return fmt.Errorf("skip delivery %d: %w", id, err)
	}
	return nil
}

// ReleaseDeliveries gives back the leases owner still holds on pending
// deliveries, so they can be claimed again at once.
func (s *DB) ReleaseDeliveries(ctx context.Context, owner string) error {
	_, err := s.q.ExecContext(ctx, `
		UPDATE deliveries SET lease_owner = NULL, lease_until = NULL
		WHERE lease_owner = $1 AND status = 'pending'`, owner)
	if err != nil {
		return fmt.Errorf("release deliveries: %w", err)
	}
	return nil
}

// DeliveredMessage tells whether messageID is the platform's id of a
// message a broadcast or a reminder sent to the learner.
func (s *DB) DeliveredMessage(ctx context.Context, learnerID int64, messageID string) (bool, error) {
	if messageID == "" {
		return false, nil
	}
	var ok bool
	err := s.q.GetContext(ctx, &ok, `
		SELECT EXISTS (SELECT 1 FROM deliveries WHERE message_id = $2 AND message_id <> '' AND learner_id = $1)`,
		learnerID, messageID)
	if err != nil {
		return false, fmt.Errorf("look up delivered message: %w", err)
	}
	return ok, nil
}

// DeliveryStatuses returns the status of every delivery of a broadcast, by
// learner id (for tests and reports).
func (s *DB) DeliveryStatuses(ctx context.Context, broadcastID int64) (map[int64]string, error) {
	var rows []struct {
		LearnerID int64  `db:"learner_id"`
		Status    string `db:"status"`
	}
	err := s.q.SelectContext(ctx, &rows, `SELECT learner_id, status FROM deliveries WHERE broadcast_id = $1`, broadcastID)
	if err != nil {
		return nil, fmt.Errorf("list deliveries of broadcast %d: %w", broadcastID, err)
	}
	m := make(map[int64]string, len(rows))
	for _, r := range rows {
		m[r.LearnerID] = r.Status
	}
	return m, nil
}

// SaveLessonVideo records the platform's file id of a video an admin
// attached to a lesson.
func (s *DB) SaveLessonVideo(ctx context.Context, lessonID, platform, fileID, kind, addedBy string) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO lesson_videos (lesson_id, platform, file_id, kind, added_by) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (lesson_id, platform) DO UPDATE SET file_id = EXCLUDED.file_id, kind = EXCLUDED.kind,
			added_by = EXCLUDED.added_by, added_at = now()`, lessonID, platform, fileID, kind, addedBy)
	s.videos.Delete([2]string{lessonID, platform})
	if err != nil {
		return fmt.Errorf("save video of lesson %s: %w", lessonID, err)
	}
	return nil
}

// LessonVideo returns the file id of a lesson's attached video, "" if none.
// Answers are remembered for videoTTL: lesson pages ask on every view, and
// videos change seldom (SaveLessonVideo forgets the lesson's at once; other
// processes see a new one within videoTTL).
func (s *DB) LessonVideo(ctx context.Context, lessonID, platform string) (string, error) {
	key := [2]string{lessonID, platform}
	if v, ok := s.videos.Load(key); ok && time.Since(v.(cachedVideo).at) < videoTTL {
		return v.(cachedVideo).id, nil
	}
	at := time.Now()
	var id string
	err := s.q.GetContext(ctx, &id, `SELECT file_id FROM lesson_videos WHERE lesson_id = $1 AND platform = $2`, lessonID, platform)
	if err := notFound(err); err != nil && err != ErrNotFound {
		return "", fmt.Errorf("load video of lesson %s: %w", lessonID, err)
	}
	s.videos.Store(key, cachedVideo{id: id, at: at})
	return id, nil
}

// videoTTL is how long LessonVideo's answers are remembered.
const videoTTL = 30 * time.Second

type cachedVideo struct {
	id string
	at time.Time
}

// LoadAdminState returns an admin's wizard state (nil if none).
func (s *DB) LoadAdminState(ctx context.Context, platform, userID string) ([]byte, error) {
	var b []byte
	err := s.q.GetContext(ctx, &b, `SELECT state FROM admin_state WHERE platform = $1 AND user_id = $2`, platform, userID)
	if err := notFound(err); err == ErrNotFound {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("load admin state: %w", err)
	}
	return b, nil
}

// SaveAdminState keeps an admin's wizard state.
func (s *DB) SaveAdminState(ctx context.Context, platform, userID string, state []byte) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO admin_state (platform, user_id, state) VALUES ($1, $2, $3)
		ON CONFLICT (platform, user_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
		platform, userID, jsonArg(state))
	if err != nil {
		return fmt.Errorf("save admin state: %w", err)
	}
	return nil
}

// MergeAdminState sets the top-level fields of patch (a JSON object) in
// an admin's wizard state and keeps the others, in one statement: work
// that runs outside the admin's updates (a task after commit) changes its
// own fields without overwriting what an update saved meanwhile.
func (s *DB) MergeAdminState(ctx context.Context, platform, userID string, patch []byte) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO admin_state (platform, user_id, state) VALUES ($1, $2, $3)
		ON CONFLICT (platform, user_id) DO UPDATE SET state = admin_state.state || EXCLUDED.state, updated_at = now()`,
		platform, userID, jsonArg(patch))
	if err != nil {
		return fmt.Errorf("merge admin state: %w", err)
	}
	return nil
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// CreateLearners inserts many learners at once (benchmarks, demos, imports),
// with their consent when ConsentAt is set; the ids are filled in.
func (s *DB) CreateLearners(ctx context.Context, ls []bottega.Learner) error {
	const chunk = 5000
	for start := 0; start < len(ls); start += chunk {
		part := ls[start:min(start+chunk, len(ls))]
		cols := make([][]string, 10)
		for _, l := range part {
			if l.Locale == "" {
				l.Locale = "it"
			}
			if l.Timezone == "" {
				l.Timezone = bottega.DefaultTimezone
			}
			consent := ""
			if l.ConsentAt != nil {
				consent = l.ConsentAt.UTC().Format(time.RFC3339Nano)
			}
			for i, v := range []string{l.Platform, l.ExternalID, l.ChatID, l.Name, l.Locale, l.Role, l.Level, l.Reminder, l.Timezone, consent} {
				cols[i] = append(cols[i], v)
			}
		}
		var rows []struct {
			ID         int64  `db:"id"`
			ExternalID string `db:"external_id"`
		}
		err := s.q.SelectContext(ctx, &rows, `
			INSERT INTO learners (platform, external_id, chat_id, name, locale, role, level, reminder, timezone, consent_at)
			SELECT u.platform, u.external_id, u.chat_id, u.name, u.locale, u.role, u.level, u.reminder, u.timezone,
				CAST(NULLIF(u.consent_at, '') AS timestamptz)
			FROM unnest(CAST($1 AS text[]), CAST($2 AS text[]), CAST($3 AS text[]), CAST($4 AS text[]),
				CAST($5 AS text[]), CAST($6 AS text[]), CAST($7 AS text[]), CAST($8 AS text[]), CAST($9 AS text[]),
				CAST($10 AS text[]))
				AS u(platform, external_id, chat_id, name, locale, role, level, reminder, timezone, consent_at)
			RETURNING id, external_id`,
			pq.StringArray(cols[0]), pq.StringArray(cols[1]), pq.StringArray(cols[2]), pq.StringArray(cols[3]),
			pq.StringArray(cols[4]), pq.StringArray(cols[5]), pq.StringArray(cols[6]), pq.StringArray(cols[7]), pq.StringArray(cols[8]),
			pq.StringArray(cols[9]))
		if err != nil {
			return fmt.Errorf("create learners: %w", err)
		}
		ids := make(map[string]int64, len(rows))
		for _, r := range rows {
			ids[r.ExternalID] = r.ID
		}
		for i := range part {
			part[i].ID = ids[part[i].ExternalID]
		}
	}
	return nil
}

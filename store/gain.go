package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/bottega-app/bottega"
)

// checkRow is a track_checks row as sqlx scans it.
type checkRow struct {
	LearnerID  int64          `db:"learner_id"`
	TrackID    string         `db:"track_id"`
	Kind       string         `db:"kind"`
	Items      pq.StringArray `db:"items"`
	Choices    pq.Int64Array  `db:"choices"`
	Right      int            `db:"right_answers"`
	Total      int            `db:"total"`
	Attempts   int            `db:"attempts"`
	FinishedAt time.Time      `db:"finished_at"`
}

func (r checkRow) check() bottega.TrackCheck {
	c := bottega.TrackCheck{LearnerID: r.LearnerID, TrackID: r.TrackID, Kind: r.Kind, Items: []string(r.Items),
		Right: r.Right, Total: r.Total, Attempts: r.Attempts, FinishedAt: r.FinishedAt}
	for _, n := range r.Choices {
		c.Choices = append(c.Choices, int(n))
	}
	return c
}

const checkCols = `learner_id, track_id, kind, items, choices, right_answers, total, attempts, finished_at`

// SaveCheck records a finished placement or final check; a retaken one
// replaces the earlier one and counts one more attempt.
func (s *DB) SaveCheck(ctx context.Context, c bottega.TrackCheck) error {
	choices := make(pq.Int64Array, len(c.Choices))
	for i, n := range c.Choices {
		choices[i] = int64(n)
	}
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO track_checks (learner_id, track_id, kind, items, choices, right_answers, total, attempts, finished_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)
		ON CONFLICT (learner_id, track_id, kind) DO UPDATE SET
			items = EXCLUDED.items, choices = EXCLUDED.choices, right_answers = EXCLUDED.right_answers,
			total = EXCLUDED.total, attempts = track_checks.attempts + 1, finished_at = EXCLUDED.finished_at`,
		c.LearnerID, c.TrackID, c.Kind, pq.StringArray(nonNil(c.Items)), choices, c.Right, c.Total, c.FinishedAt)
	if err != nil {
		return fmt.Errorf("save %s check of track %s: %w", c.Kind, c.TrackID, err)
	}
	return nil
}

// Checks returns the learner's finished checks, by track and kind.
func (s *DB) Checks(ctx context.Context, learnerID int64) ([]bottega.TrackCheck, error) {
	var rows []checkRow
	if err := s.q.SelectContext(ctx, &rows, `SELECT `+checkCols+` FROM track_checks WHERE learner_id = $1 ORDER BY track_id, kind`, learnerID); err != nil {
		return nil, fmt.Errorf("list checks of learner %d: %w", learnerID, err)
	}
	out := make([]bottega.TrackCheck, len(rows))
	for i, r := range rows {
		out[i] = r.check()
	}
	return out, nil
}

// gainPairs is every learner's placement and final check of a track, side
// by side, as percentages; the queries below group it.
const gainPairs = `
	WITH pairs AS (
		SELECT p.learner_id, p.track_id,
			p.right_answers * 100.0 / p.total AS placement,
			f.right_answers * 100.0 / f.total AS final
		FROM track_checks p
		JOIN track_checks f ON f.learner_id = p.learner_id AND f.track_id = p.track_id AND f.kind = 'final'
		WHERE p.kind = 'placement'
	)`

// gainCols are the averages of a group of pairs.
const gainCols = `count(*) AS n,
	CAST(avg(placement) AS double precision) AS placement,
	CAST(avg(final) AS double precision) AS final,
	CAST(avg(final - placement) AS double precision) AS gain`

// GainStats returns the learning gain by track, by the month learners
// started in and by invitation code, and how many checks were taken.
func (s *DB) GainStats(ctx context.Context) (bottega.GainStats, error) {
	var st bottega.GainStats
	q := s.q
	err := q.QueryRowxContext(ctx, `
		SELECT count(*) FILTER (WHERE kind = 'placement'), count(*) FILTER (WHERE kind = 'final'),
			count(*) FILTER (WHERE kind = 'final' AND right_answers * 100 >= total * $1)
		FROM track_checks`, bottega.FinalPassPercent).Scan(&st.Placements, &st.Finals, &st.Passed)
	if err != nil {
		return st, fmt.Errorf("count checks: %w", err)
	}
	if err := q.SelectContext(ctx, &st.ByTrack, gainPairs+`
		SELECT track_id AS key, '' AS label, `+gainCols+` FROM pairs GROUP BY track_id ORDER BY track_id`); err != nil {
		return st, fmt.Errorf("gain by track: %w", err)
	}
	if err := q.SelectContext(ctx, &st.ByMonth, gainPairs+`
		SELECT to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS key, '' AS label, `+gainCols+`
		FROM pairs JOIN learners l ON l.id = pairs.learner_id GROUP BY 1 ORDER BY 1`); err != nil {
		return st, fmt.Errorf("gain by month: %w", err)
	}
	if err := q.SelectContext(ctx, &st.ByInvite, gainPairs+`
		SELECT i.code AS key, i.course AS label, `+gainCols+`
		FROM pairs JOIN cohort_members c ON c.learner_id = pairs.learner_id JOIN invites i ON i.code = c.code
		GROUP BY i.code, i.course ORDER BY i.code`); err != nil {
		return st, fmt.Errorf("gain by invitation code: %w", err)
	}
	return st, nil
}

// TrackGain is the average gain on one track; with code, only of the
// members of that invitation code's cohort.
func (s *DB) TrackGain(ctx context.Context, trackID, code string) (bottega.GainGroup, error) {
	var g bottega.GainGroup
	err := s.q.GetContext(ctx, &g, gainPairs+`
		SELECT $1 AS key, '' AS label, count(*) AS n,
			CAST(COALESCE(avg(placement), 0) AS double precision) AS placement,
			CAST(COALESCE(avg(final), 0) AS double precision) AS final,
			CAST(COALESCE(avg(final - placement), 0) AS double precision) AS gain
		FROM pairs
		WHERE track_id = $1 AND ($2 = '' OR learner_id IN (SELECT learner_id FROM cohort_members WHERE code = $2))`, trackID, code)
	if err != nil {
		return g, fmt.Errorf("gain of track %s: %w", trackID, err)
	}
	return g, nil
}

// CreateInvite stores a new invitation code; ErrExists if it is taken
// (in any case of letters: codes are told apart without it).
func (s *DB) CreateInvite(ctx context.Context, inv bottega.Invite) (bottega.Invite, error) {
	var out bottega.Invite
	err := s.q.GetContext(ctx, &out, `
		INSERT INTO invites (code, course, platform, created_by, created_at)
		SELECT $1, $2, $3, $4, $5
		WHERE NOT EXISTS (SELECT 1 FROM invites WHERE lower(code) = lower($1))
		RETURNING code, course, platform, created_by, created_at, 0 AS learners`,
		inv.Code, inv.Course, inv.Platform, inv.CreatedBy, inv.CreatedAt)
	if notFound(err) == ErrNotFound {
		return out, ErrExists
	}
	if err != nil {
		if e, ok := err.(*pq.Error); ok && e.Code == "23505" {
			return out, ErrExists
		}
		return out, fmt.Errorf("create invitation code: %w", err)
	}
	return out, nil
}

// ErrExists is returned when a new row would take a key already in use.
var ErrExists = errors.New("already exists")

// Invite returns the invitation code (any case of letters); false if there
// is none.
func (s *DB) Invite(ctx context.Context, code string) (bottega.Invite, bool, error) {
	var inv bottega.Invite
	err := s.q.GetContext(ctx, &inv, `
		SELECT i.code, i.course, i.platform, i.created_by, i.created_at,
			(SELECT count(*) FROM cohort_members c WHERE c.code = i.code) AS learners
		FROM invites i WHERE lower(i.code) = lower($1)`, code)
	if err != nil {
		if notFound(err) == ErrNotFound {
			return inv, false, nil
		}
		return inv, false, fmt.Errorf("find invitation code: %w", err)
	}
	return inv, true, nil
}

// Invites lists the invitation codes, newest first, with their members.
func (s *DB) Invites(ctx context.Context) ([]bottega.Invite, error) {
	var out []bottega.Invite
	err := s.q.SelectContext(ctx, &out, `
		SELECT i.code, i.course, i.platform, i.created_by, i.created_at,
			(SELECT count(*) FROM cohort_members c WHERE c.code = i.code) AS learners
		FROM invites i ORDER BY i.created_at DESC, i.code`)
	if err != nil {
		return nil, fmt.Errorf("list invitation codes: %w", err)
	}
	return out, nil
}

// JoinCohort puts the learner in the invitation code's cohort (leaving any
// other) from at.
func (s *DB) JoinCohort(ctx context.Context, learnerID int64, code string, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO cohort_members (learner_id, code, joined_at) VALUES ($1, $2, $3)
		ON CONFLICT (learner_id) DO UPDATE SET code = EXCLUDED.code, joined_at = EXCLUDED.joined_at
		WHERE cohort_members.code <> EXCLUDED.code`, learnerID, code, at)
	if err != nil {
		return fmt.Errorf("join cohort %s: %w", code, err)
	}
	return nil
}

// Cohort returns the invitation code the learner joined with, "" if none.
func (s *DB) Cohort(ctx context.Context, learnerID int64) (string, error) {
	var code string
	err := s.q.GetContext(ctx, &code, `SELECT code FROM cohort_members WHERE learner_id = $1`, learnerID)
	if notFound(err) == ErrNotFound {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("find cohort of learner %d: %w", learnerID, err)
	}
	return code, nil
}

// certRow is a certificates row as sqlx scans it.
type certRow struct {
	Code       string         `db:"code"`
	LearnerID  int64          `db:"learner_id"`
	TrackID    string         `db:"track_id"`
	TrackTitle string         `db:"track_title"`
	Name       string         `db:"name"`
	Locale     string         `db:"locale"`
	Lessons    pq.StringArray `db:"lessons"`
	Minutes    int            `db:"minutes"`
	IssuedAt   time.Time      `db:"issued_at"`
	RevokedAt  *time.Time     `db:"revoked_at"`
}

func (r certRow) cert() bottega.Certificate {
	return bottega.Certificate{Code: r.Code, LearnerID: r.LearnerID, TrackID: r.TrackID, TrackTitle: r.TrackTitle,
		Name: r.Name, Locale: r.Locale, Lessons: []string(r.Lessons), Minutes: r.Minutes, IssuedAt: r.IssuedAt, RevokedAt: r.RevokedAt}
}

const certCols = `code, learner_id, track_id, track_title, name, locale, lessons, minutes, issued_at, revoked_at`

// CreateCertificate stores an issued certificate; false if its code is
// taken.
func (s *DB) CreateCertificate(ctx context.Context, c bottega.Certificate) (bool, error) {
	res, err := s.q.ExecContext(ctx, `
		INSERT INTO certificates (code, learner_id, track_id, track_title, name, locale, lessons, minutes, issued_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (code) DO NOTHING`,
		c.Code, c.LearnerID, c.TrackID, c.TrackTitle, c.Name, c.Locale, pq.StringArray(nonNil(c.Lessons)), c.Minutes, c.IssuedAt)
	if err != nil {
		return false, fmt.Errorf("create certificate: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("create certificate: %w", err)
	}
	return n == 1, nil
}

// FindCertificate returns the certificate with the code; false if there is
// none.
func (s *DB) FindCertificate(ctx context.Context, code string) (bottega.Certificate, bool, error) {
	var r certRow
	err := s.q.GetContext(ctx, &r, `SELECT `+certCols+` FROM certificates WHERE code = $1`, code)
	if err != nil {
		if notFound(err) == ErrNotFound {
			return bottega.Certificate{}, false, nil
		}
		return bottega.Certificate{}, false, fmt.Errorf("find certificate: %w", err)
	}
	return r.cert(), true, nil
}

// Certificates returns the learner's certificates, latest first; with a
// learner id of 0, everyone's (at most limit).
func (s *DB) Certificates(ctx context.Context, learnerID int64, limit int) ([]bottega.Certificate, error) {
	var rows []certRow
	err := s.q.SelectContext(ctx, &rows, `SELECT `+certCols+` FROM certificates
		WHERE $1 = 0 OR learner_id = $1 ORDER BY issued_at DESC, code LIMIT $2`, learnerID, limit)
	if err != nil {
		return nil, fmt.Errorf("list certificates: %w", err)
	}
	out := make([]bottega.Certificate, len(rows))
	for i, r := range rows {
		out[i] = r.cert()
	}
	return out, nil
}

// RevokeCertificate marks a certificate revoked at at; false if there is no
// such certificate or it was revoked already.
func (s *DB) RevokeCertificate(ctx context.Context, code string, at time.Time) (bool, error) {
	res, err := s.q.ExecContext(ctx, `UPDATE certificates SET revoked_at = $2 WHERE code = $1 AND revoked_at IS NULL`, code, at)
	if err != nil {
		return false, fmt.Errorf("revoke certificate: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("revoke certificate: %w", err)
	}
	return n == 1, nil
}

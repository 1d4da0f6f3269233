package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
)

// Publishing implements bottega.PublishService on the database; In gives
// one whose methods run in a transaction.
type Publishing struct {
	DB      *DB
	Library *Library
	// Index builds what depends on a new version (the assistant's
	// passages), in the publish's transaction.
	Index func(ctx context.Context, tx *Tx, version int64, c *content.Curriculum) error
	// Published, if set, runs after a new version is saved (to embed its
	// passages); it logs its own failures.
	Published func(ctx context.Context, c *content.Curriculum)
	// Clock dates drafts (default time.Now).
	Clock func() time.Time
}

var _ bottega.PublishService = (*Publishing)(nil)

// In returns the service with its methods running in tx.
func (s *Publishing) In(tx *Tx) *Publishing {
	c := *s
	c.DB = tx.DB
	return &c
}

// draftTTL is how long a draft waits to be published.
const draftTTL = 24 * time.Hour

func (s *Publishing) now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

// current reads the current version from the database, not the cache:
// what a draft is compared with must be what a publish replaces.
func (s *Publishing) current(ctx context.Context) (*content.Curriculum, int64, error) {
	c, v, _, err := s.DB.latestCurriculum(ctx)
	if err != nil {
		return nil, 0, err
	}
	if c == nil {
		c = &content.Curriculum{}
	}
	return c, v, nil
}

func changes(before, after *content.Curriculum) bottega.Changes {
	var ch bottega.Changes
	ch.Added, ch.Changed, ch.Removed = content.Diff(before, after)
	return ch
}

// CheckUpload implements bottega.PublishService.
func (s *Publishing) CheckUpload(ctx context.Context, u bottega.Upload) (bottega.Draft, error) {
	d := bottega.Draft{Source: u.Name}
	if u.By != "" {
		d.Source = bottega.UploadSource(u.By, u.Name)
	}
	if len(u.Data) > bottega.MaxUpload {
		return d, bottega.Errork(bottega.EINVALID, bottega.UploadTooBig, nil, "the file is bigger than %d MB", bottega.MaxUpload>>20)
	}
	cur, version, err := s.current(ctx)
	if err != nil {
		return d, err
	}
	d.Base = version
	merged, problems, err := bottega.MergeUpload(cur, u)
	if err != nil {
		return d, err
	}
	d.Curriculum, d.Problems = merged, problems
	if len(problems) > 0 {
		return d, nil
	}
	if merged.Hash() == cur.Hash() {
		d.Same = true
		return d, nil
	}
	d.Changes = changes(cur, merged)
	body, err := json.Marshal(merged)
	if err != nil {
		return d, fmt.Errorf("encode draft: %w", err)
	}
	err = s.DB.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM curriculum_drafts WHERE created_at < $1`, s.now().Add(-draftTTL)); err != nil {
			return fmt.Errorf("forget old drafts: %w", err)
		}
		err := tx.q.GetContext(ctx, &d.ID, `
			INSERT INTO curriculum_drafts (base, source, platform, created_by, created_at, body)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, d.Base, d.Source, u.Platform, u.By, s.now(), jsonArg(body))
		if err != nil {
			return fmt.Errorf("save draft: %w", err)
		}
		return nil
	})
	return d, err
}

// Diff implements bottega.PublishService.
func (s *Publishing) Diff(ctx context.Context, c *content.Curriculum) (bottega.Changes, error) {
	cur, _, err := s.current(ctx)
	if err != nil {
		return bottega.Changes{}, err
	}
	return changes(cur, c), nil
}

// Publish implements bottega.PublishService.
func (s *Publishing) Publish(ctx context.Context, c *content.Curriculum, o bottega.Origin) (bottega.Publication, error) {
	if problems := content.Validate(c); len(problems) > 0 {
		return bottega.Publication{}, bottega.Errork(bottega.EINVALID, bottega.UploadProblems, map[string]any{"Count": len(problems)},
			"%d problem(s), the first: %s", len(problems), problems[0])
	}
	return s.publish(ctx, c, o)
}

func (s *Publishing) publish(ctx context.Context, c *content.Curriculum, o bottega.Origin) (bottega.Publication, error) {
	pub, err := s.DB.PublishCurriculum(ctx, c, PublishOptions{Builtin: o.Builtin, Source: o.Source, Index: s.Index})
	if err != nil {
		return pub, err
	}
	s.published(ctx, pub, c)
	return pub, nil
}

// published tells the library and the Published hook about a publication,
// once it is committed.
func (s *Publishing) published(ctx context.Context, pub bottega.Publication, c *content.Curriculum) {
	if s.Library != nil {
		s.Library.Refresh()
	}
	if pub.Created && s.Published != nil {
		s.Published(ctx, c)
	}
}

// PublishDraft implements bottega.PublishService.
func (s *Publishing) PublishDraft(ctx context.Context, id int64, by string) (bottega.Publication, error) {
	var row struct {
		Base   int64  `db:"base"`
		Source string `db:"source"`
		Body   []byte `db:"body"`
	}
	var (
		pub bottega.Publication
		c   *content.Curriculum
	)
	err := s.DB.InTx(ctx, func(tx *Tx) error {
		// Taken once: a second press finds nothing.
		err := tx.q.GetContext(ctx, &row, `
			DELETE FROM curriculum_drafts WHERE id = $1 AND created_at >= $2 RETURNING base, source, body`, id, s.now().Add(-draftTTL))
		if err := notFound(err); err == ErrNotFound {
			return bottega.Errorf(bottega.ENOTFOUND, "no draft %d: it was published or dropped, or is older than a day", id)
		} else if err != nil {
			return fmt.Errorf("take draft %d: %w", id, err)
		}
		if err := tx.lockCurriculum(ctx); err != nil {
			return err
		}
		st, err := tx.CurrentCurriculumState(ctx)
		if err != nil {
			return err
		}
		if st.Version != row.Base {
			return bottega.Errork(bottega.ECONFLICT, bottega.DraftStale, map[string]any{"Base": row.Base, "Version": st.Version},
				"version %d was published after this upload was checked against version %d: upload it again", st.Version, row.Base)
		}
		if c, err = decodeCurriculum(row.Body); err != nil {
			return err
		}
		pub, err = tx.PublishCurriculum(ctx, c, PublishOptions{Source: row.Source, Index: s.Index})
		return err
	})
	if err != nil {
		return pub, err
	}
	s.published(ctx, pub, c)
	return pub, nil
}

// Rollback implements bottega.PublishService. The earlier version is not
// checked again: it was published once, and is published as it was.
func (s *Publishing) Rollback(ctx context.Context, version int64, by string) (bottega.Publication, error) {
	c, err := s.Version(ctx, version)
	if err != nil {
		return bottega.Publication{}, err
	}
	return s.publish(ctx, c, bottega.Origin{Source: bottega.RollbackSource(version, by)})
}

// Versions implements bottega.PublishService.
func (s *Publishing) Versions(ctx context.Context, limit int) ([]bottega.CurriculumVersion, error) {
	if limit <= 0 {
		limit = 50
	}
	var rows []struct {
		bottega.CurriculumVersion
		Added   pq.StringArray `db:"added"`
		Changed pq.StringArray `db:"changed"`
		Removed pq.StringArray `db:"removed"`
	}
	err := s.DB.q.SelectContext(ctx, &rows, `
		SELECT id, hash, builtin, source, added, changed, removed, created_at, lessons
		FROM curriculum_versions ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list curriculum versions: %w", err)
	}
	out := make([]bottega.CurriculumVersion, len(rows))
	for i, r := range rows {
		out[i] = r.CurriculumVersion
		out[i].Added, out[i].Changed, out[i].Removed = r.Added, r.Changed, r.Removed
	}
	return out, nil
}

// Version implements bottega.PublishService.
func (s *Publishing) Version(ctx context.Context, id int64) (*content.Curriculum, error) {
	c, err := s.DB.CurriculumVersion(ctx, id)
	if err == nil {
		return c, nil
	}
	if errors.Is(err, ErrNotFound) {
		return nil, bottega.Errorf(bottega.ENOTFOUND, "no curriculum version %d", id)
	}
	return nil, err
}

// Draft reads a draft of CheckUpload without taking it; ENOTFOUND when
// there is none (published, dropped, or older than a day).
func (s *Publishing) Draft(ctx context.Context, id int64) (*content.Curriculum, error) {
	var body []byte
	err := s.DB.q.GetContext(ctx, &body, `SELECT body FROM curriculum_drafts WHERE id = $1 AND created_at >= $2`, id, s.now().Add(-draftTTL))
	if err := notFound(err); err == ErrNotFound {
		return nil, bottega.Errorf(bottega.ENOTFOUND, "no draft %d: it was published or dropped, or is older than a day", id)
	} else if err != nil {
		return nil, fmt.Errorf("read draft %d: %w", id, err)
	}
	return decodeCurriculum(body)
}

// UpdateDraft replaces the curriculum of a draft with c, the same lessons
// made ready to publish (their videos cut into clips: the steps name their
// clips); ENOTFOUND when the draft is gone.
func (s *Publishing) UpdateDraft(ctx context.Context, id int64, c *content.Curriculum) error {
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode draft: %w", err)
	}
	res, err := s.DB.q.ExecContext(ctx, `UPDATE curriculum_drafts SET body = $2 WHERE id = $1 AND created_at >= $3`, id, jsonArg(body), s.now().Add(-draftTTL))
	if err != nil {
		return fmt.Errorf("update draft %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return bottega.Errorf(bottega.ENOTFOUND, "no draft %d: it was published or dropped, or is older than a day", id)
	}
	return nil
}

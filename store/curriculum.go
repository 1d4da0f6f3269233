package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/lib/pq"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
)

// Publication describes one publish of the curriculum.
type Publication = bottega.Publication

// PublishOptions tune PublishCurriculum.
type PublishOptions struct {
	// Builtin marks the curriculum embedded in the program.
	Builtin bool
	// Source says where it came from (a folder, "built-in", a chat upload).
	Source string
	// Index runs in the same transaction (tx) once the version exists, to
	// build what depends on it (the assistant's passages).
	Index func(ctx context.Context, tx *Tx, version int64, c *content.Curriculum) error
}

// PublishCurriculum makes c the current curriculum, as a new version, unless
// it is identical to the current one. It is one transaction: on any error
// nothing changes.
func (s *DB) PublishCurriculum(ctx context.Context, c *content.Curriculum, opts PublishOptions) (Publication, error) {
	var pub Publication
	err := s.InTx(ctx, func(tx *Tx) error {
		// One publisher at a time, so two publishes cannot both be "new".
		if err := tx.lockCurriculum(ctx); err != nil {
			return err
		}
		old, oldVersion, oldHash, err := tx.latestCurriculum(ctx)
		if err != nil {
			return err
		}
		hash := c.Hash()
		if old != nil && oldHash == hash {
			pub = Publication{Version: oldVersion}
			return nil
		}
		if old == nil {
			old = &content.Curriculum{}
		}
		pub.Added, pub.Changed, pub.Removed = content.Diff(old, c)
		body, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("encode curriculum: %w", err)
		}
		err = tx.q.GetContext(ctx, &pub.Version, `
			INSERT INTO curriculum_versions (hash, builtin, source, added, changed, removed, lessons, body)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			hash, opts.Builtin, opts.Source, pq.Array(nonNil(pub.Added)), pq.Array(nonNil(pub.Changed)), pq.Array(nonNil(pub.Removed)), len(c.Lessons()), jsonArg(body))
		if err != nil {
			return fmt.Errorf("save curriculum version: %w", err)
		}
		pub.Created = true
		if opts.Index != nil {
			if err := opts.Index(ctx, tx, pub.Version, c); err != nil {
				return fmt.Errorf("index curriculum: %w", err)
			}
		}
		return nil
	})
	return pub, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CurriculumState tells what the database holds.
type CurriculumState struct {
	Version int64
	Hash    string
	Builtin bool
}

// CurrentCurriculumState returns the newest version's id, hash and origin;
// Version is 0 when nothing was ever published.
func (s *DB) CurrentCurriculumState(ctx context.Context) (CurriculumState, error) {
	var st CurriculumState
	err := s.q.QueryRowxContext(ctx, `SELECT id, hash, builtin FROM curriculum_versions ORDER BY id DESC LIMIT 1`).Scan(&st.Version, &st.Hash, &st.Builtin)
	if err := notFound(err); err == ErrNotFound {
		return CurriculumState{}, nil
	} else if err != nil {
		return st, fmt.Errorf("read curriculum version: %w", err)
	}
	return st, nil
}

func (s *DB) latestCurriculum(ctx context.Context) (*content.Curriculum, int64, string, error) {
	var row struct {
		ID   int64  `db:"id"`
		Hash string `db:"hash"`
		Body []byte `db:"body"`
	}
	err := s.q.GetContext(ctx, &row, `SELECT id, hash, body FROM curriculum_versions ORDER BY id DESC LIMIT 1`)
	if err := notFound(err); err == ErrNotFound {
		return nil, 0, "", nil
	} else if err != nil {
		return nil, 0, "", fmt.Errorf("load curriculum: %w", err)
	}
	c, err := decodeCurriculum(row.Body)
	return c, row.ID, row.Hash, err
}

// CurriculumVersion loads a given version.
func (s *DB) CurriculumVersion(ctx context.Context, version int64) (*content.Curriculum, error) {
	var body []byte
	err := s.q.GetContext(ctx, &body, `SELECT body FROM curriculum_versions WHERE id = $1`, version)
	if err != nil {
		return nil, fmt.Errorf("load curriculum version %d: %w", version, notFound(err))
	}
	return decodeCurriculum(body)
}

func decodeCurriculum(body []byte) (*content.Curriculum, error) {
	var c content.Curriculum
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, fmt.Errorf("decode curriculum: %w", err)
	}
	return &c, nil
}

// Library serves the current curriculum from the database, cached: it checks
// for a newer version at most every TTL, so a publish from another process
// (or the command line) reaches every replica within seconds.
type Library struct {
	db  *DB
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	cur     *content.Curriculum
	version int64
	checked time.Time
	old     map[int64]*content.Curriculum
}

// NewLibrary returns a library over db; ttl 0 means two seconds.
func NewLibrary(db *DB, ttl time.Duration) *Library {
	if ttl <= 0 {
		ttl = 2 * time.Second
	}
	return &Library{db: db, ttl: ttl, now: time.Now, old: map[int64]*content.Curriculum{}}
}

// Current returns the newest published curriculum and its version.
func (l *Library) Current(ctx context.Context) (*content.Curriculum, int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur != nil && l.now().Sub(l.checked) < l.ttl {
		return l.cur, l.version, nil
	}
	st, err := l.db.CurrentCurriculumState(ctx)
	if err != nil {
		return nil, 0, err
	}
	if st.Version == 0 {
		return nil, 0, fmt.Errorf("no curriculum published yet: run 'bottega content publish'")
	}
	if st.Version != l.version {
		c, err := l.db.CurriculumVersion(ctx, st.Version)
		if err != nil {
			return nil, 0, err
		}
		l.cur, l.version = c, st.Version
	}
	l.checked = l.now()
	return l.cur, l.version, nil
}

// Version returns an older version (to map a learner's position onto the
// current one), cached.
func (l *Library) Version(ctx context.Context, version int64) (*content.Curriculum, error) {
	l.mu.Lock()
	if c, ok := l.old[version]; ok {
		l.mu.Unlock()
		return c, nil
	}
	l.mu.Unlock()
	c, err := l.db.CurriculumVersion(ctx, version)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.old[version] = c
	l.mu.Unlock()
	return c, nil
}

// Refresh forgets the cache, so the next Current reads the database.
func (l *Library) Refresh() {
	l.mu.Lock()
	l.checked = time.Time{}
	l.mu.Unlock()
}

// lockCurriculum takes the publish lock for s's transaction: one
// publisher (or indexer) at a time.
func (s *DB) lockCurriculum(ctx context.Context) error {
	if _, err := s.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('bottega:curriculum', 0))`); err != nil {
		return fmt.Errorf("lock curriculum: %w", err)
	}
	return nil
}

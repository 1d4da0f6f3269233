package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/lib/pq"

	"github.com/bottega-app/bottega"
)

// EmbeddingKey names what an embedding is of: a passage (by lesson, kind,
// ref and locale, which stay the same across curriculum versions) and N,
// 0 for the passage's own text, 1, 2, ... for the questions listed with it.
type EmbeddingKey struct {
	LessonID string `json:"lesson_id"`
	Kind     string `json:"kind"`
	Ref      string `json:"ref"`
	Locale   string `json:"locale"`
	N        int    `json:"n"`
}

// Embedding is the vector an embeddings model made of a text; Digest sums
// up that text, so that a changed text is embedded again.
type Embedding struct {
	EmbeddingKey
	Digest string
	Vector []float32
}

// PassageVector is an embedding of a passage of the indexed curriculum
// version, with the passage.
type PassageVector struct {
	bottega.Passage
	N      int
	Vector []float32
}

// EmbeddingsState sums up what an embeddings search would read for model:
// the indexed version, and how many embeddings of model there are and when
// the newest was made. A change in any means the embeddings read before
// are out of date.
type EmbeddingsState struct {
	Version int64
	Count   int
	Latest  time.Time
}

// EmbeddingDigests returns the digest of every stored embedding of model.
func (s *DB) EmbeddingDigests(ctx context.Context, model string) (map[EmbeddingKey]string, error) {
	var rows []struct {
		LessonID string `db:"lesson_id"`
		Kind     string `db:"kind"`
		Ref      string `db:"ref"`
		Locale   string `db:"locale"`
		N        int    `db:"n"`
		Digest   string `db:"digest"`
	}
	err := s.q.SelectContext(ctx, &rows, `
		SELECT lesson_id, kind, ref, locale, n, digest FROM passage_embeddings WHERE model = $1`, model)
	if err != nil {
		return nil, fmt.Errorf("read embedding digests: %w", err)
	}
	out := make(map[EmbeddingKey]string, len(rows))
	for _, r := range rows {
		out[EmbeddingKey{r.LessonID, r.Kind, r.Ref, r.Locale, r.N}] = r.Digest
	}
	return out, nil
}

// SaveEmbeddings stores es as model's embeddings, replacing those with the
// same keys.
func (s *DB) SaveEmbeddings(ctx context.Context, model string, es []Embedding) error {
	if len(es) == 0 {
		return nil
	}
	type row struct {
		EmbeddingKey
		Digest string `json:"digest"`
		Vector []byte `json:"vector"` // base64 in JSON, decoded below
	}
	rows := make([]row, len(es))
	for i, e := range es {
		rows[i] = row{e.EmbeddingKey, e.Digest, encodeVector(e.Vector)}
	}
	body, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("save embeddings: %w", err)
	}
	_, err = s.q.ExecContext(ctx, `
		INSERT INTO passage_embeddings (model, lesson_id, kind, ref, locale, n, digest, vector, computed_at)
		SELECT $1, x.lesson_id, x.kind, x.ref, x.locale, x.n, x.digest, decode(x.vector, 'base64'), now()
		FROM jsonb_to_recordset($2) AS x(lesson_id text, kind text, ref text, locale text, n int, digest text, vector text)
		ON CONFLICT (model, lesson_id, kind, ref, locale, n)
		DO UPDATE SET digest = EXCLUDED.digest, vector = EXCLUDED.vector, computed_at = EXCLUDED.computed_at`,
		model, jsonArg(body))
	if err != nil {
		return fmt.Errorf("save embeddings: %w", err)
	}
	return nil
}

// PruneEmbeddings drops the embeddings of other models than model, and
// those of model that keep does not list. It returns how many it dropped.
func (s *DB) PruneEmbeddings(ctx context.Context, model string, keep []EmbeddingKey) (int64, error) {
	if keep == nil {
		keep = []EmbeddingKey{}
	}
	body, err := json.Marshal(keep)
	if err != nil {
		return 0, fmt.Errorf("prune embeddings: %w", err)
	}
	res, err := s.q.ExecContext(ctx, `
		DELETE FROM passage_embeddings e
		WHERE e.model <> $1 OR NOT EXISTS (
			SELECT 1 FROM jsonb_to_recordset($2) AS k(lesson_id text, kind text, ref text, locale text, n int)
			WHERE k.lesson_id = e.lesson_id AND k.kind = e.kind AND k.ref = e.ref AND k.locale = e.locale AND k.n = e.n)`,
		model, jsonArg(body))
	if err != nil {
		return 0, fmt.Errorf("prune embeddings: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune embeddings: %w", err)
	}
	return n, nil
}

// EmbeddingsStateOf returns the state of model's embeddings (see
// EmbeddingsState).
func (s *DB) EmbeddingsStateOf(ctx context.Context, model string) (EmbeddingsState, error) {
	var st struct {
		Version *int64     `db:"version"`
		Count   int        `db:"count"`
		Latest  *time.Time `db:"latest"`
	}
	err := s.q.GetContext(ctx, &st, `
		SELECT (SELECT max(version_id) FROM passage_versions) AS version, count(*) AS count, max(computed_at) AS latest
		FROM passage_embeddings WHERE model = $1`, model)
	if err != nil {
		return EmbeddingsState{}, fmt.Errorf("read embeddings state: %w", err)
	}
	out := EmbeddingsState{Count: st.Count}
	if st.Version != nil {
		out.Version = *st.Version
	}
	if st.Latest != nil {
		out.Latest = *st.Latest
	}
	return out, nil
}

// PassageVectors returns model's embeddings of the passages of the indexed
// curriculum version, with the passages.
func (s *DB) PassageVectors(ctx context.Context, model string) ([]PassageVector, error) {
	var rows []struct {
		bottega.Passage
		Roles         pq.StringArray `db:"roles"`
		LessonLocales pq.StringArray `db:"lesson_locales"`
		N             int            `db:"n"`
		Vector        []byte         `db:"vector"`
	}
	err := s.q.SelectContext(ctx, &rows, `
		SELECT p.id, p.version_id, p.track_id, p.lesson_id, p.kind, p.ref, p.position, p.steps, p.locale,
			p.roles, p.lesson_locales, p.title, p.body, p.task, p.document, p.keywords, p.tags, p.video_start, e.n, e.vector
		FROM passages p
		JOIN passage_embeddings e ON e.model = $1 AND e.lesson_id = p.lesson_id AND e.kind = p.kind
			AND e.ref = p.ref AND e.locale = p.locale
		WHERE p.version_id = (SELECT max(version_id) FROM passage_versions)
		ORDER BY p.id, e.n`, model)
	if err != nil {
		return nil, fmt.Errorf("read passage embeddings: %w", err)
	}
	out := make([]PassageVector, len(rows))
	for i, r := range rows {
		p := r.Passage
		p.Roles, p.LessonLocales = r.Roles, r.LessonLocales
		v, err := decodeVector(r.Vector)
		if err != nil {
			return nil, fmt.Errorf("read passage embeddings: passage %d: %w", p.ID, err)
		}
		out[i] = PassageVector{Passage: p, N: r.N, Vector: v}
	}
	return out, nil
}

func encodeVector(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func decodeVector(b []byte) ([]float32, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("a vector of %d bytes is not float32s", len(b))
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}

package assistant

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
)

// Embeddings turns texts into vectors; *openai.Client is one.
type Embeddings interface {
	CreateEmbeddings(ctx context.Context, conv openai.EmbeddingRequestConverter) (openai.EmbeddingResponse, error)
}

// EmbedStore is what an Embedder needs from the database.
type EmbedStore interface {
	EmbeddingDigests(ctx context.Context, model string) (map[store.EmbeddingKey]string, error)
	SaveEmbeddings(ctx context.Context, model string, es []store.Embedding) error
	PruneEmbeddings(ctx context.Context, model string, keep []store.EmbeddingKey) (int64, error)
	EmbeddingsStateOf(ctx context.Context, model string) (store.EmbeddingsState, error)
	PassageVectors(ctx context.Context, model string) ([]store.PassageVector, error)
}

// Embedding parameters.
const (
	// embedBatch is how many texts go in one request: few enough for
	// the local servers, which take smaller batches than OpenAI.
	embedBatch = 64
	// embedBatchTimeout bounds one request of Ensure.
	embedBatchTimeout = time.Minute
	// embedQuestionTimeout bounds the embedding of a question: past it
	// the question is searched by its words alone.
	embedQuestionTimeout = 3 * time.Second
)

// Embedder ranks passages by the meaning of a question: it embeds the
// passages of the curriculum (Ensure, at publish time and at start-up) and
// each question, and ranks the passages by cosine similarity. Its errors
// never stop an answer: without embeddings the search is by words alone.
type Embedder struct {
	client Embeddings
	model  string
	db     EmbedStore
	log    *slog.Logger

	mu      sync.Mutex
	failing bool // logged once, until an embedding works again
	state   store.EmbeddingsState
	vectors []store.PassageVector
}

// NewEmbedder returns an Embedder that embeds with model through client,
// storing the embeddings in db.
func NewEmbedder(client Embeddings, model string, db EmbedStore, log *slog.Logger) *Embedder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Embedder{client: client, model: model, db: db, log: log.With("component", "embeddings", "model", model)}
}

// Model names the embeddings model.
func (e *Embedder) Model() string { return e.model }

// embedText is what is embedded of a passage: its title and text.
func embedText(p bottega.Passage) string {
	return strings.TrimSpace(p.Title + "\n" + p.Body)
}

func digest(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:])
}

// Ensure embeds the passages of c (and the questions listed with them, in
// every language) that have no embedding of this model, or one of another
// text, and drops the embeddings of other models and of passages c no
// longer has. It returns how many texts it embedded.
func (e *Embedder) Ensure(ctx context.Context, c *content.Curriculum) (int, error) {
	ps, _ := Passages(c)
	have, err := e.db.EmbeddingDigests(ctx, e.model)
	if err != nil {
		return 0, fmt.Errorf("embed the curriculum: %w", err)
	}
	type todo struct {
		key  store.EmbeddingKey
		text string
	}
	var (
		keep    []store.EmbeddingKey
		missing []todo
	)
	for _, p := range ps {
		texts := append([]string{embedText(p)}, p.Questions...)
		for _, lang := range slices.Sorted(maps.Keys(p.Asked)) {
			texts = append(texts, p.Asked[lang]...)
		}
		for n, t := range texts {
			k := store.EmbeddingKey{LessonID: p.LessonID, Kind: p.Kind, Ref: p.Ref, Locale: p.Locale, N: n}
			keep = append(keep, k)
			if have[k] != digest(t) {
				missing = append(missing, todo{k, t})
			}
		}
	}
	done := 0
	for start := 0; start < len(missing); start += embedBatch {
		batch := missing[start:min(start+embedBatch, len(missing))]
		texts := make([]string, len(batch))
		for i, t := range batch {
			texts[i] = t.text
		}
		vs, err := e.embed(ctx, embedBatchTimeout, texts)
		if err != nil {
			return done, fmt.Errorf("embed the curriculum: %w", err)
		}
		es := make([]store.Embedding, len(batch))
		for i, t := range batch {
			es[i] = store.Embedding{EmbeddingKey: t.key, Digest: digest(t.text), Vector: vs[i]}
		}
		if err := e.db.SaveEmbeddings(ctx, e.model, es); err != nil {
			return done, fmt.Errorf("embed the curriculum: %w", err)
		}
		done += len(batch)
	}
	if _, err := e.db.PruneEmbeddings(ctx, e.model, keep); err != nil {
		return done, fmt.Errorf("embed the curriculum: %w", err)
	}
	return done, nil
}

// embed returns the unit-length vectors of texts, in order.
func (e *Embedder) embed(ctx context.Context, timeout time.Duration, texts []string) ([][]float32, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp, err := e.client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: texts, Model: openai.EmbeddingModel(e.model)})
	if err != nil {
		return nil, fmt.Errorf("create embeddings: %w", err)
	}
	if len(resp.Data) != len(texts) {
		return nil, fmt.Errorf("create embeddings: %d vectors for %d texts", len(resp.Data), len(texts))
	}
	out := make([][]float32, len(texts))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(texts) || out[d.Index] != nil {
			return nil, fmt.Errorf("create embeddings: vector index %d out of place", d.Index)
		}
		v := unitLength(d.Embedding)
		if v == nil {
			return nil, fmt.Errorf("create embeddings: an empty vector for text %d", d.Index)
		}
		out[d.Index] = v
	}
	return out, nil
}

// unitLength scales v to length 1, so that a dot product is the cosine; nil for
// a zero vector.
func unitLength(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 || math.IsNaN(sum) || math.IsInf(sum, 0) {
		return nil
	}
	n := math.Sqrt(sum)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / n)
	}
	return out
}

// load returns the embedded passages of the indexed version, read again
// when a publish or an Ensure changed them.
func (e *Embedder) load(ctx context.Context) ([]store.PassageVector, error) {
	st, err := e.db.EmbeddingsStateOf(ctx, e.model)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	if st == e.state && e.vectors != nil {
		vs := e.vectors
		e.mu.Unlock()
		return vs, nil
	}
	e.mu.Unlock()
	vs, err := e.db.PassageVectors(ctx, e.model)
	if err != nil {
		return nil, err
	}
	if vs == nil {
		vs = []store.PassageVector{}
	}
	e.mu.Lock()
	e.state, e.vectors = st, vs
	e.mu.Unlock()
	return vs, nil
}

// failed logs an embeddings failure the first time in a row.
func (e *Embedder) failed(err error) {
	e.mu.Lock()
	first := !e.failing
	e.failing = true
	e.mu.Unlock()
	if first {
		e.log.Warn("embeddings failed: passages are ranked by their words alone until they work again", "err", err)
	}
}

func (e *Embedder) worked() {
	e.mu.Lock()
	recovered := e.failing
	e.failing = false
	e.mu.Unlock()
	if recovered {
		e.log.Info("embeddings work again")
	}
}

// Rank returns up to limit passages closest in meaning to question, best
// first, searched in locale as Retriever.Search searches (the learner's
// locale; Italian and English for lessons without it) and shown in show's
// first locale that has them. A passage is as close as the closest of its
// text and the questions listed with it. It returns nil when the
// embeddings fail (logged once) or there are none.
func (e *Embedder) Rank(ctx context.Context, locale string, show []string, question string, limit int) []bottega.PassageHit {
	vs, err := e.load(ctx)
	if err != nil {
		if ctx.Err() == nil {
			e.failed(err)
		}
		return nil
	}
	if len(vs) == 0 {
		return nil
	}
	qv, err := e.embed(ctx, embedQuestionTimeout, []string{question})
	if err != nil {
		if !errors.Is(ctx.Err(), context.Canceled) {
			e.failed(err)
		}
		return nil
	}
	e.worked()
	return rankVectors(vs, qv[0], locale, show, limit)
}

// rankVectors ranks the passages of vs by cosine similarity to q.
func rankVectors(vs []store.PassageVector, q []float32, locale string, show []string, limit int) []bottega.PassageHit {
	type key struct{ lesson, kind, ref string }
	type scored struct {
		p   bottega.Passage
		sim float64
	}
	bestOf := map[int64]*scored{}
	for _, v := range vs {
		if len(v.Vector) != len(q) || !searched(v.Passage, locale) {
			continue
		}
		sim := 0.0
		for i, x := range v.Vector {
			sim += float64(x) * float64(q[i])
		}
		if s := bestOf[v.ID]; s == nil || sim > s.sim {
			bestOf[v.ID] = &scored{v.Passage, sim}
		}
	}
	// One copy of a step: the closest in any locale, shown in the best
	// locale to show.
	rank := func(l string) int {
		if i := slices.Index(show, l); i >= 0 {
			return i
		}
		return len(show)
	}
	steps := map[key]*scored{}
	for _, s := range bestOf {
		k := key{s.p.LessonID, s.p.Kind, s.p.Ref}
		t := steps[k]
		switch {
		case t == nil:
			c := *s
			steps[k] = &c
		default:
			if rank(s.p.Locale) < rank(t.p.Locale) {
				t.p = s.p
			}
			t.sim = max(t.sim, s.sim)
		}
	}
	all := make([]*scored, 0, len(steps))
	for _, s := range steps {
		all = append(all, s)
	}
	slices.SortFunc(all, func(a, b *scored) int {
		return cmp.Or(cmp.Compare(b.sim, a.sim), cmp.Compare(a.p.LessonID, b.p.LessonID), cmp.Compare(a.p.Position, b.p.Position), cmp.Compare(a.p.Kind, b.p.Kind), cmp.Compare(a.p.Ref, b.p.Ref))
	})
	var out []bottega.PassageHit
	for _, s := range all {
		if len(out) == limit {
			break
		}
		out = append(out, bottega.PassageHit{Passage: s.p})
	}
	return out
}

// searched reports whether a search in locale looks at p: a passage in
// that locale, or in Italian or English when its lesson lacks the locale.
func searched(p bottega.Passage, locale string) bool {
	if p.Locale == locale {
		return true
	}
	return (p.Locale == "it" || p.Locale == "en") && !slices.Contains(p.LessonLocales, locale)
}

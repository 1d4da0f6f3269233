package assistant_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/assistant/llmtest"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/internal/logbuf"
	"github.com/bottega-app/bottega/store"
)

// partlyWritten is the built-in curriculum with its first lesson written
// in Italian and English only: the questions its steps list in the other
// languages are embedded apart from its passages.
func partlyWritten(t *testing.T) *content.Curriculum {
	t.Helper()
	cur, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cur.Lessons()[0].Locales = []string{"it", "en"}
	return cur
}

// embedded builds an Embedder of model on the harness's fake server and
// embeds the built-in curriculum.
func embedded(t *testing.T, h *harness, model string, log *slog.Logger) (*assistant.Embedder, int) {
	t.Helper()
	c, err := assistant.NewClient(h.llm.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	e := assistant.NewEmbedder(c, model, h.db, log)
	n, err := e.Ensure(context.Background(), partlyWritten(t))
	if err != nil {
		t.Fatal(err)
	}
	return e, n
}

// Embeddings are made once per text and model, stored, made again for a
// text that changed and for a new model, and dropped with their model.
func TestEmbeddingsStored(t *testing.T) {
	h := newHarness(t, true, nil)
	ctx := context.Background()
	e, n := embedded(t, h, "embed-a", nil)
	cur := partlyWritten(t)
	ps, _ := assistant.Passages(cur)
	want, other := 0, 0
	for _, p := range ps {
		want += 1 + len(p.Questions)
		for _, qs := range p.Asked {
			other += len(qs)
		}
	}
	want += other
	if n != want || other == 0 {
		t.Fatalf("embedded %d texts, want %d (the passages and their questions, %d of them in languages their lessons are not in)", n, want, other)
	}
	have, err := h.db.EmbeddingDigests(ctx, "embed-a")
	if err != nil || len(have) != want {
		t.Fatalf("%d embeddings stored (%v), want %d", len(have), err, want)
	}
	vs, err := h.db.PassageVectors(ctx, "embed-a")
	if err != nil || len(vs) != want || len(vs[0].Vector) != llmtest.Dimensions || vs[0].Title == "" {
		t.Fatalf("passage vectors: %d (%v), want %d of %d dimensions with their passage", len(vs), err, want, llmtest.Dimensions)
	}
	reqs := len(h.llm.EmbeddingRequests())

	// Nothing changed: nothing is embedded again.
	if n, err := e.Ensure(ctx, cur); err != nil || n != 0 {
		t.Errorf("second Ensure embedded %d (%v), want 0", n, err)
	}
	if got := len(h.llm.EmbeddingRequests()); got != reqs {
		t.Errorf("%d embedding requests after the second Ensure, want %d", got, reqs)
	}

	// One step's text changed: that passage alone is embedded again.
	l := cur.Lessons()[0]
	l.Steps[0].Text["it"] += " Una frase nuova."
	if n, err := e.Ensure(ctx, cur); err != nil || n != 1 {
		t.Errorf("Ensure after a step changed embedded %d (%v), want 1", n, err)
	}

	// A new model: everything again, and the old model's rows go.
	_, n2 := embedded(t, h, "embed-b", nil)
	if n2 != want {
		t.Errorf("a new model embedded %d texts, want %d", n2, want)
	}
	if old, err := h.db.EmbeddingDigests(ctx, "embed-a"); err != nil || len(old) != 0 {
		t.Errorf("%d embeddings of the old model left (%v)", len(old), err)
	}
	last := h.llm.EmbeddingRequests()
	if m := last[len(last)-1].Model; m != "embed-b" {
		t.Errorf("embedding request for model %q", m)
	}
}

// A question that shares no word with the lesson that answers it, but
// means the same, is found through the embeddings and fused with the
// words' ranking.
func TestEmbeddingsRank(t *testing.T) {
	const question = "il paese rischia il finimondo stanotte, che metto su fb?"
	// As a model would read it: the town (its citizens) is about to live
	// through an emergency, and what to communicate.
	synonyms := map[string]string{"finimondo": "emergenza", "rischia": "succede", "paese": "cittadini", "stanotte": "comunicare"}
	h := newHarness(t, true, nil)
	h.llm.SetSynonyms(synonyms)
	h.llm.SetReply(func(req openai.ChatCompletionRequest) string {
		if isRewrite(req) {
			return "NONE" // the rewrite finds nothing here
		}
		return "Scrivi cosa succede e cosa fare [1]."
	})
	passagesFor := func(t *testing.T, withEmbeddings bool) string {
		id := "400"
		if withEmbeddings {
			id = "401"
			e, _ := embedded(t, h, "embed-a", nil)
			var err error
			o := assistant.Options{DB: h.db, Texts: h.texts, Model: "gpt-4o-mini", Clock: h.clock, LLM: mustClient(t, h.llm), Embedder: e}
			if h.a, err = assistant.New(o); err != nil {
				t.Fatal(err)
			}
		}
		before := len(h.llm.Requests())
		h.ask(learner(t, h, id, "it", bottega.RoleMunicipal), question)
		_, streams := answers(h.llm.Requests()[before:])
		if len(streams) != 1 {
			t.Fatalf("%d answer requests, want 1", len(streams))
		}
		if withEmbeddings {
			if n := len(h.llm.EmbeddingRequests()); n == 0 {
				t.Errorf("the question was not embedded")
			}
		}
		return streams[0].Messages[len(streams[0].Messages)-1].Content
	}
	without := passagesFor(t, false)
	with := passagesFor(t, true)
	const emergency = "Emergenza: comunicare mentre succede"
	if strings.Contains(without, emergency) {
		t.Fatalf("the words alone already find the emergency passages; the test proves nothing:\n%s", without)
	}
	if !strings.Contains(with, emergency) {
		t.Errorf("with embeddings the emergency passages are not given to the model:\n%s", with)
	}
}

// When the embeddings fail, the search goes on by words alone, and the
// failure is logged once, not at every question.
func TestEmbeddingsFail(t *testing.T) {
	h := newHarness(t, true, nil)
	for i, mode := range []llmtest.Mode{llmtest.ServerError, llmtest.RateLimited, llmtest.MalformedJSON, llmtest.EchoAuthorization} {
		h.llm.SetEmbeddingsMode(llmtest.Normal)
		l := learner(t, h, strconv.Itoa(300+i), "it", bottega.RoleMunicipal)
		var logs logbuf.Buffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		e, _ := embedded(t, h, "embed-a", log)
		h.llm.SetEmbeddingsMode(mode)
		var err error
		o := assistant.Options{DB: h.db, Texts: h.texts, Model: "gpt-4o-mini", Clock: h.clock, LLM: mustClient(t, h.llm), Embedder: e, Logger: log}
		if h.a, err = assistant.New(o); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			h.ask(l, "come faccio una diretta dalla pagina del Comune?")
			if q := h.lastQuestion(); q.Mode != "llm" {
				t.Errorf("mode %d: question recorded as %+v", mode, q)
			}
		}
		if final := h.out.last(t); !strings.Contains(final.Text, "«Dirette per consigli ed eventi»") {
			t.Errorf("mode %d: answer %q, want the live video lesson found by its words", mode, final.Text)
		}
		if n := strings.Count(logs.String(), "embeddings failed"); n != 1 {
			t.Errorf("mode %d: the failure logged %d times, want once:\n%s", mode, n, logs.String())
		}
		if strings.Contains(logs.String(), "Bearer") {
			t.Errorf("mode %d: the log shows the Authorization header", mode)
		}
	}
}

func mustClient(t *testing.T, s *llmtest.Server) assistant.LLM {
	t.Helper()
	c, err := assistant.NewClient(s.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var _ assistant.EmbedStore = (*store.DB)(nil)

// Whether the lessons cover what a long message asks is told by words: the
// asking clauses searched alone are not embedded, only the message is.
func TestAskingClausesNotEmbedded(t *testing.T) {
	const clause = "cosa scriviamo nel post di emergenza"
	const question = "stanotte il vento ha abbattuto tre alberi in via Garibaldi, i vigili stanno transennando e la corrente manca in mezzo paese. " + clause + "?"
	h := newHarness(t, true, nil)
	e, _ := embedded(t, h, "embed-a", nil)
	var err error
	o := assistant.Options{DB: h.db, Texts: h.texts, Model: "gpt-4o-mini", Clock: h.clock, LLM: mustClient(t, h.llm), Embedder: e}
	if h.a, err = assistant.New(o); err != nil {
		t.Fatal(err)
	}
	before := len(h.llm.EmbeddingRequests())
	h.ask(learner(t, h, "402", "it", bottega.RoleMunicipal), question)
	reqs := h.llm.EmbeddingRequests()[before:]
	if len(reqs) == 0 {
		t.Fatal("the message was not embedded; the test proves nothing")
	}
	for _, req := range reqs {
		for _, in := range req.Input.([]string) {
			if in == clause {
				t.Errorf("the asking clause %q was embedded", in)
			}
		}
	}
}

package assistant

import (
	"context"
	"html"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
)

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"**Attenzione**: usa il `treppiede`.", "Attenzione: usa il treppiede."},
		{"### Cosa fare\n1. prova", "Cosa fare\n1. prova"},
		{"a\n\n\n\nb", "a\n\nb"},
		{"tab\tqui\x00\x07 e\u202e oltre", "tab qui e oltre"},
		{"  spazi  \n", "spazi"},
		{"#hashtag resta", "#hashtag resta"},
		{"rotto \xff\xfe utf8", "rotto  utf8"},
	}
	for _, tt := range tests {
		if got := sanitize(tt.in); got != tt.want {
			t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCitations(t *testing.T) {
	tests := []struct {
		text string
		n    int
		want []int
	}{
		{"Fai così [1], poi così [2][3].", 5, []int{1, 2, 3}},
		{"Vedi [2, 1] e [1-3].", 5, []int{2, 1, 3}},
		{"Vedi [1–2].", 5, []int{1, 2}},
		{"Fonte [7] e [0] non esistono, [4] sì.", 5, []int{4}},
		{"Niente citazioni.", 5, nil},
		{"[1-99]", 3, []int{1}},
		{"[a] [1a] [ 1 ]", 3, nil},
	}
	for _, tt := range tests {
		if got := citations(tt.text, tt.n); !slices.Equal(got, tt.want) {
			t.Errorf("citations(%q, %d) = %v, want %v", tt.text, tt.n, got, tt.want)
		}
	}
	if got := dropCitations("vero [1], inventato [9].", 3); got != "vero [1], inventato ." {
		t.Errorf("dropCitations = %q", got)
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"breve", 10, "breve"},
		{"Prima frase. Seconda frase che non entra.", 30, "Prima frase. Seconda frase…"},
		{"Una frase. Poi un'altra lunghissima", 14, "Una frase.…"},
		{"àèìòù àèìòù àèìòù", 8, "àèìòù…"},
		{"x", 0, ""},
	}
	for _, tt := range tests {
		if got := clip(tt.in, tt.max); got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		if got := clip(tt.in, tt.max); utf8.RuneCountInString(got) > tt.max {
			t.Errorf("clip(%q, %d) is %d characters", tt.in, tt.max, utf8.RuneCountInString(got))
		}
	}
}

// FuzzCompose checks that whatever the model writes, the message built from
// it with its sources is plain text that Telegram accepts once the
// transport escapes it: valid UTF-8, no control characters but line
// breaks, well-formed HTML, at most 4096 characters.
func FuzzCompose(f *testing.F) {
	f.Add("Per una diretta [1]:\n1. **prova** l'audio [2];\n2. usa <b>il</b> treppiede & co.", "Dirette per \"consigli\" & eventi", 3)
	f.Add(strings.Repeat("&<>'\"", 2000), strings.Repeat("&", 300), 5)
	f.Add("\x00\xff[1-3]\u202e#", "", 0)
	f.Fuzz(func(t *testing.T, answer, title string, n int) {
		n = max(0, min(n, 5))
		text := clip(dropCitations(sanitize(answer), n), maxAnswer)
		var sources []source
		for _, c := range citations(text, n) {
			sources = append(sources, source{N: c, Label: "«" + sanitize(title) + "», passo 1 di 7"})
		}
		msg := compose(text, "📚 Fonti:", sources)
		if !utf8.ValidString(msg) {
			t.Fatalf("invalid UTF-8: %q", msg)
		}
		for _, r := range msg {
			if unicode.IsControl(r) && r != '\n' {
				t.Fatalf("control character %U in %q", r, msg)
			}
		}
		esc := html.EscapeString(msg)
		if n := utf8.RuneCountInString(esc); n > maxMessage {
			t.Fatalf("escaped message is %d characters, over %d", n, maxMessage)
		}
		if n := escapedLen(msg); n != utf8.RuneCountInString(esc) {
			t.Fatalf("escapedLen = %d, escaped length is %d", n, utf8.RuneCountInString(esc))
		}
		checkHTML(t, esc)
		if html.UnescapeString(esc) != msg {
			t.Fatalf("escaping does not round-trip: %q", msg)
		}
	})
}

// checkHTML fails unless s is text without tags whose every & starts one
// of the entities html.EscapeString writes.
func checkHTML(t *testing.T, s string) {
	t.Helper()
	if strings.ContainsAny(s, "<>") {
		t.Fatalf("raw markup in %q", s)
	}
	for i := strings.IndexByte(s, '&'); i >= 0; {
		ok := false
		for _, e := range []string{"&amp;", "&lt;", "&gt;", "&#39;", "&#34;"} {
			ok = ok || strings.HasPrefix(s[i:], e)
		}
		if !ok {
			t.Fatalf("bad entity at %q", s[i:min(len(s), i+8)])
		}
		j := strings.IndexByte(s[i+1:], '&')
		if j < 0 {
			break
		}
		i += 1 + j
	}
}

// stepClock is virtual time that a test moves by hand; waiting on it moves
// it by the wait.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) set(d time.Duration) {
	c.mu.Lock()
	c.now = time.Unix(0, 0).Add(d)
	c.mu.Unlock()
}

func (c *stepClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- c.Now()
	return ch
}

type timedSender struct {
	clock *stepClock
	at    []time.Duration
	texts []string
}

func (s *timedSender) Send(_ context.Context, _ string, r bot.Reply) (string, error) {
	s.at = append(s.at, s.clock.Now().Sub(time.Unix(0, 0)))
	s.texts = append(s.texts, r.Text)
	return "m1", nil
}

func TestMessagePace(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name    string
		updates []time.Duration // when partial texts arrive
		end     time.Duration   // when the answer is complete
		want    []time.Duration // when the learner's message changes
	}{
		// The first words show as they arrive, then at most an edit a
		// second.
		{"fast stream", []time.Duration{100 * ms, 300 * ms, 500 * ms, 900 * ms}, 950 * ms, []time.Duration{0, 100 * ms, 1100 * ms}},
		{"one edit a second", []time.Duration{400 * ms, 1100 * ms, 1500 * ms, 2200 * ms, 2600 * ms}, 3000 * ms,
			[]time.Duration{0, 400 * ms, 1500 * ms, 2600 * ms, 3600 * ms}},
		{"slow stream", []time.Duration{1500 * ms, 3000 * ms}, 5000 * ms, []time.Duration{0, 1500 * ms, 3000 * ms, 5000 * ms}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &stepClock{}
			c.set(0)
			s := &timedSender{clock: c}
			m := &message{s: s, chatID: "1", clock: c, every: time.Second}
			ctx := context.Background()
			if err := m.send(ctx, bot.Reply{Text: "…"}); err != nil {
				t.Fatal(err)
			}
			for i, at := range tt.updates {
				c.set(at)
				m.progress(ctx, bot.Reply{Text: strings.Repeat("x", i+1)})
			}
			c.set(tt.end)
			if err := m.final(ctx, bot.Reply{Text: "fine"}); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.at, tt.want) {
				t.Errorf("sent at %v, want %v", s.at, tt.want)
			}
			if last := s.texts[len(s.texts)-1]; last != "fine" {
				t.Errorf("last text %q", last)
			}
		})
	}
}

// What went wrong in a case study ("Prima. …") is never quoted: alone, it
// reads as advice. What changed after, and the lesson drawn, are.
func TestCaseStudyBeforeNotQuoted(t *testing.T) {
	body := "Caso illustrativo: i Comuni sono inventati.\n" +
		"Prima. La Pagina continua come sempre: il sindaco, che si ricandida, inaugura la pista ciclabile in diretta.\n" +
		"Dopo. Nel periodo elettorale la Pagina pubblica solo informazioni di servizio, senza il sindaco.\n" +
		"La lezione: in campagna elettorale la Pagina del Comune informa, non fa propaganda."
	hits := []bottega.PassageHit{{Passage: bottega.Passage{LessonID: "cases", Kind: bottega.PassageStep, Ref: "vote", Body: body}, Score: 1}}
	chosen, shown := quote(hits, "il sindaco si ricandida, la pagina del comune può fare la diretta dell'inaugurazione della pista ciclabile?", "it")
	if len(shown) == 0 {
		t.Fatal("nothing quoted")
	}
	for _, u := range chosen[shown[0]] {
		if strings.Contains(u.text, "continua come sempre") {
			t.Errorf("quoted what went wrong as if it were advice: %q", u.text)
		}
	}
	for _, u := range units(0, body) {
		if strings.HasPrefix(u.text, "Dopo.") || strings.HasPrefix(u.text, "Prima.") {
			t.Errorf("a part's label is quoted: %q", u.text)
		}
	}
}

// A sentence that goes on from the one before ("They…", "Quindi…") is
// quoted with it; one that stands alone is not.
func TestGoesOnFrom(t *testing.T) {
	for s, want := range map[string]bool{
		"They stay locked out without that code.":       true,
		"It takes five minutes from the app.":           true,
		"Quindi scegli una categoria sola.":             true,
		"That way the customer knows when you open.":    true,
		"È veloce, ma hai poche scelte.":                true,
		"Its reach depends on the budget.":              true,
		"Open the app and tap Edit profile.":            false,
		"Italians search for shops on Google Maps.":     false,
		"La scheda si aggiorna dall'app in due minuti.": false,
	} {
		if got := goesOnFrom(s); got != want {
			t.Errorf("goesOnFrom(%q) = %v, want %v", s, got, want)
		}
	}
}

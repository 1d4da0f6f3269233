package flows

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
)

func testRoutes() map[string]route { return New(Options{}).routes }

func TestParseData(t *testing.T) {
	routes := testRoutes()
	tests := []struct {
		data string
		act  string
		args []string
		ok   bool
	}{
		{"v1|m", actMenu, nil, true},
		{"v1|s|vetrina", actStep, []string{"vetrina"}, true},
		{"v1|s|vetrina|.", actStep, []string{"vetrina", "."}, true},
		{"v1|q|google-business-profile|q1|2", actAnswer, []string{"google-business-profile", "q1", "2"}, true},
		{"v1|t|negozio|0", actTracks, []string{"negozio", "0"}, true},
		{"v1|c|lang|-", actChoose, []string{"lang", "-"}, true},
		{"", "", nil, false},
		{"v1", "", nil, false},
		{"v1|", "", nil, false},
		{"v0|m", "", nil, false},
		{"V1|m", "", nil, false},
		{"v2|m", "", nil, false},
		{"v1|zz", "", nil, false},
		{"v1|m|extra", "", nil, false},
		{"v1|s", "", nil, false},
		{"v1|s|a|b|c", "", nil, false},
		{"v1|s|", "", nil, false},
		{"v1|s|Vetrina", "", nil, false},
		{"v1|s|vetrina|step one", "", nil, false},
		{"v1|s|lezione|àè", "", nil, false},
		{"v1|s|" + strings.Repeat("a", 25), "", nil, false},
		{"v1|q|" + strings.Repeat("a", 24) + "|" + strings.Repeat("b", 24) + "|1234567890", "", nil, false}, // 65 bytes
		{"v1|a|up", "", nil, false}, // the assistant's: not a flows route
		{"v1|x|stats", "", nil, false},
		{"v1|m\n", "", nil, false},
	}
	for _, tt := range tests {
		act, args, err := parseData(tt.data, routes)
		if ok := err == nil; ok != tt.ok {
			t.Errorf("parseData(%q) error = %v, want ok=%v", tt.data, err, tt.ok)
			continue
		}
		if !tt.ok {
			if !errors.Is(err, errBadData) {
				t.Errorf("parseData(%q) error %v is not errBadData", tt.data, err)
			}
			continue
		}
		if act != tt.act || !slices.Equal(args, tt.args) {
			t.Errorf("parseData(%q) = %q %q, want %q %q", tt.data, act, args, tt.act, tt.args)
		}
	}
}

// FuzzParseData checks that no input panics the parser, and that whatever
// it accepts is compact, versioned, and what encode makes of its parts.
func FuzzParseData(f *testing.F) {
	for _, s := range []string{"v1|m", "v1|s|vetrina|.", "v1|q|a|b|1", "v0|m", "v1||", "|||", "v1|c|lang|-", "v1|t|x|9"} {
		f.Add(s)
	}
	routes := testRoutes()
	f.Fuzz(func(t *testing.T, data string) {
		act, args, err := parseData(data, routes)
		if err != nil {
			return
		}
		if len(data) > maxData || !strings.HasPrefix(data, version+"|") {
			t.Fatalf("accepted %q", data)
		}
		if _, ok := routes[act]; !ok {
			t.Fatalf("accepted unknown action in %q", data)
		}
		if got := encode(act, args...); got != data {
			t.Fatalf("encode(parse(%q)) = %q", data, got)
		}
	})
}

// TestBuiltinButtonsFit checks, for every step and answer of the built-in
// curriculum, that the buttons the flows make fit 64 bytes and parse back.
func TestBuiltinButtonsFit(t *testing.T) {
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	routes := testRoutes()
	var all []string
	for _, tr := range c.Tracks {
		all = append(all, encode(actTracks, tr.ID, "9"))
	}
	for _, ls := range c.Lessons() {
		all = append(all, OpenLessonData(ls.ID, ""), encode(actStep, ls.ID, endStep), encode(actQuiz, ls.ID, quizMissed))
		for _, s := range ls.Steps {
			all = append(all, OpenLessonData(ls.ID, s.ID), encode(actWatch, ls.ID, s.ID))
		}
		for _, q := range ls.Quiz {
			n := strconv.Itoa(q.OptionCount() - 1)
			all = append(all, encode(actAnswer, ls.ID, q.ID, n), encode(actRecall, ls.ID, q.ID, n), encode(actNext, ls.ID, q.ID))
		}
	}
	all = append(all, CheckPastedData(math.MaxInt64))
	for _, d := range all {
		if _, _, err := parseData(d, routes); err != nil {
			t.Errorf("%q (%d bytes): %v", d, len(d), err)
		}
	}
}

func TestOpenLessonData(t *testing.T) {
	long := strings.Repeat("s", 40)
	tests := []struct{ lesson, step, want string }{
		{"reviews", "reply", "v1|f|s|reviews|reply"},
		{"reviews", "", "v1|f|s|reviews"},
		{strings.Repeat("l", 24), long, "v1|f|s|" + strings.Repeat("l", 24)},
	}
	for _, tt := range tests {
		if got := OpenLessonData(tt.lesson, tt.step); got != tt.want || len(got) > maxData {
			t.Errorf("OpenLessonData(%q, %q) = %q, want %q", tt.lesson, tt.step, got, tt.want)
		}
	}
}

func TestParseLink(t *testing.T) {
	tests := []struct {
		payload  string
		kind, id string
		ok       bool
	}{
		{"l_reviews", linkLesson, "reviews", true},
		{"t_comune-social", linkTrack, "comune-social", true},
		{"l_", "", "", false},
		{"x_reviews", "", "", false},
		{"l_Reviews", "", "", false},
		{"l_a.b", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		kind, id, ok := parseLink(tt.payload)
		if kind != tt.kind || id != tt.id || ok != tt.ok {
			t.Errorf("parseLink(%q) = %q %q %v", tt.payload, kind, id, ok)
		}
	}
}

func TestLeitner(t *testing.T) {
	tests := []struct {
		box     int
		correct bool
		next    int
		learned bool
		days    int
	}{
		{1, false, 1, false, 1},
		{3, false, 1, false, 1},
		{1, true, 2, false, 3},
		{2, true, 3, false, 7},
		{3, true, 4, false, 14},
		{4, true, 5, false, 30},
		{5, true, 0, true, 0},
		{0, true, 1, false, 1},
	}
	for _, tt := range tests {
		next, learned := leitner(tt.box, tt.correct)
		if next != tt.next || learned != tt.learned {
			t.Errorf("leitner(%d, %v) = %d, %v; want %d, %v", tt.box, tt.correct, next, learned, tt.next, tt.learned)
		}
		if !learned && boxDays(next) != tt.days {
			t.Errorf("boxDays(%d) = %d, want %d", next, boxDays(next), tt.days)
		}
	}
}

func TestStreak(t *testing.T) {
	today := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		days []string
		want int
	}{
		{nil, 0},
		{[]string{"2026-03-10"}, 1},
		{[]string{"2026-03-10", "2026-03-09", "2026-03-08", "2026-03-06"}, 3},
		{[]string{"2026-03-09", "2026-03-08"}, 2}, // not yet active today: still alive
		{[]string{"2026-03-08", "2026-03-07"}, 0},
		{[]string{"2026-03-01", "2026-02-28"}, 0},
	}
	for _, tt := range tests {
		if got := streak(tt.days, today); got != tt.want {
			t.Errorf("streak(%v) = %d, want %d", tt.days, got, tt.want)
		}
	}
	// Across a month end.
	if got := streak([]string{"2026-03-01", "2026-02-28", "2026-02-27"}, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); got != 3 {
		t.Errorf("streak across February = %d, want 3", got)
	}
}

func TestText(t *testing.T) {
	bars := []struct {
		done, total int
		want        string
	}{
		{0, 14, "▱▱▱▱▱▱▱▱▱▱"},
		{1, 14, "▰▱▱▱▱▱▱▱▱▱"},
		{7, 14, "▰▰▰▰▰▱▱▱▱▱"},
		{14, 14, "▰▰▰▰▰▰▰▰▰▰"},
		{20, 14, "▰▰▰▰▰▰▰▰▰▰"},
		{0, 0, "▱▱▱▱▱▱▱▱▱▱"},
	}
	for _, tt := range bars {
		if got := bar(tt.done, tt.total, 10); got != tt.want {
			t.Errorf("bar(%d, %d) = %q, want %q", tt.done, tt.total, got, tt.want)
		}
	}
	for _, tt := range []struct {
		s    string
		n    int
		want string
	}{
		{"Pagina Facebook e profilo Instagram", 20, "Pagina Facebook…"},
		{"Facebook Page and Instagram account", 32, "Facebook Page and Instagram…"},
		{"Recensioni: rispondere a tutte", 12, "Recensioni…"},
		{"Comunicazionedelcomune", 10, "Comunicaz…"},
		{"Pagina Facebook e profilo", 18, "Pagina Facebook…"},
	} {
		if got := short(tt.s, tt.n); got != tt.want {
			t.Errorf("short(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
	if got := short("Breve", 20); got != "Breve" {
		t.Errorf("short = %q", got)
	}
	labels := []struct {
		label, text string
		want        bool
	}{
		{"Vero", "vero", true},
		{"✅ Va bene", "va bene", true},
		{"Avanti ▶", "  AVANTI ", true},
		{"☰ Menu", "menu!", true},
		{"Vero", "falso", false},
		{"🎬", "", false},
	}
	for _, tt := range labels {
		if got := sameLabel(tt.label, tt.text); got != tt.want {
			t.Errorf("sameLabel(%q, %q) = %v", tt.label, tt.text, got)
		}
	}
	for d, want := range map[time.Duration]string{0: "0:00", 135 * time.Second: "2:15", time.Hour + 2*time.Minute + 3*time.Second: "1:02:03"} {
		if got := clock(d); got != want {
			t.Errorf("clock(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestWatchVideoDataOpensTheChapter(t *testing.T) {
	d := WatchVideoData("vetrina", "photo", -1)
	if len(d) > maxData {
		t.Fatalf("%q is longer than %d bytes", d, maxData)
	}
	if act, args, err := parseData(d, map[string]route{actWatch: {2, 2, nil}}); err != nil || act != actWatch || len(args) != 2 || args[0] != "vetrina" || args[1] != "photo" {
		t.Fatalf("parseData(%q) = %q %q %v", d, act, args, err)
	}
}

func TestTypedOption(t *testing.T) {
	long := [][]bot.Button{
		{{Label: "Chiedo la recensione solo a chi sembra contento", Data: "v1|q|guide|q4|0"}},
		{{Label: "Dai a tutto il gruppo il biglietto con il QR", Data: "v1|q|guide|q4|1"}},
		{{Label: "Aspetto che la lascino da soli", Data: "v1|q|guide|q4|2"}},
		{{Label: "☰ Menu", Data: "v1|m"}},
	}
	// Options of a word or two, typed with a typo or an article.
	short := [][]bot.Button{
		{{Label: "Gioielleria", Data: "v1|q|maps|q3|0"}},
		{{Label: "Negozio", Data: "v1|q|maps|q3|1"}},
		{{Label: "Artigiano orafo", Data: "v1|q|maps|q3|2"}},
		{{Label: "Vero", Data: "v1|v|maps|q4|0"}, {Label: "Falso", Data: "v1|v|maps|q4|1"}},
	}
	photo := [][]bot.Button{
		{{Label: "Una foto di gruppo piena di dettagli", Data: "v1|q|pages|q5|0"}},
		{{Label: "Un logo leggibile o il tuo viso", Data: "v1|q|pages|q5|1"}},
		{{Label: "Un'immagine con scritti gli orari", Data: "v1|q|pages|q5|2"}},
		{{Label: "La vetrina intera, ripresa da lontano", Data: "v1|q|pages|q5|3"}},
	}
	hours := [][]bot.Button{
		{{Label: "Niente, chiudo e basta", Data: "v1|q|maps|q6|0"}},
		{{Label: "Aggiungo un orario speciale per quel giorno", Data: "v1|q|maps|q6|1"}},
		{{Label: "Cambio gli orari di tutta la settimana", Data: "v1|q|maps|q6|2"}},
	}
	for _, tt := range []struct {
		rows        [][]bot.Button
		typed, want string
	}{
		{long, "il biglietto col qr a tutti", "v1|q|guide|q4|1"},
		{long, "biglietto QR a tutto il gruppo", "v1|q|guide|q4|1"},
		{long, "solo a chi è contento", "v1|q|guide|q4|0"},
		{long, "la seconda", ""},
		{long, "menu", ""},
		{long, "a tutti", ""},
		{long, "non lo so, aspetto o chiedo?", ""},
		{short, "la gioielleria", "v1|q|maps|q3|0"},
		{short, "gioeilleria", "v1|q|maps|q3|0"},
		{short, "falzo", "v1|v|maps|q4|1"},
		{short, "orafo", "v1|q|maps|q3|2"},
		{short, "un negozio qualsiasi di paese", ""},
		// A short answer named by a word only its option has.
		{photo, "il logo", "v1|q|pages|q5|1"},
		{photo, "il mio viso", "v1|q|pages|q5|1"},
		{photo, "la vetrina", "v1|q|pages|q5|3"},
		{photo, "non il logo", ""},
		{photo, "quella con la foto di gruppo o il logo", ""},
		{photo, "logo o vetrina", ""},
		{hours, "metto l'orario speciale", "v1|q|maps|q6|1"},
	} {
		if got, _ := typedOption(tt.rows, tt.typed); got != tt.want {
			t.Errorf("typedOption(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}

func TestCutAnswer(t *testing.T) {
	for _, tt := range []struct {
		typed, head, rest string
		ok                bool
	}{
		{"la seconda, ma perché?", "la seconda", "perché?", true},
		{"vero! ma come faccio a rispondere di notte?", "vero", "come faccio a rispondere di notte?", true},
		{"vicino alla finestra - e la luce della sera?", "vicino alla finestra", "e la luce della sera?", true},
		{"falso ma non ne sono sicura", "falso", "non ne sono sicura", true},
		{"la seconda", "", "", false},
		{"la seconda!!", "", "", false},
		{", ma perché?", "", "", false},
		{"come faccio a fotografare i gioielli?", "", "", false},
	} {
		head, rest, ok := cutAnswer(tt.typed)
		if head != tt.head || rest != tt.rest || ok != tt.ok {
			t.Errorf("cutAnswer(%q) = %q, %q, %v; want %q, %q, %v", tt.typed, head, rest, ok, tt.head, tt.rest, tt.ok)
		}
	}
}

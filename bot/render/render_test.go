package render_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/render"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/whatsapp"
)

// whatsApp are the limits of the WhatsApp Cloud API.
var whatsApp = whatsapp.Capabilities()

// describe writes messages one a line, the way the tests expect them.
func describe(ms []render.Message) string {
	var b strings.Builder
	for _, m := range ms {
		var f []string
		add := func(k, v string) {
			if v != "" {
				f = append(f, k+"="+v)
			}
		}
		if m.Typing {
			f = append(f, "typing")
		}
		if m.Media != nil {
			add("media", m.Media.Kind)
		}
		if m.File != nil {
			add("file", m.File.Name)
		}
		add("text", fmt.Sprintf("%.40q", m.Text))
		if m.Text == "" {
			f = f[:len(f)-1]
		}
		var rows []string
		for _, r := range m.Buttons {
			var labels []string
			for _, x := range r {
				labels = append(labels, x.Label)
			}
			rows = append(rows, strings.Join(labels, "|"))
		}
		add("buttons", strings.Join(rows, " / "))
		if m.List != nil {
			var rs []string
			for _, r := range m.List.Rows {
				rs = append(rs, r.ID+":"+r.Title+join(r.Description))
			}
			add("list", m.List.Button+"["+strings.Join(rs, ", ")+"]")
		}
		add("edit", m.EditID)
		add("notice", m.Notice)
		add("ack", m.CallbackID)
		add("reply", m.ReplyTo)
		b.WriteString(strings.Join(f, " ") + "\n")
	}
	return b.String()
}

func join(d string) string {
	if d == "" {
		return ""
	}
	return "/" + d
}

func buttons(labels ...string) []bot.Button {
	var bs []bot.Button
	for _, l := range labels {
		bs = append(bs, bot.Button{Label: l, Data: "v1|" + strings.ToLower(strings.Fields(l)[0])})
	}
	return bs
}

func TestFitWhatsApp(t *testing.T) {
	long := strings.Repeat("Una scheda completa ha orari veri e cinque foto luminose. ", 80) // 4,640 characters
	many := make([]bot.Button, 23)
	for i := range many {
		many[i] = bot.Button{Label: fmt.Sprintf("Lezione %d", i+1), Data: fmt.Sprintf("v1|l|%d", i+1)}
	}
	tests := []struct {
		name string
		r    bot.Reply
		want string
	}{
		{"plain text", bot.Reply{Text: "Ciao!"}, `text="Ciao!"` + "\n"},
		{"three short buttons", bot.Reply{Text: "Di cosa ti occupi?", Buttons: [][]bot.Button{buttons("Negozio", "Artigianato"), buttons("Comune")}},
			`text="Di cosa ti occupi?" buttons=Negozio|Artigianato / Comune` + "\n"},
		{"four buttons become a list", bot.Reply{Text: "Di cosa ti occupi?", Buttons: [][]bot.Button{buttons("Negozio", "Artigianato"), buttons("Guida turistica", "Comune")}},
			`text="Di cosa ti occupi?" list=☰[v1|negozio:Negozio, v1|artigianato:Artigianato, v1|guida:Guida turistica, v1|comune:Comune]` + "\n"},
		{"a long title continues in the description", bot.Reply{Text: "Quanto usi i social?", Buttons: [][]bot.Button{buttons("Poco o niente — livello base", "Ogni settimana")}},
			`text="Quanto usi i social?" list=☰[v1|poco:Poco o niente —…/…livello base, v1|ogni:Ogni settimana]` + "\n"},
		{"more than ten choices, several lists", bot.Reply{Text: "Le lezioni", Buttons: [][]bot.Button{many}},
			`text="Le lezioni" list=☰[v1|l|1:Lezione 1, v1|l|2:Lezione 2, v1|l|3:Lezione 3, v1|l|4:Lezione 4, v1|l|5:Lezione 5, v1|l|6:Lezione 6, v1|l|7:Lezione 7, v1|l|8:Lezione 8, v1|l|9:Lezione 9, v1|l|10:Lezione 10]` + "\n" +
				`text="2/3" list=☰[v1|l|11:Lezione 11, v1|l|12:Lezione 12, v1|l|13:Lezione 13, v1|l|14:Lezione 14, v1|l|15:Lezione 15, v1|l|16:Lezione 16, v1|l|17:Lezione 17, v1|l|18:Lezione 18, v1|l|19:Lezione 19, v1|l|20:Lezione 20]` + "\n" +
				`text="3/3" list=☰[v1|l|21:Lezione 21, v1|l|22:Lezione 22, v1|l|23:Lezione 23]` + "\n"},
		{"the same choice twice is offered once", bot.Reply{Text: "Avanti?", Buttons: [][]bot.Button{buttons("Sì", "No"), buttons("Sì"), buttons("Menu"), buttons("Esci")}},
			`text="Avanti?" list=☰[v1|sì:Sì, v1|no:No, v1|menu:Menu, v1|esci:Esci]` + "\n"},
		{"links go in the text", bot.Reply{Text: "La guida", Buttons: [][]bot.Button{{{Label: "📖 Apri", URL: "https://example.org/g"}}, buttons("Menu")}},
			`text="La guida\n\n📖 Apri: https://example.org/g" buttons=Menu` + "\n"},
		{"an edit is a new message", bot.Reply{Text: "Quanto usi i social?", Edit: true, EditID: "wamid.A", Buttons: [][]bot.Button{buttons("Poco", "Molto")}},
			`text="Quanto usi i social?" buttons=Poco|Molto` + "\n"},
		{"an edit that only takes buttons away is nothing", bot.Reply{Edit: true, EditID: "wamid.A"}, ""},
		{"a toast alone is a line", bot.Reply{Notice: "Grazie!", CallbackID: "c1"}, `text="Grazie!" ack=c1` + "\n"},
		{"a toast with a screen is its first line", bot.Reply{Notice: "Salvato ✓", Text: "Impostazioni", Buttons: [][]bot.Button{buttons("Menu")}},
			`text="Salvato ✓\n\nImpostazioni" buttons=Menu` + "\n"},
		{"long text is split, the buttons on a last part short enough for a body", bot.Reply{Text: long, Buttons: [][]bot.Button{buttons("Avanti")}, ReplyTo: "wamid.Q"},
			`text="Una scheda completa ha orari veri e cinq" reply=wamid.Q` + "\n" + `text="cinque foto luminose. Una scheda complet" buttons=Avanti reply=wamid.Q` + "\n"},
		{"a video with its text and buttons, in one message", bot.Reply{Text: "Guarda", Media: &bot.Media{Kind: "video", URL: "https://example.org/v.mp4"}, Buttons: [][]bot.Button{buttons("Avanti")}},
			`media=video text="Guarda" buttons=Avanti` + "\n"},
		{"a caption too long for buttons: the rest follows with them", bot.Reply{Text: long[:1100], Media: &bot.Media{Kind: "photo", ID: "m1"}, Buttons: [][]bot.Button{buttons("Avanti")}},
			`media=photo text="Una scheda completa ha orari veri e cinq"` + "\n" + `text="cinque foto luminose. Una scheda complet" buttons=Avanti` + "\n"},
		{"a video with its caption", bot.Reply{Text: "Guarda", Media: &bot.Media{Kind: "video", URL: "https://example.org/v.mp4"}},
			`media=video text="Guarda"` + "\n"},
		{"a photo before a list", bot.Reply{Text: "Scegli", Media: &bot.Media{Kind: "photo", URL: "https://example.org/p.jpg"}, Buttons: [][]bot.Button{many[:4]}},
			"media=photo\n" + `text="Scegli" list=☰[v1|l|1:Lezione 1, v1|l|2:Lezione 2, v1|l|3:Lezione 3, v1|l|4:Lezione 4]` + "\n"},
		{"a caption too long is cut, the rest follows", bot.Reply{Text: long[:1100], Media: &bot.Media{Kind: "photo", ID: "m1"}},
			`media=photo text="Una scheda completa ha orari veri e cinq"` + "\n" + `text="cinque foto luminose. Una scheda complet"` + "\n"},
		{"a document", bot.Reply{Text: "I tuoi dati", File: &bot.File{Name: "bottega.json", Data: []byte("{}")}}, `file=bottega.json text="I tuoi dati"` + "\n"},
		{"typing", bot.Reply{Typing: true}, "typing\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render.Fit(whatsApp, tt.r, render.Options{})
			if d := describe(got); d != tt.want {
				t.Errorf("Fit =\n%s\nwant\n%s", d, tt.want)
			}
			for _, m := range got {
				checkLimits(t, whatsApp, m)
			}
		})
	}
}

// checkLimits fails if m breaks a limit of c.
func checkLimits(t *testing.T, c bot.Capabilities, m render.Message) {
	t.Helper()
	limit := c.MaxText
	switch {
	case m.Media != nil || m.File != nil:
		limit = c.MaxCaption
	case len(m.Buttons) > 0 || m.List != nil:
		limit = c.MaxBody
	}
	if n := render.Len(m.Text, c.UTF16); n > limit {
		t.Errorf("text of %d characters, the limit is %d", n, limit)
	}
	if m.Text == "" && m.Media == nil && m.File == nil && !m.Typing {
		t.Errorf("a message with no text: %+v", m)
	}
	if m.EditID != "" && !c.Edits {
		t.Errorf("an edit on a platform without edits")
	}
	if m.Notice != "" && !c.Toasts {
		t.Errorf("a toast on a platform without toasts")
	}
	if len(m.Buttons) > 0 && m.List != nil {
		t.Errorf("buttons and a list on one message")
	}
	n := 0
	for _, r := range m.Buttons {
		for _, b := range r {
			n++
			if render.Len(b.Label, c.UTF16) > c.ButtonTitle || b.Data == "" {
				t.Errorf("button %+v", b)
			}
		}
	}
	if n > c.Buttons {
		t.Errorf("%d buttons, the limit is %d", n, c.Buttons)
	}
	if l := m.List; l != nil {
		if len(l.Rows) == 0 || len(l.Rows) > c.List.Rows || render.Len(l.Button, false) > c.List.Button {
			t.Errorf("list of %d rows behind %q", len(l.Rows), l.Button)
		}
		for _, r := range l.Rows {
			if render.Len(r.Title, false) > c.List.Title || render.Len(r.Description, false) > c.List.Description || r.ID == "" {
				t.Errorf("row %+v", r)
			}
		}
	}
}

// TestFitTelegramChangesNothing: Telegram can show every reply the flows
// make as it is, so its messages stay what they were before renderers.
func TestFitTelegramChangesNothing(t *testing.T) {
	kb := [][]bot.Button{buttons("Poco o niente — livello base"), buttons("Li uso ogni settimana — livello intermedio"),
		{{Label: "📖 Apri la lezione", URL: "https://example.org"}, {Label: "👍", Data: "v1|up"}, {Label: "👎", Data: "v1|down"}}, buttons("A", "B", "C", "D")}
	for _, r := range []bot.Reply{
		{Text: "Ciao", Buttons: kb},
		{Text: "Quanto usi già i social per lavoro?", Edit: true, EditID: "41", Buttons: kb, Notice: "Salvato", CallbackID: "c1", ReplyTo: "7"},
		{EditID: "41", Buttons: kb},
		{Text: "Guarda", Media: &bot.Media{Kind: "video", ID: "v"}, Buttons: kb},
		{Text: "I tuoi dati", File: &bot.File{Name: "bottega.json"}},
	} {
		got := render.Fit(telegram.Capabilities(), r, render.Options{})
		want := render.Message{Text: r.Text, Buttons: r.Buttons, Media: r.Media, File: r.File, EditID: r.EditID, ReplyTo: r.ReplyTo, Notice: r.Notice, CallbackID: r.CallbackID}
		if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
			t.Errorf("Fit(%+v) =\n%+v\nwant it as it is", r, got)
		}
	}
}

// TestFitTelegram: what Telegram cannot show as it is.
func TestFitTelegram(t *testing.T) {
	long := strings.Repeat("Guarda il video fino alla fine. ", 50) // 1,600 characters
	kb := [][]bot.Button{buttons("Avanti")}
	tests := []struct {
		name string
		r    bot.Reply
		want string
	}{
		{"a long caption is cut, the buttons go with the rest", bot.Reply{Text: long, Media: &bot.Media{Kind: "video", ID: "v"}, Buttons: kb, ReplyTo: "7"},
			`media=video text="Guarda il video fino alla fine. Guarda i" reply=7` + "\n" + `text="Guarda il video fino alla fine. Guarda i" buttons=Avanti reply=7` + "\n"},
		{"a long text is split, the edit on its first part", bot.Reply{Text: strings.Repeat(long, 3), Edit: true, EditID: "41", Buttons: kb},
			`text="Guarda il video fino alla fine. Guarda i" edit=41` + "\n" + `text="Guarda il video fino alla fine. Guarda i" buttons=Avanti` + "\n"},
		// Telegram counts UTF-16 units: 1,100 emoji are 2,200 units, of
		// which the caption takes 1,024 (checked below).
		{"emoji count twice in a caption", bot.Reply{Text: strings.Repeat("🙂", 1100), File: &bot.File{Name: "a.json"}},
			`file=a.json text="` + strings.Repeat("🙂", 40) + `"` + "\n" + `text="` + strings.Repeat("🙂", 40) + `"` + "\n"},
		{"a toast stays a toast", bot.Reply{Notice: "Grazie!", CallbackID: "c1"}, `notice=Grazie! ack=c1` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render.Fit(telegram.Capabilities(), tt.r, render.Options{})
			if d := describe(got); d != tt.want {
				t.Errorf("Fit =\n%s\nwant\n%s", d, tt.want)
			}
			for _, m := range got {
				limit := telegram.Capabilities().MaxText
				if m.Media != nil || m.File != nil {
					limit = telegram.Capabilities().MaxCaption
				}
				if n := render.Len(m.Text, true); n > limit {
					t.Errorf("text of %d units, the limit is %d", n, limit)
				}
			}
			if tt.r.File != nil && utf8.RuneCountInString(got[0].Text) != 512 {
				t.Errorf("the caption has %d emoji, want 512", utf8.RuneCountInString(got[0].Text))
			}
		})
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		utf16 bool
		want  []string
	}{
		{"short", "ciao", 10, false, []string{"ciao"}},
		{"paragraphs", "uno due\n\ntre quattro\n\ncinque", 20, false, []string{"uno due\n\ntre quattro", "cinque"}},
		{"lines", "uno due\ntre quattro\ncinque", 12, false, []string{"uno due", "tre quattro", "cinque"}},
		{"words", "aaaa bbbb cccc dddd", 10, false, []string{"aaaa bbbb", "cccc dddd"}},
		{"no spaces", "abcdefghij", 4, false, []string{"abcd", "efgh", "ij"}},
		// An emoji counts two UTF-16 units and is never cut in half.
		{"emoji in UTF-16", "🙂🙂🙂", 4, true, []string{"🙂🙂", "🙂"}},
		{"emoji in characters", "🙂🙂🙂🙂🙂", 4, false, []string{"🙂🙂🙂🙂", "🙂"}},
		{"accents", "perché così", 6, false, []string{"perché", "così"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render.Split(tt.text, tt.limit, tt.utf16)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Split(%q, %d) = %q, want %q", tt.text, tt.limit, got, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	for _, tt := range []struct {
		s     string
		limit int
		utf16 bool
		want  string
	}{
		{"abcdef", 4, false, "abc…"},
		{"abc", 4, false, "abc"},
		{"🙂🙂🙂", 3, false, "🙂🙂🙂"},
		{"🙂🙂🙂", 4, true, "🙂…"},
		{"abc", 0, false, "abc"},
	} {
		if got := render.Truncate(tt.s, tt.limit, tt.utf16); got != tt.want {
			t.Errorf("Truncate(%q, %d, %v) = %q, want %q", tt.s, tt.limit, tt.utf16, got, tt.want)
		}
	}
}

package whatsapp_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/assistant/llmtest"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/journeytest"
	"github.com/bottega-app/bottega/bot/whatsapp/whatsapptest"
)

// fitted answers each command with one reply that WhatsApp cannot show as
// it is.
var fitted = bot.HandlerFunc(func(_ context.Context, u bot.Update) ([]bot.Reply, error) {
	choices := func(n int) [][]bot.Button {
		var row []bot.Button
		for i := range n {
			row = append(row, bot.Button{Label: fmt.Sprintf("Lezione %d", i+1), Data: fmt.Sprintf("l%d", i+1)})
		}
		return [][]bot.Button{row}
	}
	switch u.Text {
	case "edit":
		return []bot.Reply{{Text: "Quanto usi i social?", Edit: true, EditID: "wamid.old", Buttons: choices(2)}}, nil
	case "unbutton":
		return []bot.Reply{{Edit: true, EditID: "wamid.old"}}, nil
	case "toast":
		return []bot.Reply{{Notice: "Grazie del voto!"}}, nil
	case "list":
		return []bot.Reply{{Text: "Le lezioni", Buttons: choices(12)}}, nil
	case "link":
		return []bot.Reply{{Text: "La guida", Buttons: [][]bot.Button{{{Label: "📖 Apri", URL: "https://example.org/g"}}, choices(1)[0]}}}, nil
	case "long":
		return []bot.Reply{{Text: strings.Repeat("Una scheda completa ha orari veri e cinque foto luminose. ", 80), Buttons: choices(1)}}, nil
	}
	return []bot.Reply{{Text: "eco: " + u.Text}}, nil
})

// TestSendFitsReplies: Send shows what WhatsApp cannot as bot/render fits
// it: an edit as a new message, a toast as a line, many choices as lists,
// links in the text, a long text split with the buttons on its last part.
func TestSendFitsReplies(t *testing.T) {
	r := newRigWith(t, nil, fitted)
	const user = "393330000041"
	tests := []struct {
		say  string
		want string // texts(...) of the messages sent
	}{
		{"edit", "Quanto usi i social?\n [Lezione 1]\n [Lezione 2]\n---\n"},
		{"unbutton", ""},
		{"toast", "Grazie del voto!\n---\n"},
		{"list", "Le lezioni\n [Lezione 1]\n [Lezione 2]\n [Lezione 3]\n [Lezione 4]\n [Lezione 5]\n [Lezione 6]\n [Lezione 7]\n [Lezione 8]\n [Lezione 9]\n [Lezione 10]\n---\n" +
			"2/2\n [Lezione 11]\n [Lezione 12]\n---\n"},
		{"link", "La guida\n\n📖 Apri: https://example.org/g\n [Lezione 1]\n---\n"},
	}
	for _, tt := range tests {
		t.Run(tt.say, func(t *testing.T) {
			if got := texts(r.say(user, tt.say)); got != tt.want {
				t.Errorf("sent\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	t.Run("long", func(t *testing.T) {
		got := r.say(user, "long")
		if len(got) != 2 || got[0].Type != "text" || got[1].Type != "interactive" || len(got[1].Buttons()) != 1 {
			t.Fatalf("a long text with a button went as\n%s", texts(got))
		}
		if n := utf8.RuneCountInString(got[1].Text()); n > 1024 {
			t.Errorf("the part with the button has %d characters, more than an interactive body may", n)
		}
		if !strings.HasSuffix(got[1].Text(), "luminose.") || !strings.HasPrefix(got[0].Text(), "Una scheda") {
			t.Errorf("the text was not cut between sentences:\n%s", texts(got))
		}
	})
}

// TestAccountRefused: like a refused token (190, TestErrors), a blocked
// account (368) or a locked number (131031) stops all sending: the
// transport is not ready, and no request goes to Meta until a restart.
func TestAccountRefused(t *testing.T) {
	for _, code := range []int{whatsapptest.CodeBlocked, whatsapptest.CodeLocked} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			r := newRigWith(t, nil, fitted)
			const user = "393330000051"
			r.fake.Fail(1, whatsapptest.Fault{Code: code, To: user})
			if _, err := r.tr.Send(context.Background(), user, bot.Reply{Text: "Ciao"}); err == nil {
				t.Fatalf("%d accepted", code)
			}
			if r.tr.Ready() == nil {
				t.Fatalf("ready after %d", code)
			}
			n := len(r.fake.Messages())
			if _, err := r.tr.Send(context.Background(), user, bot.Reply{Text: "Ciao"}); err == nil || len(r.fake.Messages()) != n {
				t.Fatalf("a send after %d made a request", code)
			}
			if c := strings.Count(r.logs.String(), "sending stopped"); c != 1 {
				t.Errorf("the stop is logged %d times, want once", c)
			}
		})
	}
}

// TestAnswerComesWhole: WhatsApp cannot edit a message (its Capabilities
// say so), so an answer that the LLM streams comes as one message once
// complete, with the typing indicator meanwhile, where Telegram would edit
// a message as the words come.
func TestAnswerComesWhole(t *testing.T) {
	const answer = "Apri il profilo dell'attività su Google Maps [1].\nPoi tocca Modifica e inserisci gli orari di apertura veri [1]."
	llm := llmtest.New(answer)
	t.Cleanup(llm.Close)
	llm.SetChunk(4, nil)
	c, err := assistant.NewClient(llm.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := newRigWith(t, nil, nil, c)
	const user = "393330000061"
	r.say(user, "/start")
	before := len(r.fake.Reads())
	got := r.say(user, journeytest.Question)
	var answers []string
	for _, m := range got {
		if strings.Contains(m.Text(), "Google Maps") {
			answers = append(answers, m.Text())
		}
	}
	if len(answers) != 1 || !strings.Contains(answers[0], "orari di apertura veri") {
		t.Fatalf("the answer came as %d messages, want one, complete:\n%s", len(answers), texts(got))
	}
	typing := 0
	for _, m := range r.fake.Reads()[before:] {
		if m.Typing {
			typing++
		}
	}
	if typing == 0 {
		t.Error("no typing indicator while the answer was written")
	}
}

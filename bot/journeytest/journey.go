// Package journeytest is a learner's whole way through Bottega as one
// script that any platform's end-to-end test plays against its fake: the
// same flows, fitted by each platform's renderer. The script speaks Italian
// and reads the built-in lessons.
package journeytest

import (
	"strings"
	"testing"
	"time"
)

// Message is what the learner saw of one message: its text (or caption),
// the titles of its buttons or list rows, and a document's file name.
type Message struct {
	Text    string
	Choices []string
	File    string
}

// Learner plays the learner on one platform. Each call returns once the
// bot's replies to it are out: the messages it sent, or edited, since.
type Learner interface {
	// Say sends text.
	Say(text string) []Message
	// Press chooses the button or list row whose title contains title, in
	// the latest message offering one.
	Press(title string) []Message
	// Later moves the bot's clock on by d.
	Later(d time.Duration)
}

// Contact is how the learners of the journey can reach a person; rigs
// configure it (flows.Options.Contact).
const Contact = "+39 041 000 0000"

// Question is the question the journey asks, and Cited the lesson whose
// steps the answer quotes.
const (
	Question = "come metto gli orari su google?"
	Cited    = "Farsi trovare su Google Maps"
)

// Run plays the journey: onboarding (it says the bot is automated and how
// to reach a person), a lesson, its quiz with wrong answers, the review of
// those the next day, a question answered with a citation of the lesson,
// /progress and /export. /delete is left to the platform's test, which can
// check that nothing is left.
func Run(t testing.TB, l Learner) {
	t.Helper()
	got := l.Say("/start")
	expect(t, got, "Bottega", "automatico", Contact)
	l.Press("Italiano")
	l.Press("Negozio")
	l.Press("Base")
	l.Press("13:00")
	got = l.Press("Va bene")
	expect(t, got, "▶")
	got = l.Press("▶")
	// Through the lesson to its quiz.
	for range 20 {
		if strings.Contains(all(got), "Domanda 1 di") {
			break
		}
		switch c := choices(got); {
		case strings.Contains(c, "quiz"):
			got = l.Press("quiz")
		case strings.Contains(c, "Avanti"):
			got = l.Press("Avanti")
		default:
			t.Fatalf("stuck in the lesson at:\n%s", all(got))
		}
	}
	expect(t, got, "Domanda 1 di")
	// Every question answered with its last choice: some are wrong.
	for i := 0; !strings.Contains(all(got), "Quiz finito"); i++ {
		if i > 40 {
			t.Fatalf("the quiz does not end:\n%s", all(got))
		}
		got = l.Press(answer(t, got))
	}
	expect(t, got, "Quiz finito", "ripasso")

	// The next day the wrong ones come back.
	l.Later(25 * time.Hour)
	got = l.Say("/review")
	expect(t, got, "Ripasso · 1 di")
	for i := 0; !strings.Contains(all(got), "Ripasso finito"); i++ {
		if i > 40 {
			t.Fatalf("the review does not end:\n%s", all(got))
		}
		got = l.Press(answer(t, got))
	}

	// A question, answered from the lessons with their place.
	got = l.Say(Question)
	expect(t, got, "«"+Cited+"», passo", "Apri")

	got = l.Say("/progress")
	expect(t, got, "I tuoi progressi", "1 di ", "Quiz:")

	got = l.Say("/export")
	for _, m := range got {
		if strings.HasSuffix(m.File, ".json") {
			return
		}
	}
	t.Fatalf("/export sent no JSON document:\n%s", all(got))
}

// answer is the choice to press on a screen of the quiz or the review: a
// way on when there is one, else the last answer offered.
func answer(t testing.TB, got []Message) string {
	t.Helper()
	if len(got) == 0 {
		t.Fatal("no reply")
	}
	last := got[len(got)-1]
	pick := ""
	for _, c := range last.Choices {
		switch {
		case strings.Contains(c, "Avanti"), strings.Contains(c, "risultato"):
			return c
		case strings.Contains(c, "Menu"):
		default:
			pick = c
		}
	}
	if pick == "" {
		t.Fatalf("nothing to answer in:\n%s", all(got))
	}
	return pick
}

func expect(t testing.TB, got []Message, want ...string) {
	t.Helper()
	s := all(got)
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Fatalf("the replies lack %q:\n%s", w, s)
		}
	}
}

func choices(got []Message) string {
	if len(got) == 0 {
		return ""
	}
	return strings.Join(got[len(got)-1].Choices, "|")
}

// all renders messages for a failure's report.
func all(got []Message) string {
	var b strings.Builder
	for _, m := range got {
		b.WriteString(m.Text)
		for _, c := range m.Choices {
			b.WriteString("\n [" + c + "]")
		}
		if m.File != "" {
			b.WriteString("\n 📎 " + m.File)
		}
		b.WriteString("\n---\n")
	}
	return b.String()
}

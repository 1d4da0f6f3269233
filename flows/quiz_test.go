package flows_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
)

// as sends an update from another onboarded learner of the chat's bot.
func (c *chat) as(user, lang, text, data string) []bot.Reply {
	c.t.Helper()
	ctx := context.Background()
	l, created, err := c.db.EnsureLearner(ctx, "test", user, user, user, lang)
	if err != nil {
		c.t.Fatal(err)
	}
	if created {
		now := c.clk.Now()
		l.Role, l.Level, l.ConsentAt = bottega.RoleShopkeeper, bottega.LevelBase, &now
		if err := c.db.UpdateLearner(ctx, l); err != nil {
			c.t.Fatal(err)
		}
	}
	c.id++
	u := bot.Update{Platform: "test", ID: strconv.FormatInt(c.id, 10), ChatID: user, UserID: user, Name: user, Lang: lang, Text: text, Data: data, MessageID: "m"}
	var replies []bot.Reply
	err = c.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		replies, err = c.b.Handle(ctx, tx, u)
		return err
	})
	if err != nil {
		c.t.Fatalf("%s %q %q: %v", user, text, data, err)
	}
	if len(replies) == 0 {
		c.t.Fatalf("%s %q %q: no reply", user, text, data)
	}
	return replies
}

// answers are the labels of a question's answer buttons, in order, without
// the menu.
func answers(r bot.Reply) (labels, data []string) {
	for _, row := range r.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Data, "v1|q|") || strings.HasPrefix(b.Data, "v1|v|") {
				labels = append(labels, b.Label)
				data = append(data, b.Data)
			}
		}
	}
	return labels, data
}

// Options come in an order of each learner's own, so that the right
// answer's place in the file says nothing; the button carries the option's
// number in the file, which is what is recorded.
func TestQuizOptionsShuffled(t *testing.T) {
	c := newChat(t)
	fileOrder := []string{"In cantina", "Vicino a una finestra", "Col flash"}
	orders := map[string]bool{}
	rightAt := map[int]int{}
	for i := range 12 {
		user := "learner" + string(rune('a'+i))
		r := c.as(user, "it", "", "v1|b|vetrina|all")
		labels, data := answers(r[0])
		if len(labels) != 3 {
			t.Fatalf("%s: answers %q", user, labels)
		}
		if !slices.Equal(slices.Sorted(slices.Values(labels)), slices.Sorted(slices.Values(fileOrder))) {
			t.Fatalf("%s: answers %q, want a shuffle of %q", user, labels, fileOrder)
		}
		orders[strings.Join(labels, "|")] = true
		right := slices.Index(labels, "Vicino a una finestra")
		rightAt[right]++
		// Each button names the option's place in the file.
		for j, d := range data {
			if want := "v1|q|vetrina|q1|" + strconv.Itoa(slices.Index(fileOrder, labels[j])); d != want {
				t.Errorf("%s: button %q has data %q, want %q", user, labels[j], d, want)
			}
		}
		// The right answer, pressed where it is, is recorded as option 2 of
		// the file, and right.
		c.as(user, "it", "", data[right])
		l, _, err := c.db.EnsureLearner(context.Background(), "test", user, user, user, "it")
		if err != nil {
			t.Fatal(err)
		}
		as, err := c.db.Answers(context.Background(), l.ID)
		if err != nil || len(as) != 1 || as[0].Choice != 1 || !as[0].Correct {
			t.Errorf("%s: answers %+v, %v; want choice 1, right", user, as, err)
		}
	}
	if len(orders) < 3 || len(rightAt) < 2 {
		t.Errorf("12 learners saw %d orders, the right answer at %v places: want the order to vary", len(orders), rightAt)
	}
}

// The same attempt shows the same order however often it is opened; a
// retry and a review show another.
func TestQuizOrderStableThenNew(t *testing.T) {
	c := newChat(t)
	first, _ := answers(c.send("", "v1|b|vetrina|all")[0])
	c.send("/menu", "")
	again, _ := answers(c.send("/continue", "")[0])
	c.restart()
	third, _ := answers(c.send("/continue", "")[0])
	if !slices.Equal(first, again) || !slices.Equal(first, third) {
		t.Errorf("the same question reopened: %q, then %q, then %q", first, again, third)
	}
	c.send("", "v1|q|vetrina|q1|0") // wrong
	c.send("", "v1|n|vetrina|q1")
	c.send("", "v1|q|vetrina|q2|0")
	c.send("", "v1|n|vetrina|q2")
	c.send("", "v1|q|vetrina|q3|0")
	c.send("", "v1|n|vetrina|q3")
	retry, _ := answers(c.send("", "v1|b|vetrina|miss")[0])
	if slices.Equal(first, retry) {
		t.Errorf("the retry shows the first order again: %q", retry)
	}
	c.clk.Advance(26 * time.Hour)
	review, data := answers(c.send("/review", "")[0])
	if slices.Equal(first, review) {
		t.Errorf("the review shows the first order again: %q", review)
	}
	if len(data) != 3 || !strings.HasPrefix(data[0], "v1|v|vetrina|q1|") {
		t.Fatalf("review buttons %q", data)
	}
	reopened, _ := answers(c.send("/review", "")[0])
	if !slices.Equal(review, reopened) {
		t.Errorf("the same review reopened: %q, then %q", review, reopened)
	}
	// Pressed where it is, the right answer counts as option 2 of the file.
	c.says(c.send("", data[slices.Index(review, "Vicino a una finestra")]), "Esatto")
	as, err := c.db.Answers(context.Background(), c.learner().ID)
	if err != nil || len(as) != 4 || as[3].Choice != 1 || !as[3].Correct || as[3].Source != bottega.SourceReview {
		t.Errorf("answers %+v, %v", as, err)
	}
}

// A wrong answer is told what its mistake is, when the lesson says, before
// the explanation of the right one; a right answer gets only the latter.
func TestQuizWrongFeedback(t *testing.T) {
	for _, tt := range []struct {
		answer string
		want   []string
		not    string
	}{
		{"0", []string{"Non proprio", "In cantina la luce è poca e gialla", "La luce naturale è morbida"}, "flash"},
		{"2", []string{"Non proprio", "Il flash appiattisce", "La luce naturale è morbida"}, "cantina"},
		{"1", []string{"Esatto", "La luce naturale è morbida"}, "cantina"},
	} {
		c := newChat(t)
		c.send("", "v1|b|vetrina|all")
		r := c.send("", "v1|q|vetrina|q1|"+tt.answer)
		c.says(r, tt.want...)
		text := r[0].Text
		if strings.Contains(text, tt.not) {
			t.Errorf("answer %s: reply has %q:\n%s", tt.answer, tt.not, text)
		}
		if i := strings.Index(text, tt.want[len(tt.want)-2]); i < 0 || i > strings.Index(text, "La luce naturale") {
			t.Errorf("answer %s: the mistake comes after the explanation:\n%s", tt.answer, text)
		}
		// The same in a review, the next day.
		if tt.answer != "1" {
			c.clk.Advance(26 * time.Hour)
			c.send("/review", "")
			c.says(c.send("", "v1|v|vetrina|q1|"+tt.answer), tt.want...)
		}
	}
}

// A step's template is sent as a file after the step, in the language the
// learner reads the lesson in, when they reach the step, not when they page
// back to it.
func TestStepDocument(t *testing.T) {
	c := newChat(t)
	cur := curriculum(t, "test")
	c.lib.publish(cur)
	for _, tt := range []struct {
		user, lang, file, text string
	}{
		{"ita", "it", "grazie.txt", "Grazie del messaggio"},
		{"eng", "en", "thanks.txt", "Thanks for your message"},
		{"deu", "de", "thanks.txt", "Thanks for your message"}, // the lesson is read in English
	} {
		c.as(tt.user, tt.lang, "", "v1|s|ultima|fast")
		r := c.as(tt.user, tt.lang, "", "v1|s|ultima|kind")
		if len(r) != 2 || r[1].File == nil {
			t.Fatalf("%s: replies %+v, want the step and a file", tt.user, r)
		}
		if !strings.Contains(r[0].Text, "2/2") || r[1].File.Name != tt.file || !strings.HasPrefix(string(r[1].File.Data), tt.text) || r[1].Text == "" {
			t.Errorf("%s: step %q, file %q %q with %q", tt.user, r[0].Text, r[1].File.Name, r[1].File.Data, r[1].Text)
		}
		c.as(tt.user, tt.lang, "", "v1|s|ultima|.")
		if r := c.as(tt.user, tt.lang, "", "v1|s|ultima|kind"); len(r) != 1 {
			t.Errorf("%s: paging back sends %d replies", tt.user, len(r))
		}
		if r := c.as(tt.user, tt.lang, "/continue", ""); len(r) != 1 {
			t.Errorf("%s: continuing at the step sends %d replies", tt.user, len(r))
		}
	}
	// A file that cannot be read any more is left out; the step still shows.
	cur.Lessons()[1].Steps[1].Document = content.Files{"it": "modelli/sparito.txt"}
	c.as("new", "it", "", "v1|s|ultima|fast")
	if r := c.as("new", "it", "", "v1|s|ultima|kind"); len(r) != 1 || !strings.Contains(r[0].Text, "Ringrazia") {
		t.Errorf("a missing file: replies %+v", r)
	}
}

package flows_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/broadcast"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// chat drives flows directly, one update at a time, as the dispatcher would
// (each update in its own transaction).
type chat struct {
	t   *testing.T
	db  *store.DB
	lib *library
	clk *fakeClock
	b   *flows.Bot
	id  int64
}

func newChat(t *testing.T, opts ...func(*flows.Options)) *chat {
	c := &chat{t: t, db: pgtest.New(t), lib: &library{}, clk: newClock()}
	c.lib.publish(testCurriculum(false))
	c.restart(opts...)
	// An onboarded learner.
	l, _, err := c.db.EnsureLearner(context.Background(), "test", "u1", "u1", "Ada", "it")
	if err != nil {
		t.Fatal(err)
	}
	now := c.clk.Now()
	l.Role, l.Level, l.ConsentAt = bottega.RoleShopkeeper, bottega.LevelBase, &now
	if err := c.db.UpdateLearner(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	return c
}

// restart builds new flows on the same database, as a new process would.
func (c *chat) restart(opts ...func(*flows.Options)) {
	o := flows.Options{Store: c.db, Texts: texts(c.t), Library: c.lib, Clock: c.clk.Now}
	for _, f := range opts {
		f(&o)
	}
	c.b = flows.New(o)
}

func (c *chat) send(text, data string) []bot.Reply {
	c.t.Helper()
	return c.sendAs("u1", "Ada", text, data)
}

// sendAs is send from another user of the same chat app.
func (c *chat) sendAs(user, name, text, data string) []bot.Reply {
	c.t.Helper()
	c.id++
	u := bot.Update{Platform: "test", ID: strconv.FormatInt(c.id, 10), ChatID: user, UserID: user, Name: name, Lang: "it", Text: text, Data: data, MessageID: "m"}
	var replies []bot.Reply
	err := c.db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		replies, err = c.b.Handle(context.Background(), tx, u)
		return err
	})
	if err != nil {
		c.t.Fatalf("%q %q: %v", text, data, err)
	}
	if len(replies) == 0 {
		c.t.Fatalf("%q %q: no reply", text, data)
	}
	return replies
}

// says checks that the first reply contains each of want.
// readShowcase reads the lesson "vetrina" step by step to its end and
// returns the end's replies.
func (c *chat) readShowcase() []bot.Reply {
	for _, step := range []string{"why", "photo", "words"} {
		c.send("", "v1|s|vetrina|"+step)
	}
	return c.send("", "v1|s|vetrina|.")
}

func (c *chat) says(replies []bot.Reply, want ...string) {
	c.t.Helper()
	for _, w := range want {
		if !strings.Contains(replies[0].Text, w) {
			c.t.Errorf("reply lacks %q:\n%s", w, replies[0].Text)
		}
	}
}

func (c *chat) learner() bottega.Learner {
	l, _, err := c.db.EnsureLearner(context.Background(), "test", "u1", "u1", "Ada", "it")
	if err != nil {
		c.t.Fatal(err)
	}
	return l
}

// TestRestartResumes restarts the flows in the middle of a lesson and of a
// quiz: the learner continues at the same step and question, and a button
// of a message sent before the restart still works.
func TestRestartResumes(t *testing.T) {
	c := newChat(t)
	c.says(c.send("", flows.OpenLessonData("vetrina", "photo")), "2/3", "finestra")
	c.restart()
	c.says(c.send("/continue", ""), "2/3", "finestra")

	c.send("", "v1|s|vetrina|.")
	c.says(c.send("", "v1|b|vetrina|all"), "Domanda 1 di 3")
	c.says(c.send("", "v1|q|vetrina|q1|1"), "Esatto")
	c.says(c.send("", "v1|n|vetrina|q1"), "Domanda 2 di 3", "prezzi chiari")
	c.restart()
	c.says(c.send("/menu", ""), "domanda 2 di 3")
	c.says(c.send("/continue", ""), "Domanda 2 di 3", "prezzi chiari")
	c.restart()
	c.says(c.send("", "v1|q|vetrina|q2|0"), "Esatto")
	c.restart()
	c.says(c.send("/continue", ""), "Esatto", "Chi non trova il prezzo")
}

// TestNewVersionKeepsPlace publishes a curriculum without the step the
// learner is on: they resume at the nearest earlier step that still exists.
func TestNewVersionKeepsPlace(t *testing.T) {
	c := newChat(t)
	c.send("", flows.OpenLessonData("vetrina", "words"))
	c.lib.publish(testCurriculum(true))
	c.restart()
	c.says(c.send("/continue", ""), "2/3", "prezzi e orari") // "words" moved from 3rd to 2nd
	c.send("", flows.OpenLessonData("vetrina", "why"))
	c.lib.publish(testCurriculum(false))
	c.send("", "v1|s|vetrina|photo")
	c.lib.publish(testCurriculum(true)) // "photo" is gone
	c.says(c.send("/continue", ""), "1/3", "prima cosa")
}

type extension struct{}

func (extension) Handle(_ context.Context, _ bot.Tx, l bottega.Learner, u bot.Update) ([]bot.Reply, bool, error) {
	switch {
	case u.Text == "/stats" || u.Data == "v1|x|stats":
		return []bot.Reply{{Text: "stats for " + l.Name}}, true, nil
	case u.Text == "/boom":
		return nil, false, errors.New("boom")
	}
	return nil, false, nil
}

type answerer struct{}

func (answerer) Answer(_ context.Context, _ bot.Tx, _ bottega.Learner, q string) ([]bot.Reply, error) {
	return []bot.Reply{{Text: "answer: " + q, Buttons: [][]bot.Button{{{Label: "open", Data: flows.OpenLessonData("vetrina", "words")}}}}}, nil
}

func (answerer) Button(_ context.Context, _ bot.Tx, _ bottega.Learner, data string) ([]bot.Reply, error) {
	return []bot.Reply{{Text: "feedback " + data}}, nil
}

// PastedText has one question with a pasted draft, id 7, asked by the
// learner with id 1.
func (answerer) PastedText(_ context.Context, _ bot.Tx, learnerID, questionID int64) (string, error) {
	if questionID != 7 || learnerID != 1 {
		return "", nil
	}
	return "Si comunica alla cittadinanza che la biblioteca resterà chiusa.", nil
}

// The checker's button under an answer checks the text pasted with the
// question at once; another learner's question, or one without a text, is
// an expired button.
func TestCheckPastedText(t *testing.T) {
	c := newChat(t, func(o *flows.Options) { o.Answerer = answerer{} })
	if id := c.learner().ID; id != 1 {
		t.Fatalf("learner id %d, want 1", id)
	}
	r := c.send("", flows.CheckPastedData(7))
	c.says(r, "Togli «si comunica alla cittadinanza che»", "Gulpease")
	r = c.send("", flows.CheckPastedData(8))
	c.says(r, "scaduto")
}

func TestExtensionsAndAnswerer(t *testing.T) {
	c := newChat(t, func(o *flows.Options) {
		o.Extensions = []flows.Extension{extension{}}
		o.Answerer = answerer{}
	})
	tests := []struct {
		text, data string
		want       string
	}{
		{"/stats", "", "stats for Ada"},
		{"", "v1|x|stats", "stats for Ada"},
		{"", "v1|x|other", "scaduto"},
		{"/nope", "", "Non conosco"},
		{"come rispondo a una recensione?", "", "answer: come rispondo a una recensione?"},
		{"", "v1|a|up|42", "feedback v1|a|up|42"},
		{"", flows.OpenLessonData("vetrina", "words"), "3/3"},
		{"2", "", "pulsante"}, // a button's number typed is no question
		{"", "v1|b|vetrina|all", "Domanda 1 di 3"},
		{"una domanda nel quiz", "", "tenuto"}, // kept for now or after the quiz
		{"forse", "", "pulsante"},              // the quiz expects a button
	}
	for _, tt := range tests {
		c.says(c.send(tt.text, tt.data), tt.want)
	}
	if _, err := c.b.Handle(context.Background(), c.db, bot.Update{Platform: "test", ID: "999", ChatID: "u1", UserID: "u1", Text: "/boom"}); err == nil {
		t.Error("an extension's error was swallowed")
	}
}

// TestDeleteErasesEverything fills every table the flows write, exports,
// then deletes: nothing of the learner is left.
func TestDeleteErasesEverything(t *testing.T) {
	c := newChat(t)
	c.send("", "v1|s|vetrina|.")
	c.send("", "v1|b|vetrina|all")
	c.send("", "v1|q|vetrina|q1|0") // wrong: scheduled for review
	id := c.learner().ID
	ctx := context.Background()
	asked := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	qid, err := c.db.SaveQuestion(ctx, bottega.Question{LearnerID: id, Locale: "it", Text: "Come rispondo a una recensione?", AskedAt: asked})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.db.FinishQuestion(ctx, qid, "offline", false, []string{"recensioni"}, asked.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := c.db.AddTurn(ctx, store.AskTurn{LearnerID: id, QuestionID: &qid, Role: "assistant", Text: "Ringrazia e rispondi con calma.", At: asked.Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.db.SaveFeedback(ctx, qid, id, true, asked.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := c.db.RecordUsage(ctx, store.AskUsage{QuestionID: qid, LearnerID: id, Outcome: "offline", At: asked}); err != nil {
		t.Fatal(err)
	}

	r := c.send("/export", "")
	if r[0].File == nil {
		t.Fatal("export sent no file")
	}
	var export struct {
		Learner struct {
			Language string `json:"language"`
			Role     string `json:"role"`
		} `json:"learner"`
		Lessons []struct{ Lesson string } `json:"lessons"`
		Answers []struct {
			Question string
			Correct  bool
		} `json:"answers"`
		Review    []struct{ Question string } `json:"review"`
		Days      []string                    `json:"active_days"`
		Questions []struct {
			Text    string   `json:"text"`
			At      string   `json:"asked_at"`
			Mode    string   `json:"answered_by"`
			Lessons []string `json:"lessons_cited"`
			Answer  string   `json:"answer"`
			Helpful *bool    `json:"helpful"`
		} `json:"questions"`
		Stored struct {
			Learner struct {
				ChatID    string  `json:"chat_id"`
				UpdatedAt string  `json:"updated_at"`
				BlockedAt *string `json:"blocked_at"`
			} `json:"learners"`
			State []struct{ State map[string]any } `json:"conversation_state"`
			Turns []struct{ Text string }          `json:"ask_turns"`
			Usage []struct{ Outcome string }       `json:"ask_usage"`
		} `json:"stored"`
	}
	if err := json.Unmarshal(r[0].File.Data, &export); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, r[0].File.Data)
	}
	if export.Learner.Language != "it" || export.Learner.Role != "shopkeeper" || len(export.Lessons) != 1 ||
		len(export.Answers) != 1 || export.Answers[0].Correct || len(export.Review) != 1 || len(export.Days) != 1 {
		t.Errorf("export = %+v", export)
	}
	if q := export.Questions; len(q) != 1 || q[0].Text != "Come rispondo a una recensione?" || q[0].At != "2026-03-02T09:30:00Z" ||
		q[0].Mode != "offline" || len(q[0].Lessons) != 1 || q[0].Answer != "Ringrazia e rispondi con calma." || q[0].Helpful == nil || !*q[0].Helpful {
		t.Errorf("exported questions = %+v", q)
	}
	if st := export.Stored; st.Learner.ChatID != "u1" || st.Learner.UpdatedAt == "" || len(st.State) != 1 ||
		len(st.Turns) != 1 || st.Turns[0].Text != "Ringrazia e rispondi con calma." || len(st.Usage) != 1 {
		t.Errorf("stored rows in the export = %+v\n%s", st, r[0].File.Data)
	}

	c.says(c.send("", "v1|d|yes"), "scaduto") // not confirmed: nothing happens
	c.says(c.send("/delete", ""), "cancellare tutto")
	c.says(c.send("", "v1|d|yes"), "ho cancellato")

	if _, err := c.db.Learner(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("learner still there: %v", err)
	}
	ps, _ := c.db.Progress(ctx, id)
	as, _ := c.db.Answers(ctx, id)
	rs, _ := c.db.ReviewItems(ctx, id)
	ds, _ := c.db.ActivityDays(ctx, id, 100)
	st, _ := c.db.LoadState(ctx, id)
	qs, _ := c.db.AskedQuestions(ctx, id)
	if len(ps)+len(as)+len(rs)+len(ds)+len(qs) != 0 || st != nil {
		t.Errorf("left behind: %d positions, %d answers, %d reviews, %d days, %d questions, state %s", len(ps), len(as), len(rs), len(ds), len(qs), st)
	}
	c.says(c.send("/menu", ""), "Ciao", "In che lingua") // a new learner
}

// TestEveryScreenOffersAWayOn walks the screens and checks that each
// message has a button.
func TestEveryScreenOffersAWayOn(t *testing.T) {
	c := newChat(t)
	inputs := []struct{ text, data string }{
		{"/menu", ""}, {"/help", ""}, {"/ask", ""}, {"/lessons", ""}, {"", "v1|t|negozio|0"},
		{"", flows.OpenLessonData("vetrina", "")}, {"", "v1|w|vetrina|photo"}, {"", "v1|s|vetrina|."},
		{"", "v1|b|vetrina|all"}, {"", "v1|q|vetrina|q1|0"}, {"", "v1|n|vetrina|q1"}, {"", "v1|q|vetrina|q2|0"},
		{"", "v1|n|vetrina|q2"}, {"", "v1|q|vetrina|q3|0"}, {"", "v1|n|vetrina|q3"}, {"/review", ""},
		{"/progress", ""}, {"/settings", ""}, {"", "v1|o|rem"}, {"/export", ""}, {"/delete", ""},
		{"free text", ""}, {"/nope", ""},
		{"/chiaro", ""}, {"Si comunica che la biblioteca resterà chiusa.", ""}, {"", flows.PlainData()},
		{"/clear Domani mercato in piazza dalle 8:00, vi aspettiamo!", ""},
	}
	for _, in := range inputs {
		for _, r := range c.send(in.text, in.data) {
			if len(r.Buttons) == 0 {
				t.Errorf("%q %q: a message without buttons:\n%s", in.text, in.data, r.Text)
			}
			for _, row := range r.Buttons {
				for _, b := range row {
					if len(b.Data) > 64 {
						t.Errorf("button %q: data %q is %d bytes", b.Label, b.Data, len(b.Data))
					}
				}
			}
		}
	}
}

// TestActivityOncePerDay checks that the days a learner was active are
// recorded, although only the first update of a day writes one (the state
// remembers the day), and that paging through a lesson keeps the place.
func TestActivityOncePerDay(t *testing.T) {
	c := newChat(t)
	ctx := context.Background()
	id := c.learner().ID
	c.says(c.send("", flows.OpenLessonData("vetrina", "")), "1/3")
	c.says(c.send("", "v1|s|vetrina|photo"), "2/3")
	c.clk.Advance(24 * time.Hour)
	c.says(c.send("/continue", ""), "2/3")
	c.says(c.send("", "v1|s|vetrina|words"), "3/3")
	c.says(c.send("", "v1|s|vetrina|photo"), "2/3")
	c.clk.Advance(48 * time.Hour)
	c.says(c.send("/continue", ""), "2/3")
	days, err := c.db.ActivityDays(ctx, id, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 3 {
		t.Errorf("active days = %v, want 3", days)
	}
	p, ok, err := c.db.Position(ctx, id, "vetrina")
	if err != nil || !ok || p.StepID != "photo" {
		t.Errorf("position = %+v, %v, %v; want step photo", p, ok, err)
	}
}

// TestUnblockedWhenWritingAgain checks that a learner who had blocked the
// bot and writes again is no longer marked blocked.
func TestUnblockedWhenWritingAgain(t *testing.T) {
	c := newChat(t)
	ctx := context.Background()
	if err := c.db.MarkBlocked(ctx, "test", "u1"); err != nil {
		t.Fatal(err)
	}
	if l, _ := c.db.Learner(ctx, c.learner().ID); l.BlockedAt == nil {
		t.Fatal("learner not marked blocked")
	}
	c.send("/menu", "")
	if l, _ := c.db.Learner(ctx, c.learner().ID); l.BlockedAt != nil {
		t.Errorf("learner still blocked after writing: %v", l.BlockedAt)
	}
}

// TestContentFallbackSaidOnce: a learner whose language the lessons are not
// written in reads them in English, and is told so once.
func TestContentFallbackSaidOnce(t *testing.T) {
	c := newChat(t)
	l := c.learner()
	l.Locale = "es"
	if err := c.db.UpdateLearner(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	first := c.send("", flows.OpenLessonData("vetrina", "why"))
	c.says(first, "inglés", "first thing customers see")
	again := c.send("", flows.OpenLessonData("ultima", "fast"))
	c.says(again, "Answer within a day")
	if strings.Contains(again[0].Text, "inglés") {
		t.Errorf("the fallback was announced twice:\n%s", again[0].Text)
	}
}

// TestAttachedVideoIsOffered: a video an admin sent from the chat is offered
// at the start of a lesson written without one, and replaces a lesson's own
// video, from the platform's file id.
func TestAttachedVideoIsOffered(t *testing.T) {
	c := newChat(t)
	ctx := context.Background()
	first := c.send("", flows.OpenLessonData("ultima", "fast"))
	if strings.Contains(fmt.Sprint(first[0].Buttons), "Guarda il video") {
		t.Fatalf("a video button without a video: %v", first[0].Buttons)
	}
	if err := c.db.SaveLessonVideo(ctx, "ultima", "test", "file-ultima", "video", "admin"); err != nil {
		t.Fatal(err)
	}
	if err := c.db.SaveLessonVideo(ctx, "vetrina", "test", "file-vetrina", "video", "admin"); err != nil {
		t.Fatal(err)
	}
	step := c.send("", flows.OpenLessonData("ultima", "fast"))
	var watch string
	for _, row := range step[0].Buttons {
		for _, b := range row {
			if strings.Contains(b.Label, "Guarda il video") {
				watch = b.Data
			}
		}
	}
	if watch == "" {
		t.Fatalf("no video button on the first step: %v", step[0].Buttons)
	}
	got := c.send("", watch)
	if m := got[0].Media; m == nil || m.ID != "file-ultima" || m.Kind != "video" {
		t.Fatalf("watch sent %+v, want the attached video", got[0].Media)
	}
	got = c.send("", flows.WatchVideoData("vetrina", "photo", -1))
	if m := got[0].Media; m == nil || m.ID != "file-vetrina" || m.Start != 2*time.Minute+15*time.Second {
		t.Fatalf("watch from a chapter sent %+v, want the attached video from 2:15", got[0].Media)
	}
}

// TestGroupLearnersGetBulkMessagesOnlyInPrivate: learners first seen in a
// group are not given the group as their chat, so a broadcast or a reminder
// never reaches a group (once per member who wrote there); once a learner
// opens a private chat, bulk messages go there.
func TestGroupLearnersGetBulkMessagesOnlyInPrivate(t *testing.T) {
	c := newChat(t)
	ctx := context.Background()
	handle := func(id string, chat, user string, group bool) {
		t.Helper()
		u := bot.Update{Platform: "test", ID: id, ChatID: chat, UserID: user, Name: user, Lang: "it", Text: "/help", Group: group}
		err := c.db.InTx(ctx, func(tx *store.Tx) error {
			_, err := c.b.Handle(ctx, tx, u)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	chatOf := func(user string) string {
		t.Helper()
		l, _, err := c.db.EnsureLearner(ctx, "test", user, "", "", "it")
		if err != nil {
			t.Fatal(err)
		}
		return l.ChatID
	}
	audience := func() []string {
		t.Helper()
		b, err := c.db.CreateBroadcast(ctx, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "hi"}, bottega.Audience{Platform: "test"})
		if err != nil {
			t.Fatal(err)
		}
		ds, err := c.db.ClaimDeliveries(ctx, "test", fmt.Sprint("probe", b.ID), 100, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		var chats []string
		for _, d := range ds {
			if d.BroadcastID != nil && *d.BroadcastID == b.ID {
				chats = append(chats, d.ChatID)
			}
		}
		return chats
	}

	// reminded lists the learners a reminder would go to, among those
	// who asked for one and have a lesson in progress.
	reminded := func() []string {
		t.Helper()
		cs, err := c.db.ReminderCandidates(ctx, "test", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var who []string
		for _, cand := range cs {
			l, err := c.db.Learner(ctx, cand.LearnerID)
			if err != nil {
				t.Fatal(err)
			}
			who = append(who, l.ExternalID)
		}
		return who
	}

	handle("101", "-100", "g1", true)
	handle("102", "-100", "g2", true)
	if got := chatOf("g1") + chatOf("g2"); got != "" {
		t.Errorf("learners seen in a group have chats %q, want none", got)
	}
	if got := audience(); fmt.Sprint(got) != "[u1]" {
		t.Errorf("broadcast goes to %q, want only the private chat u1", got)
	}
	for _, user := range []string{"g1", "g2"} {
		l, _, err := c.db.EnsureLearner(ctx, "test", user, "", "", "it")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		l.Reminder, l.ConsentAt = "09:00", &now // reminders need consent
		if err := c.db.UpdateLearner(ctx, l); err != nil {
			t.Fatal(err)
		}
		p := bottega.LessonProgress{LearnerID: l.ID, LessonID: "l1", StepID: "s1", StepIDs: []string{"s1", "s2"}, UpdatedAt: time.Now()}
		if err := c.db.SavePosition(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if got := reminded(); len(got) != 0 {
		t.Errorf("reminders would go to %q, known only from a group", got)
	}

	// g1 opens a private chat, then writes in the group again.
	handle("103", "g1", "g1", false)
	handle("104", "-100", "g1", true)
	if got := chatOf("g1"); got != "g1" {
		t.Errorf("chat after a private message = %q, want g1", got)
	}
	if got := audience(); fmt.Sprint(got) != "[u1 g1]" {
		t.Errorf("broadcast goes to %q, want [u1 g1]", got)
	}
	if got := reminded(); fmt.Sprint(got) != "[g1]" {
		t.Errorf("reminders would go to %q, want [g1]", got)
	}
}

// TestAutomatedAndMedia checks that the onboarding says the bot is
// automated and how to reach a person, and that a voice note or a photo
// gets a clear answer and changes nothing.
func TestAutomatedAndMedia(t *testing.T) {
	c := newChat(t, func(o *flows.Options) { o.Contact = "aiuto@bottega.example" })
	handle := func(u bot.Update) []bot.Reply {
		t.Helper()
		u.Platform, u.ChatID, u.UserID, u.Lang = "test", "u9", "u9", "it"
		var replies []bot.Reply
		if err := c.db.InTx(context.Background(), func(tx *store.Tx) error {
			var err error
			replies, err = c.b.Handle(context.Background(), tx, u)
			return err
		}); err != nil || len(replies) == 0 {
			t.Fatalf("%+v: %v, %d replies", u, err, len(replies))
		}
		return replies
	}
	first := handle(bot.Update{Text: "/start"})
	c.says(first, "assistente automatico", "aiuto@bottega.example", "(1/5)")
	for _, kind := range []string{"audio", "image", "document"} {
		r := handle(bot.Update{Unsupported: kind})
		c.says(r, "messaggi vocali", "(1/5)")
		// The question shown again comes without the greeting, which
		// /start repeats.
		if strings.Contains(r[0].Text, "assistente automatico") {
			t.Errorf("the greeting is repeated with the question:\n%s", r[0].Text)
		}
	}
	c.says(handle(bot.Update{Text: "/start"}), "Ciao", "assistente automatico", "(1/5)")
	// Without a contact, the onboarding still says it is automated.
	c2 := newChat(t)
	c.b = c2.b
	c.db = c2.db
	r := handle(bot.Update{Text: "/start"})
	c.says(r, "assistente automatico")
	if strings.Contains(r[0].Text, "parlare con una persona") {
		t.Errorf("a contact is offered though none is configured:\n%s", r[0].Text)
	}
}

// TestReminderButtonsOpenNewMessages presses the buttons of a reminder (go
// on with the lesson, review): each answers in a new message, so the
// reminder stays as the learner read it.
func TestReminderButtonsOpenNewMessages(t *testing.T) {
	ctx := context.Background()
	c := newChat(t)
	l := c.learner()
	c.send("", flows.OpenLessonData("vetrina", "photo"))
	err := c.db.SaveReviewItem(ctx, bottega.ReviewItem{LearnerID: l.ID, LessonID: "vetrina", QuestionID: "q1", Box: 1,
		DueAt: c.clk.Now().Add(-time.Hour), UpdatedAt: c.clk.Now()})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(bottega.ReminderPayload{Lesson: "vetrina", Reviews: 1})
	if err != nil {
		t.Fatal(err)
	}
	r, err := broadcast.Messages{Texts: texts(t), Library: c.lib}.Render(ctx, bottega.Delivery{
		Kind: bottega.DeliveryReminder, LearnerID: l.ID, Payload: payload, Locale: "it", Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Buttons) != 1 || len(r.Buttons[0]) != 2 {
		t.Fatalf("reminder buttons: %+v", r.Buttons)
	}
	for i, want := range []string{"2/3", "Ripasso · 1 di 1"} {
		got := c.send("", r.Buttons[0][i].Data)
		c.says(got, want)
		if got[0].Edit {
			t.Errorf("%q (%s) edits the reminder away", r.Buttons[0][i].Label, r.Buttons[0][i].Data)
		}
	}
}

// TestNoConsentKeepsOnlyTheSession takes a learner without consent through
// a lesson and its quiz: nothing of it reaches the tables kept with consent
// (their work, progress, answers, review schedule, active days), only the
// conversation state. Giving consent then saves what the session held.
func TestNoConsentKeepsOnlyTheSession(t *testing.T) {
	ctx := context.Background()
	c := newChat(t)
	l := c.learner()
	l.ConsentAt = nil
	if err := c.db.UpdateLearner(ctx, l); err != nil {
		t.Fatal(err)
	}
	stored := func() map[string]string {
		t.Helper()
		data, err := c.db.LearnerData(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for k, v := range data {
			out[k] = string(v)
		}
		return out
	}
	c.says(c.send("", "v1|o|role"), "Di cosa ti occupi")
	c.send("", "v1|c|role|artisan")
	c.says(c.readShowcase(), "Vuoi che salvi i tuoi progressi")
	c.says(c.send("", "v1|z|no"), "non salvo niente", "Hai finito")
	c.send("", "v1|b|vetrina|all")
	c.send("", "v1|q|vetrina|q1|0") // wrong
	c.send("", "v1|n|vetrina|q1")
	c.send("", "v1|q|vetrina|q2|0")
	c.send("", "v1|n|vetrina|q2")
	c.send("", "v1|q|vetrina|q3|0")
	c.says(c.send("", "v1|n|vetrina|q3"), "2 su 3") // not asked again
	c.says(c.send("/progress", ""), "1 di 2 lezioni", "(2 su 3)")
	got := stored()
	for _, table := range []string{"lesson_progress", "quiz_answers", "review_items", "activity_days"} {
		if got[table] != "[]" {
			t.Errorf("%s without consent: %s", table, got[table])
		}
	}
	for _, kept := range []string{`"role":""`, `"level":""`, `"reminder":""`, `"consent_at":null`} {
		if !strings.Contains(got["learners"], kept) {
			t.Errorf("learners without consent lacks %s: %s", kept, got["learners"])
		}
	}
	if !strings.Contains(got["conversation_state"], `"artisan"`) {
		t.Errorf("the session lost the learner's work: %s", got["conversation_state"])
	}

	c.send("", "v1|o|ok")
	c.says(c.send("", "v1|c|ok|yes"), "salvati con il tuo consenso")
	got = stored()
	for table, want := range map[string]string{
		"lesson_progress": `"quiz_right":2`, "quiz_answers": `"question_id":"q1"`,
		"review_items": `"question_id":"q1"`, "activity_days": `"day"`, "learners": `"role":"artisan"`,
	} {
		if !strings.Contains(got[table], want) {
			t.Errorf("%s with consent lacks %s: %s", table, want, got[table])
		}
	}
	if strings.Contains(got["conversation_state"], `"session"`) {
		t.Errorf("the session stays in the state after consent: %s", got["conversation_state"])
	}
	c.says(c.send("/progress", ""), "1 di 2 lezioni", "(2 su 3)")

	// Withdrawn: what was kept with consent goes at once.
	c.says(c.send("", "v1|c|ok|no"), "Consenso ritirato")
	got = stored()
	for _, table := range []string{"lesson_progress", "quiz_answers", "review_items", "activity_days"} {
		if got[table] != "[]" {
			t.Errorf("%s after consent was withdrawn: %s", table, got[table])
		}
	}
}

// TestOldReminderButtonsOpenNewMessages presses the buttons of a reminder
// sent before its buttons were marked to open in a new message ("v1|r",
// "v1|s|<lesson>", still in learners' chats): they answer in a new message
// too, so the reminder stays. The same data on the flows' own screens (the
// menu's review button) still moves that screen on.
func TestOldReminderButtonsOpenNewMessages(t *testing.T) {
	ctx := context.Background()
	c := newChat(t)
	l := c.learner()
	c.send("", flows.OpenLessonData("vetrina", "photo"))
	err := c.db.SaveReviewItem(ctx, bottega.ReviewItem{LearnerID: l.ID, LessonID: "vetrina", QuestionID: "q1", Box: 1,
		DueAt: c.clk.Now().Add(-time.Hour), UpdatedAt: c.clk.Now()})
	if err != nil {
		t.Fatal(err)
	}
	// The reminder as the delivery worker sent it: queued, claimed, sent,
	// with the platform's id of its message.
	if _, err := c.db.AddReminder(ctx, l.ID, "2026-03-02", []byte(`{"lesson":"vetrina","reviews":1}`), time.Now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	ds, err := c.db.ClaimDeliveries(ctx, "test", "w", 1, time.Minute)
	if err != nil || len(ds) != 1 {
		t.Fatalf("claim = %+v, %v", ds, err)
	}
	if ok, err := c.db.StartDelivery(ctx, ds[0].ID, "w"); err != nil || !ok {
		t.Fatalf("start delivery: %v %v", ok, err)
	}
	if err := c.db.FinishDelivery(ctx, ds[0].ID, bottega.DeliveryResult{Status: bottega.DeliverySent, MessageID: "reminder-1"}); err != nil {
		t.Fatal(err)
	}
	press := func(messageID, data string) []bot.Reply {
		t.Helper()
		c.id++
		u := bot.Update{Platform: "test", ID: strconv.FormatInt(c.id, 10), ChatID: "u1", UserID: "u1", Name: "Ada", Lang: "it",
			Data: data, MessageID: messageID}
		var replies []bot.Reply
		err := c.db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			replies, err = c.b.Handle(ctx, tx, u)
			return err
		})
		if err != nil || len(replies) == 0 {
			t.Fatalf("press %s on %s: %v, %d replies", data, messageID, err, len(replies))
		}
		return replies
	}
	for _, tt := range []struct{ data, want string }{
		{"v1|r", "Ripasso · 1 di 1"},
		{"v1|s|vetrina", "2/3"},
	} {
		got := press("reminder-1", tt.data)
		c.says(got, tt.want)
		if got[0].Edit {
			t.Errorf("%s under a reminder edits the reminder away:\n%s", tt.data, got[0].Text)
		}
	}
	// On the menu, the flows' own review button moves the menu on.
	press("menu-1", flows.MenuData())
	got := press("menu-1", "v1|r")
	c.says(got, "Ripasso")
	if !got[0].Edit {
		t.Errorf("the menu's review button opens a new message instead of moving the menu on:\n%s", got[0].Text)
	}
}

// TestTypedReminderTime: at the reminder question a learner may type any
// time of day, in onboarding and in the settings; it is kept as typed.
func TestTypedReminderTime(t *testing.T) {
	c := newChat(t)
	c.send("", "v1|o|rem")
	c.says(c.send("alle 15:30", ""), "Salvato")
	if got := c.learner().Reminder; got != "15:30" {
		t.Errorf("settings: reminder %q, want 15:30", got)
	}
	// In the quiet hours it would never go out: said, and not kept.
	c.send("", "v1|o|rem")
	c.says(c.send("alle 23:30", ""), "Alle 23:30 non scrivo", "dalle 08:00 alle 20:59")
	if got := c.learner().Reminder; got != "15:30" {
		t.Errorf("settings: a quiet-hours time changed the reminder to %q", got)
	}
	// Anywhere, a message that names the reminder and a time sets it, as
	// /promemoria does; a question about reminders is a question.
	c.send("/menu", "")
	c.says(c.send("il promemoria mettilo la mattina alle 9", ""), "09:00")
	if got := c.learner().Reminder; got != "09:00" {
		t.Errorf("in words: reminder %q, want 09:00", got)
	}
	c.says(c.send("il promemoria mettilo alle 8 meno un quarto", ""), "Alle 07:45 non scrivo")
	c.send("posso mandare un promemoria ai clienti alle 10?", "")
	if got := c.learner().Reminder; got != "09:00" {
		t.Errorf("a question about reminders changed the reminder to %q", got)
	}

	// A learner who is new: the onboarding's question.
	send := func(text, data string) bot.Reply { return c.sendAs("u9", "Bea", text, data)[0] }
	send("/start", "")
	send("", "v1|c|lang|it")
	send("", "v1|c|role|shopkeeper")
	if r := send("", "v1|c|level|base"); !strings.Contains(r.Text, "15:30") {
		t.Errorf("the reminder question does not say that any time may be typed:\n%s", r.Text)
	}
	if r := send("alle 3 di notte", ""); !strings.Contains(r.Text, "Alle 03:00 non scrivo") || strings.Contains(r.Text, "posso salvare") {
		t.Errorf("a quiet-hours time was taken at the onboarding:\n%s", r.Text)
	}
	if r := send("il pomeriggio verso le 3 quando chiudo", ""); !strings.Contains(r.Text, "15:00") || !strings.Contains(r.Text, "posso salvare") {
		t.Errorf("a typed time was not taken, or the consent question not asked next:\n%s", r.Text)
	}
	send("", "v1|c|ok|yes")
	l, _, err := c.db.EnsureLearner(context.Background(), "test", "u9", "u9", "Bea", "it")
	if err != nil {
		t.Fatal(err)
	}
	if l.Reminder != "15:00" {
		t.Errorf("onboarding: reminder %q, want 15:00", l.Reminder)
	}
}

// TestAskedToWriteInAnotherLanguage: "mi scrivi in inglese?" switches the
// interface as /lang en does, and the screen comes back in English.
func TestAskedToWriteInAnotherLanguage(t *testing.T) {
	c := newChat(t)
	c.send("/menu", "")
	c.says(c.send("mi scrivi in inglese x favore?", ""), "Language: English ✓")
	if got := c.learner().Locale; got != "en" {
		t.Errorf("locale %q, want en", got)
	}
	c.says(c.send("can you answer in Italian?", ""), "Lingua: Italiano ✓")
	if got := c.learner().Locale; got != "it" {
		t.Errorf("locale %q, want it", got)
	}
}

// TestLangCommandNamesOrCodes: /lang takes a language's code or its name
// in any of the six languages; an unknown one is said so, over the picker,
// and changes nothing.
func TestLangCommandNamesOrCodes(t *testing.T) {
	c := newChat(t)
	c.send("/menu", "")
	c.says(c.send("/lang klingon", ""), "Non conosco la lingua «klingon»", "In che lingua")
	if got := c.learner().Locale; got != "it" {
		t.Errorf("an unknown language changed the locale to %q", got)
	}
	c.says(c.send("/lang English", ""), "Language: English")
	c.send("/menu", "")
	c.says(c.send("/lang po polsku", ""), "Język: Polski ✓")
	c.says(c.send("/lang it", ""), "Lingua: Italiano ✓")
}

// TestTypedYesAtAConfirmation: "sì" typed at "erase everything?" gets the
// hint to press a button, not a thumbs-up that reads as done; nothing is
// erased.
func TestTypedYesAtAConfirmation(t *testing.T) {
	c := newChat(t)
	c.send("/menu", "")
	c.send("/delete", "")
	c.says(c.send("sì", ""), "Qui rispondi toccando un pulsante")
	if c.learner().ID == 0 {
		t.Error("the learner is gone")
	}
}

// TestPastedStartLink: a bot link with a start parameter pasted as text
// opens what it links to, as the link itself would.
func TestPastedStartLink(t *testing.T) {
	c := newChat(t)
	c.send("/menu", "")
	c.says(c.send("https://t.me/BottegaBot?start=l_vetrina", ""), "La vetrina online è la prima cosa")
}

// TestFinishedLessonOpensAtItsStart: a lesson read to the end and quizzed,
// opened again from a list, starts again from its first step; one whose
// quiz is still to take opens at its end, with the quiz.
func TestFinishedLessonOpensAtItsStart(t *testing.T) {
	c := newChat(t)
	c.says(c.readShowcase(), "quiz")
	c.says(c.send("", "v1|s|vetrina"), "quiz") // quiz not taken yet: the end again
	c.send("", "v1|b|vetrina|all")
	for _, q := range []string{"q1", "q2", "q3"} {
		c.send("", "v1|q|vetrina|"+q+"|0")
		c.send("", "v1|n|vetrina|"+q)
	}
	c.says(c.send("", "v1|s|vetrina"), "La vetrina online è la prima cosa", "1/3")
}

// TestContinueResumesTheNextLessonWhereLeft: a learner at step 2 of the
// second lesson goes back to take the first one's quiz again; /continue
// then takes them to step 2 of the second lesson, not its start.
func TestContinueResumesTheNextLessonWhereLeft(t *testing.T) {
	c := newChat(t)
	c.readShowcase()
	c.send("", "v1|b|vetrina|all")
	for _, q := range []string{"q1", "q2", "q3"} {
		c.send("", "v1|q|vetrina|"+q+"|1")
		c.send("", "v1|n|vetrina|"+q)
	}
	c.clk.Advance(time.Minute)
	c.says(c.send("", "v1|s|ultima|kind"), "Ringrazia sempre")
	// The first lesson's quiz again: the latest progress is the first
	// lesson's, finished.
	c.clk.Advance(time.Minute)
	c.send("", "v1|b|vetrina|all")
	for _, q := range []string{"q1", "q2", "q3"} {
		c.send("", "v1|q|vetrina|"+q+"|0")
		c.send("", "v1|n|vetrina|"+q)
	}
	c.says(c.send("/continue", ""), "Ringrazia sempre")
}

// TestLessonOpenedMidwayIsNotFinished: a lesson opened at its last step (an
// answer's button) and paged to its end is not finished: the end says which
// step to go back to, /progress counts it as left midway, and reading it
// from that step finishes it.
func TestLessonOpenedMidwayIsNotFinished(t *testing.T) {
	c := newChat(t)
	c.says(c.send("", flows.OpenLessonData("vetrina", "words")), "3/3")
	end := c.send("", "v1|s|vetrina|.")
	c.says(end, "Ti mancano dei passi", "dal passo 1")
	if d := end[0].Buttons[0][0]; d.Data != "v1|s|vetrina|why" || !strings.Contains(d.Label, "Dal passo 1") {
		t.Errorf("first button %+v, want the way back to step 1", d)
	}
	c.says(c.send("/progress", ""), "0 di 2 lezioni", "«La vetrina online», passo 1 di 3")
	c.says(c.send("", "v1|s|vetrina|why"), "1/3")
	c.send("", "v1|s|vetrina|photo")
	c.send("", "v1|s|vetrina|words")
	c.says(c.send("", "v1|s|vetrina|."), "Hai finito «La vetrina online»")
	c.says(c.send("/progress", ""), "1 di 2 lezioni")
}

// countingTx counts the reads of the learner's progress list during an
// update.
type countingTx struct {
	*store.Tx
	lists int
}

func (c *countingTx) Progress(ctx context.Context, learnerID int64) ([]bottega.LessonProgress, error) {
	c.lists++
	return c.Tx.Progress(ctx, learnerID)
}

// TestProgressListReadOncePerScreen: /progress, the menu and /continue need
// the progress list in several parts (lessons finished, lessons left
// midway, where to resume); it is read once per update.
func TestProgressListReadOncePerScreen(t *testing.T) {
	c := newChat(t)
	c.readShowcase()
	c.send("", flows.OpenLessonData("allerta", "what"))
	for _, cmd := range []string{"/progress", "/menu", "/continue"} {
		c.id++
		u := bot.Update{Platform: "test", ID: strconv.FormatInt(c.id, 10), ChatID: "u1", UserID: "u1", Name: "Ada", Lang: "it", Text: cmd, MessageID: "m"}
		var lists int
		var replies []bot.Reply
		err := c.db.InTx(context.Background(), func(tx *store.Tx) error {
			ct := &countingTx{Tx: tx}
			var err error
			replies, err = c.b.Handle(context.Background(), ct, u)
			lists = ct.lists
			return err
		})
		if err != nil || len(replies) == 0 {
			t.Fatalf("%s: %v, %d replies", cmd, err, len(replies))
		}
		if lists != 1 {
			t.Errorf("%s: the progress list was read %d times, want once:\n%s", cmd, lists, replies[0].Text)
		}
	}
}

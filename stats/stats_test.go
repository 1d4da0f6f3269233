package stats_test

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/stats"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var bg = context.Background()

func TestReport(t *testing.T) {
	db := pgtest.New(t)
	cur, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 5, 20, 10, 0, 0, 0, time.UTC)
	roles := []string{bottega.RoleShopkeeper, bottega.RoleShopkeeper, bottega.RoleMunicipal, ""}
	var ls []bottega.Learner
	for i, r := range roles {
		id := strconv.Itoa(100 + i)
		ls = append(ls, bottega.Learner{Platform: "telegram", ExternalID: id, ChatID: id, Role: r, Locale: []string{"it", "en", "it", "de"}[i]})
	}
	if err := db.CreateLearners(bg, ls); err != nil {
		t.Fatal(err)
	}
	for i := range ls { // with consent: without it, no progress is kept
		ls[i].ConsentAt = &now
		if err := db.UpdateLearner(bg, ls[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i, d := range []string{"2025-05-19", "2025-05-01", "2025-03-01"} {
		if err := db.TouchActivity(bg, ls[i].ID, d); err != nil {
			t.Fatal(err)
		}
	}
	// Three started "reviews", two finished it, one passed its quiz.
	for i := range 3 {
		p := bottega.LessonProgress{LearnerID: ls[i].ID, LessonID: "reviews", StepIDs: []string{"a", "b"}, StepIndex: min(i+1, 2), Reached: min(i+1, 2), UpdatedAt: now}
		if err := db.SavePosition(bg, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveQuizResult(bg, ls[1].ID, "reviews", 4, 5, now); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveQuizResult(bg, ls[2].ID, "reviews", 2, 5, now); err != nil {
		t.Fatal(err)
	}
	// q2 of reviews is missed 4 times out of 5.
	for i := range 5 {
		a := bottega.Answer{LearnerID: ls[i%3].ID, LessonID: "reviews", QuestionID: "q2", Choice: 0, Correct: i == 0, Source: bottega.SourceQuiz, At: now}
		if err := db.RecordAnswer(bg, a); err != nil {
			t.Fatal(err)
		}
	}
	qid, err := db.SaveQuestion(bg, bottega.Question{LearnerID: ls[0].ID, Locale: "it", Text: "Come si fa un reel?", AskedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishQuestion(bg, qid, "uncovered", true, nil, now); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordUsage(bg, store.AskUsage{QuestionID: qid, LearnerID: ls[0].ID, Model: "gpt-4o-mini", Outcome: "ok", TokensIn: 1200, TokensOut: 300, CostUSD: 0.0021, At: now}); err != nil {
		t.Fatal(err)
	}
	// An answer from the lessons alone: a row of usage, no model call.
	if err := db.RecordUsage(bg, store.AskUsage{QuestionID: qid, LearnerID: ls[0].ID, Outcome: "offline", At: now}); err != nil {
		t.Fatal(err)
	}

	r, err := stats.Build(bg, db, cur, now)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"learners", r.Learners.Total, 4},
		{"active 7 days", r.Learners.Active7, 1},
		{"active 30 days", r.Learners.Active30, 2},
		{"top role", r.Learners.ByRole[0], store.Count{Key: bottega.RoleShopkeeper, N: 2}},
		{"top language", r.Learners.ByLang[0], store.Count{Key: "it", N: 2}},
		{"hardest", r.Hardest[0].QuestionID + " " + strconv.Itoa(r.Hardest[0].Wrong), "q2 4"},
		{"unanswered", r.Unanswered, 1},
		{"usage rows", len(r.Usage), 2},
	}
	if calls, tokens, _ := r.Cost(); calls != 1 || tokens != 1500 {
		t.Errorf("cost: %d model calls and %d tokens, want 1 and 1500 (an answer from the lessons is no call)", calls, tokens)
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	var reviews stats.Lesson
	for _, f := range r.Funnel {
		if f.LessonID == "reviews" {
			reviews = f
		}
	}
	if reviews.Started != 3 || reviews.Finished != 2 || reviews.Passed != 1 {
		t.Errorf("funnel of reviews: %+v", reviews.LessonFunnel)
	}
	if len(r.Funnel) != len(cur.Lessons()) {
		t.Errorf("the funnel has %d lessons, want all %d", len(r.Funnel), len(cur.Lessons()))
	}

	var table bytes.Buffer
	if err := r.Table(&table); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"reviews", "Come si fa un reel?", "gpt-4o-mini", "0.0021", "offline"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, table.String())
		}
	}
	if !regexp.MustCompile(`total \(model\)\s+1\s+1200\s+300\s+0\.0021\n`).MatchString(table.String()) {
		t.Errorf("the total counts the model's calls, tokens in and out in their columns:\n%s", table.String())
	}
	texts, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range locales.Supported {
		replies, err := stats.Replies(texts, lang, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(replies) != 2 || replies[1].File == nil || !bytes.HasPrefix(replies[1].File.Data, []byte("\x89PNG")) {
			t.Fatalf("%s: want a summary and a PNG chart", lang)
		}
		if s := replies[0].Text; !strings.Contains(s, "4") || strings.Contains(s, "admin_") {
			t.Errorf("%s summary: %q", lang, s)
		}
	}
}

func TestNoChartWithoutLessons(t *testing.T) {
	texts, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	replies, err := stats.Replies(texts, "it", stats.Report{})
	if err != nil || len(replies) != 1 {
		t.Fatalf("%d replies (%v), want the summary alone", len(replies), err)
	}
}

package store_test

import (
	"context"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

func seedActivity(t testing.TB, db *store.DB, n, answersEach int, today time.Time) {
	t.Helper()
	if err := store.SeedActivity(context.Background(), db, n, answersEach, today); err != nil {
		t.Fatal(err)
	}
}

func TestOverviewCountsWhatHappened(t *testing.T) {
	db := pgtest.New(t)
	today := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	seedActivity(t, db, 12, 20, today)
	o, err := (&store.Statistics{DB: db}).Overview(context.Background(), today)
	if err != nil {
		t.Fatal(err)
	}
	// Activity: learner id % 200 days ago; ids are 1..12.
	var a7, a30 int
	for id := 1; id <= 12; id++ {
		if id%200 < 7 {
			a7++
		}
		if id%200 < 30 {
			a30++
		}
	}
	finished := 0
	for id := 1; id <= 12; id++ {
		for k := 1; k <= 3; k++ {
			if (id+k)%2 == 0 {
				finished++
			}
		}
	}
	if o.Learners != 12 || o.Active7 != a7 || o.Active30 != a30 || o.LessonsFinished != finished {
		t.Errorf("learners %d, active %d/%d, finished %d; want 12, %d/%d, %d", o.Learners, o.Active7, o.Active30, o.LessonsFinished, a7, a30, finished)
	}
	// Answer k of learner id: (k*37 + id) % 365 days ago; wrong when k % 3 == 0.
	var answers, correct int
	for id := 1; id <= 12; id++ {
		for k := 1; k <= 20; k++ {
			if (k*37+id)%365 < bottega.RecentDays {
				answers++
				if k%3 != 0 {
					correct++
				}
			}
		}
	}
	if answers == 0 || o.Answers != answers || o.Correct != correct {
		t.Errorf("answers %d, correct %d; want %d, %d", o.Answers, o.Correct, answers, correct)
	}
	if o.QuestionsAsked() != 12 || o.Questions["uncovered"] != 3 || o.Helpful+o.Unhelpful != 6 {
		t.Errorf("questions %v, feedback %d/%d", o.Questions, o.Helpful, o.Unhelpful)
	}
	if len(o.Funnel) != 3 || o.Funnel[0].Started != 12 {
		t.Errorf("funnel %+v", o.Funnel)
	}
	uncovered, err := (&store.Statistics{DB: db}).FindQuestions(context.Background(), bottega.QuestionFilter{Kind: bottega.QuestionsUncovered})
	if err != nil || len(uncovered) != 3 {
		t.Errorf("uncovered = %d, %v", len(uncovered), err)
	}
	unhelpful, err := (&store.Statistics{DB: db}).FindQuestions(context.Background(), bottega.QuestionFilter{Kind: bottega.QuestionsUnhelpful})
	if err != nil || len(unhelpful) != o.Unhelpful {
		t.Errorf("unhelpful = %d, %v; want %d", len(unhelpful), err, o.Unhelpful)
	}
}

// TestOverviewQueriesUseIndexes EXPLAINs the overview's queries on enough
// rows for the planner to choose as it would in production, and fails on
// a sequential scan of a table that grows with the learners' activity
// (answers, activity days, questions, feedback, deliveries): those are
// read through an index, only the window shown. Counting all the
// learners, and the funnel of all the lessons they opened, read every row
// of learners and lesson_progress by definition (one per learner, and per
// learner and lesson); Postgres chooses how.
func TestOverviewQueriesUseIndexes(t *testing.T) {
	db := pgtest.New(t)
	today := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	seedActivity(t, db, 3000, 40, today)
	seq := regexp.MustCompile(`Seq Scan on (quiz_answers|activity_days|ask_questions|ask_feedback|ask_turns|deliveries)\b`)
	names := []string{}
	qs := store.OverviewQueries(today)
	for name := range qs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		plan, err := db.Explain(context.Background(), qs[name].SQL, qs[name].Args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m := seq.FindStringSubmatch(plan); m != nil {
			t.Errorf("%s reads all of %s:\n%s", name, m[1], plan)
		}
	}
}

package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// newLearner is a learner who gave consent: without it, no progress is
// stored (TestNoConsentStoresNoProgress).
func newLearner(t *testing.T, db *store.DB) bottega.Learner {
	t.Helper()
	return consenting(t, db, "7", "Ada")
}

func consenting(t *testing.T, db *store.DB, id, name string) bottega.Learner {
	t.Helper()
	l, _, err := db.EnsureLearner(context.Background(), "test", id, id, name, "it")
	if err != nil {
		t.Fatal(err)
	}
	l.ConsentAt = &t0
	if err := db.UpdateLearner(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	return l
}

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func TestPositionFinishesOnce(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	l := newLearner(t, db)
	ids := []string{"a", "b", "c"}
	steps := []struct {
		id             string
		index, reached int
		at             time.Duration
	}{
		{"a", 0, 0, 0}, {"b", 1, 1, time.Minute}, {"", 3, 3, 2 * time.Minute}, {"a", 0, 3, time.Hour},
	}
	for _, s := range steps {
		err := db.SavePosition(ctx, bottega.LessonProgress{LearnerID: l.ID, LessonID: "x", StepID: s.id, StepIndex: s.index, StepIDs: ids, Reached: s.reached, Version: 4, UpdatedAt: t0.Add(s.at)})
		if err != nil {
			t.Fatal(err)
		}
	}
	p, ok, err := db.Position(ctx, l.ID, "x")
	if err != nil || !ok {
		t.Fatalf("Position = %v, %v", ok, err)
	}
	if p.StepID != "a" || p.StepIndex != 0 || !slices.Equal(p.StepIDs, ids) || p.Reached != 3 || p.Version != 4 {
		t.Errorf("position = %+v", p)
	}
	if !p.StartedAt.Equal(t0) || p.FinishedAt == nil || !p.FinishedAt.Equal(t0.Add(2*time.Minute)) || !p.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("times = started %v finished %v updated %v", p.StartedAt, p.FinishedAt, p.UpdatedAt)
	}
	// The end reached from midway, the first steps not read: not finished.
	must(t, db.SavePosition(ctx, bottega.LessonProgress{LearnerID: l.ID, LessonID: "y", StepIndex: 3, StepIDs: ids, Reached: 0, UpdatedAt: t0}))
	if p, _, err := db.Position(ctx, l.ID, "y"); err != nil || p.FinishedAt != nil || p.StepIndex != 3 {
		t.Errorf("end reached from midway: %+v, %v; want not finished", p, err)
	}
	if _, ok, err := db.Position(ctx, l.ID, "other"); ok || err != nil {
		t.Errorf("unopened lesson: %v, %v", ok, err)
	}
	if err := db.SaveQuizResult(ctx, l.ID, "x", 3, 5, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	all, err := db.Progress(ctx, l.ID)
	if err != nil || len(all) != 2 || all[0].QuizRight != 3 || all[0].QuizTotal != 5 || all[0].StepID != "a" {
		t.Fatalf("Progress = %+v, %v", all, err)
	}
}

func TestMissedIsTheLatestAnswer(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	l := newLearner(t, db)
	answers := []struct {
		q       string
		correct bool
	}{
		{"q1", false}, {"q2", false}, {"q3", true}, {"q1", true}, {"q3", false},
	}
	for i, a := range answers {
		// The same instant for all: the insertion order decides.
		err := db.RecordAnswer(ctx, bottega.Answer{LearnerID: l.ID, LessonID: "x", QuestionID: a.q, Choice: i, Correct: a.correct, Source: bottega.SourceQuiz, At: t0})
		if err != nil {
			t.Fatal(err)
		}
	}
	missed, err := db.Missed(ctx, l.ID, "x")
	if err != nil || !slices.Equal(missed, []string{"q2", "q3"}) {
		t.Errorf("Missed = %v, %v; want [q2 q3]", missed, err)
	}
	total, correct, err := db.AnswerStats(ctx, l.ID)
	if err != nil || total != 5 || correct != 2 {
		t.Errorf("AnswerStats = %d, %d, %v; want 5, 2", total, correct, err)
	}
	for q, want := range map[string]int{"q1": 2, "q2": 1, "q3": 2, "q4": 0} {
		if n, err := db.AnswerCount(ctx, l.ID, "x", q); err != nil || n != want {
			t.Errorf("AnswerCount(%s) = %d, %v; want %d", q, n, err, want)
		}
	}
	if n, err := db.AnswerCount(ctx, l.ID, "y", "q1"); err != nil || n != 0 {
		t.Errorf("AnswerCount(y/q1) = %d, %v; want 0", n, err)
	}
	all, err := db.Answers(ctx, l.ID)
	if err != nil || len(all) != 5 || all[4].QuestionID != "q3" || all[4].Choice != 4 {
		t.Errorf("Answers = %+v, %v", all, err)
	}
	bad := bottega.Answer{LearnerID: l.ID, LessonID: "x", QuestionID: "q1", Source: "guess", At: t0}
	if err := db.RecordAnswer(ctx, bad); err == nil {
		t.Error("an answer with an unknown source was stored")
	}
}

func TestReviewSchedule(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	l := newLearner(t, db)
	for i, q := range []string{"q1", "q2", "q3"} {
		it := bottega.ReviewItem{LearnerID: l.ID, LessonID: "x", QuestionID: q, Box: 1, DueAt: t0.AddDate(0, 0, i), UpdatedAt: t0}
		if err := db.SaveReviewItem(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	moved := bottega.ReviewItem{LearnerID: l.ID, LessonID: "x", QuestionID: "q1", Box: 3, DueAt: t0.AddDate(0, 0, 7), UpdatedAt: t0}
	if err := db.SaveReviewItem(ctx, moved); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueReviews(ctx, l.ID, t0.AddDate(0, 0, 2))
	if err != nil || len(due) != 1 || due[0].QuestionID != "q2" {
		t.Fatalf("DueReviews = %+v, %v; want q2", due, err)
	}
	it, ok, err := db.ReviewItem(ctx, l.ID, "x", "q1")
	if err != nil || !ok || it.Box != 3 || !it.DueAt.Equal(moved.DueAt) {
		t.Fatalf("ReviewItem = %+v, %v, %v", it, ok, err)
	}
	if err := db.DeleteReviewItem(ctx, l.ID, "x", "q1"); err != nil {
		t.Fatal(err)
	}
	all, err := db.ReviewItems(ctx, l.ID)
	if err != nil || len(all) != 2 || all[0].QuestionID != "q2" {
		t.Fatalf("ReviewItems = %+v, %v", all, err)
	}
	bad := bottega.ReviewItem{LearnerID: l.ID, LessonID: "x", QuestionID: "q9", Box: 6, DueAt: t0, UpdatedAt: t0}
	if err := db.SaveReviewItem(ctx, bad); err == nil {
		t.Error("box 6 was stored")
	}
}

func TestActivityDays(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	l := newLearner(t, db)
	for _, d := range []string{"2026-03-01", "2026-03-03", "2026-03-02", "2026-03-03"} {
		if err := db.TouchActivity(ctx, l.ID, d); err != nil {
			t.Fatal(err)
		}
	}
	days, err := db.ActivityDays(ctx, l.ID, 2)
	if err != nil || !slices.Equal(days, []string{"2026-03-03", "2026-03-02"}) {
		t.Errorf("ActivityDays = %v, %v", days, err)
	}
}

// TestDeleteLearnerErasesEverything checks that every table of the flows
// goes with the learner.
func TestDeleteLearnerErasesEverything(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	l := newLearner(t, db)
	other := consenting(t, db, "8", "Bea")
	for _, id := range []int64{l.ID, other.ID} {
		must(t, db.SavePosition(ctx, bottega.LessonProgress{LearnerID: id, LessonID: "x", StepID: "a", StepIDs: []string{"a"}, UpdatedAt: t0}))
		must(t, db.RecordAnswer(ctx, bottega.Answer{LearnerID: id, LessonID: "x", QuestionID: "q1", Source: bottega.SourceQuiz, At: t0}))
		must(t, db.SaveReviewItem(ctx, bottega.ReviewItem{LearnerID: id, LessonID: "x", QuestionID: "q1", Box: 1, DueAt: t0, UpdatedAt: t0}))
		must(t, db.TouchActivity(ctx, id, "2026-03-02"))
		must(t, db.SaveState(ctx, id, []byte(`{}`)))
	}
	must(t, db.DeleteLearner(ctx, l.ID))
	for _, id := range []int64{l.ID, other.ID} {
		ps, err1 := db.Progress(ctx, id)
		as, err2 := db.Answers(ctx, id)
		rs, err3 := db.ReviewItems(ctx, id)
		ds, err4 := db.ActivityDays(ctx, id, 10)
		st, err5 := db.LoadState(ctx, id)
		for _, err := range []error{err1, err2, err3, err4, err5} {
			must(t, err)
		}
		n := len(ps) + len(as) + len(rs) + len(ds)
		if st != nil {
			n++
		}
		switch {
		case id == l.ID && n != 0:
			t.Errorf("deleted learner still has %d rows", n)
		case id == other.ID && n != 5:
			t.Errorf("the other learner has %d rows, want 5", n)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestNoConsentStoresNoProgress writes progress, answers, a review and an
// active day for a learner without consent: none is kept, and their work,
// level and reminder time are not either. With consent, all are.
func TestNoConsentStoresNoProgress(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	l, _, err := db.EnsureLearner(ctx, "test", "9", "9", "Ugo", "it")
	if err != nil {
		t.Fatal(err)
	}
	write := func() int {
		t.Helper()
		l.Role, l.Level, l.Reminder = "artisan", "base", "13:00"
		must(t, db.UpdateLearner(ctx, l))
		must(t, db.SavePosition(ctx, bottega.LessonProgress{LearnerID: l.ID, LessonID: "x", StepID: "a", StepIDs: []string{"a"}, UpdatedAt: t0}))
		must(t, db.SaveQuizResult(ctx, l.ID, "y", 1, 2, t0))
		must(t, db.RecordAnswer(ctx, bottega.Answer{LearnerID: l.ID, LessonID: "x", QuestionID: "q1", Source: bottega.SourceQuiz, At: t0}))
		must(t, db.SaveReviewItem(ctx, bottega.ReviewItem{LearnerID: l.ID, LessonID: "x", QuestionID: "q1", Box: 1, DueAt: t0, UpdatedAt: t0}))
		must(t, db.TouchActivity(ctx, l.ID, "2026-03-02"))
		ps, err1 := db.Progress(ctx, l.ID)
		as, err2 := db.Answers(ctx, l.ID)
		rs, err3 := db.ReviewItems(ctx, l.ID)
		ds, err4 := db.ActivityDays(ctx, l.ID, 10)
		for _, err := range []error{err1, err2, err3, err4} {
			must(t, err)
		}
		return len(ps) + len(as) + len(rs) + len(ds)
	}
	if n := write(); n != 0 {
		t.Errorf("without consent, %d rows of progress were kept", n)
	}
	got, err := db.Learner(ctx, l.ID)
	must(t, err)
	if got.Role != "" || got.Level != "" || got.Reminder != "" {
		t.Errorf("without consent, the learner's choices were kept: %+v", got)
	}
	l.ConsentAt = &t0
	if n := write(); n != 5 {
		t.Errorf("with consent, %d rows of progress were kept, want 5", n)
	}
	if got, err = db.Learner(ctx, l.ID); err != nil || got.Role != "artisan" || got.Reminder != "13:00" {
		t.Errorf("with consent: %+v, %v", got, err)
	}
	must(t, db.ForgetProgress(ctx, l.ID))
	l.ConsentAt = nil
	if n := write(); n != 0 {
		t.Errorf("after ForgetProgress without consent, %d rows are left", n)
	}
}

// TestLessonLearners lists who started a lesson and where they are in it,
// the most recent first, for the console's lesson page.
func TestLessonLearners(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	ada, bea, cleo := newLearner(t, db), consenting(t, db, "8", "Bea"), consenting(t, db, "9", "Cleo")
	must(t, db.SavePosition(ctx, bottega.LessonProgress{LearnerID: ada.ID, LessonID: "x", StepID: "b", StepIndex: 1, StepIDs: []string{"a", "b"}, UpdatedAt: t0}))
	must(t, db.SavePosition(ctx, bottega.LessonProgress{LearnerID: bea.ID, LessonID: "x", StepIndex: 2, StepIDs: []string{"a", "b"}, Reached: 2, UpdatedAt: t0.Add(time.Hour)}))
	must(t, db.SavePosition(ctx, bottega.LessonProgress{LearnerID: cleo.ID, LessonID: "y", StepID: "a", StepIDs: []string{"a"}, UpdatedAt: t0}))

	got, err := (&store.Learners{DB: db}).LessonLearners(ctx, "x", 0)
	must(t, err)
	if got.Started != 2 || got.Finished != 1 || len(got.Learners) != 2 {
		t.Fatalf("started %d, finished %d, %d learners; want 2, 1, 2", got.Started, got.Finished, len(got.Learners))
	}
	first, second := got.Learners[0], got.Learners[1]
	if first.Name != "Bea" || first.Progress.FinishedAt == nil || first.Progress.LessonID != "x" {
		t.Errorf("first %s, finished %v; want Bea, finished", first.Name, first.Progress.FinishedAt)
	}
	if second.Name != "Ada" || second.Progress.FinishedAt != nil || second.Progress.StepIndex != 1 || !second.Progress.UpdatedAt.Equal(t0) || !second.UpdatedAt.After(t0) {
		t.Errorf("second %s at step %d (updated %v, learner updated %v); want Ada at step 1, in progress", second.Name, second.Progress.StepIndex, second.Progress.UpdatedAt, second.UpdatedAt)
	}
	if none, err := (&store.Learners{DB: db}).LessonLearners(ctx, "nope", 0); err != nil || none.Started != 0 || len(none.Learners) != 0 {
		t.Errorf("a lesson nobody started: %+v, %v", none, err)
	}
}

package reminders_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/broadcast"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/internal/poll"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/reminders"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var bg = context.Background()

func day(s string) *time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func TestDue(t *testing.T) {
	// 2025-03-10 is a Monday; Rome is UTC+1, New York UTC-4 (DST began on
	// 9 March), Tokyo UTC+9.
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	rome := store.ReminderCandidate{Timezone: "Europe/Rome", Reminder: "13:00"}
	with := func(c store.ReminderCandidate, f func(*store.ReminderCandidate)) store.ReminderCandidate {
		f(&c)
		return c
	}
	tests := []struct {
		name    string
		c       store.ReminderCandidate
		now     string
		day     string // "" for no nudge
		expires string
	}{
		{"before the chosen time", rome, "2025-03-10T11:59:00Z", "", ""},
		{"at the chosen time, local", rome, "2025-03-10T12:00:00Z", "2025-03-10", "2025-03-10T20:00:00Z"},
		{"later the same day", rome, "2025-03-10T19:30:00Z", "2025-03-10", "2025-03-10T20:00:00Z"},
		{"quiet hours begin at 21 local", rome, "2025-03-10T20:00:00Z", "", ""},
		{"New York at 13 local", with(rome, func(c *store.ReminderCandidate) { c.Timezone = "America/New_York" }), "2025-03-10T17:00:00Z", "2025-03-10", "2025-03-11T01:00:00Z"},
		{"New York: 13 in Rome is 8 there", with(rome, func(c *store.ReminderCandidate) { c.Timezone = "America/New_York" }), "2025-03-10T12:00:00Z", "", ""},
		{"Tokyo: the local day is the next one", with(rome, func(c *store.ReminderCandidate) { c.Timezone = "Asia/Tokyo" }), "2025-03-10T04:30:00Z", "2025-03-10", "2025-03-10T12:00:00Z"},
		{"a 7:00 choice waits for the end of quiet hours", with(rome, func(c *store.ReminderCandidate) { c.Reminder = "07:00" }), "2025-03-10T06:30:00Z", "", ""},
		{"and goes at 8:00", with(rome, func(c *store.ReminderCandidate) { c.Reminder = "07:00" }), "2025-03-10T07:00:00Z", "2025-03-10", "2025-03-10T20:00:00Z"},
		{"already nudged today", with(rome, func(c *store.ReminderCandidate) { c.LastReminder = day("2025-03-10") }), "2025-03-10T12:30:00Z", "", ""},
		{"nudged yesterday", with(rome, func(c *store.ReminderCandidate) { c.LastReminder = day("2025-03-09") }), "2025-03-10T12:30:00Z", "2025-03-10", "2025-03-10T20:00:00Z"},
		{"active today already", with(rome, func(c *store.ReminderCandidate) { c.LastActive = day("2025-03-10") }), "2025-03-10T12:30:00Z", "", ""},
		{"two ignored: still daily", with(rome, func(c *store.ReminderCandidate) { c.Ignored, c.LastReminder = 2, day("2025-03-09") }), "2025-03-10T12:30:00Z", "2025-03-10", "2025-03-10T20:00:00Z"},
		{"three ignored: every other day", with(rome, func(c *store.ReminderCandidate) { c.Ignored, c.LastReminder = 3, day("2025-03-09") }), "2025-03-10T12:30:00Z", "", ""},
		{"three ignored, two days on", with(rome, func(c *store.ReminderCandidate) { c.Ignored, c.LastReminder = 3, day("2025-03-08") }), "2025-03-10T12:30:00Z", "2025-03-10", "2025-03-10T20:00:00Z"},
		{"five ignored: a week is not enough", with(rome, func(c *store.ReminderCandidate) { c.Ignored, c.LastReminder = 5, day("2025-03-03") }), "2025-03-10T12:30:00Z", "", ""},
		{"ten ignored: every two weeks", with(rome, func(c *store.ReminderCandidate) { c.Ignored, c.LastReminder = 10, day("2025-02-24") }), "2025-03-10T12:30:00Z", "2025-03-10", "2025-03-10T20:00:00Z"},
		{"unknown zone: Rome", with(rome, func(c *store.ReminderCandidate) { c.Timezone = "Mars/Base" }), "2025-03-10T12:00:00Z", "2025-03-10", "2025-03-10T20:00:00Z"},
		{"no time chosen", with(rome, func(c *store.ReminderCandidate) { c.Reminder = "" }), "2025-03-10T12:00:00Z", "", ""},
	}
	s := reminders.New(reminders.Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, exp, ok := s.Due(tt.c, at(tt.now))
			if ok != (tt.day != "") || d != tt.day {
				t.Fatalf("Due = %q, %v; want %q", d, ok, tt.day)
			}
			if ok && !exp.Equal(at(tt.expires)) {
				t.Errorf("expires %s, want %s", exp.UTC().Format(time.RFC3339), tt.expires)
			}
		})
	}
}

func TestRemindersAreQueuedAndSentOnce(t *testing.T) {
	db := pgtest.New(t)
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishCurriculum(bg, c, store.PublishOptions{Builtin: true}); err != nil {
		t.Fatal(err)
	}
	// Now is 12:30 UTC: 13:30 in Rome, 7:30 in New York, 21:30 in Tokyo;
	// in the future, so that the queued reminders have not expired for the
	// worker, which goes by the database's clock.
	now := time.Date(2099, 1, 12, 12, 30, 0, 0, time.UTC)
	mk := func(i int, tz, reminder string) bottega.Learner {
		id := strconv.Itoa(9000 + i)
		return bottega.Learner{Platform: telegram.Platform, ExternalID: id, ChatID: id, Locale: "it", Timezone: tz, Reminder: reminder}
	}
	ls := []bottega.Learner{
		mk(0, "Europe/Rome", "13:00"),      // in progress: nudged
		mk(1, "Europe/Rome", "13:00"),      // reviews due: nudged
		mk(2, "Europe/Rome", "13:00"),      // nothing to do
		mk(3, "Europe/Rome", "19:00"),      // later today
		mk(4, "America/New_York", "07:00"), // quiet hours there
		mk(5, "Asia/Tokyo", "13:00"),       // quiet hours there
		mk(6, "Europe/Rome", ""),           // reminders off
		mk(7, "Europe/Rome", "13:00"),      // active today
	}
	if err := db.CreateLearners(bg, ls); err != nil {
		t.Fatal(err)
	}
	for i := range ls { // reminders go only to learners who consented
		ls[i].ConsentAt = &now
		if err := db.UpdateLearner(bg, ls[i]); err != nil {
			t.Fatal(err)
		}
	}
	for _, i := range []int{0, 3, 4, 5, 6, 7} {
		p := bottega.LessonProgress{LearnerID: ls[i].ID, LessonID: "reviews", StepIDs: []string{"a", "b"}, StepIndex: 1, UpdatedAt: now.Add(-48 * time.Hour)}
		if err := db.SavePosition(bg, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveReviewItem(bg, bottega.ReviewItem{LearnerID: ls[1].ID, LessonID: "reviews", QuestionID: "q1", Box: 1, DueAt: now.Add(-time.Hour), UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := db.TouchActivity(bg, ls[7].ID, "2099-01-12"); err != nil {
		t.Fatal(err)
	}
	s := reminders.New(reminders.Config{Platform: telegram.Platform, Store: db, Clock: func() time.Time { return now }})
	n, err := s.Tick(bg)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("%d reminders queued, want 2", n)
	}
	if n, err := s.Tick(bg); err != nil || n != 0 {
		t.Fatalf("a second tick queued %d (%v)", n, err)
	}

	fake := telegramtest.New(t)
	tr, err := telegram.New(bg, telegram.Options{Token: telegramtest.Token, Endpoint: fake.Endpoint(), Store: db, Limits: telegram.Limits{Rate: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	texts, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	w := broadcast.NewWorker(broadcast.Config{Platform: telegram.Platform, Store: db, Sender: tr, Rate: 500,
		Render: broadcast.Messages{Texts: texts, Library: store.NewLibrary(db, time.Hour)}.Render,
		Poll:   10 * time.Millisecond})
	ctx, cancel := context.WithCancel(bg)
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	poll.Until(t, "both reminders sent", func() bool { return len(fake.Sent()) >= 2 })
	got := map[int64]string{}
	for _, c := range fake.Sent() {
		got[c.ChatID()] = c.FirstData()
	}
	if len(got) != 2 || got[9000] != flows.OpenLessonData("reviews", "") || got[9001] != flows.ReviewData() {
		t.Errorf("sent %v", got)
	}
}

// TestQuietAt: the times a reminder may be set to, as learners write them.
func TestQuietAt(t *testing.T) {
	for at, want := range map[string]bool{"07:59": true, "08:00": false, "20:59": false, "21:00": true, "23:30": true, "00:00": true, "15:30": false, "25:00": false, "": false} {
		if got := reminders.QuietAt(at); got != want {
			t.Errorf("QuietAt(%q) = %v, want %v", at, got, want)
		}
	}
	if from, to := reminders.QuietOpen(); from != "08:00" || to != "20:59" {
		t.Errorf("QuietOpen() = %s, %s; want 08:00, 20:59", from, to)
	}
}

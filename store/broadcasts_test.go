package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

func TestBroadcastServiceRules(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishCurriculum(ctx, c, store.PublishOptions{Builtin: true}); err != nil {
		t.Fatal(err)
	}
	track := c.Tracks[0]
	var ls []bottega.Learner
	consent := time.Now()
	for i, r := range bottega.Roles() {
		ls = append(ls, bottega.Learner{Platform: "test", ExternalID: fmt.Sprint(i + 1), ChatID: fmt.Sprint(i + 1), Role: r, Level: bottega.LevelBase, ConsentAt: &consent})
	}
	if err := db.CreateLearners(ctx, ls); err != nil {
		t.Fatal(err)
	}
	woken := 0
	svc := &store.Broadcasts{DB: db, Library: store.NewLibrary(db, 0), Wake: func() { woken++ }}

	inTrack := 0
	for _, l := range ls {
		for _, r := range track.Roles {
			if l.Role == r {
				inTrack++
			}
		}
	}
	n, err := svc.CountAudience(ctx, bottega.Audience{Platform: "test", Tracks: []string{track.ID}})
	if err != nil || n != inTrack {
		t.Fatalf("track audience = %d, %v; want %d", n, err, inTrack)
	}
	for _, bad := range []bottega.Audience{
		{Platform: "test", Roles: []string{"astronaut"}},
		{Platform: "test", Languages: []string{"xx"}},
		{Platform: "test", Tracks: []string{"no-such-track"}},
		{Platform: "test", ActiveDays: -1},
	} {
		if _, err := svc.CountAudience(ctx, bad); bottega.ErrorCode(err) != bottega.EINVALID {
			t.Errorf("audience %+v: err %v, want invalid", bad, err)
		}
	}
	if _, err := svc.StartBroadcast(ctx, bottega.Broadcast{Kind: bottega.BroadcastLesson, LessonID: "nope", Rate: 10}, bottega.Audience{Platform: "test"}); bottega.ErrorCode(err) != bottega.EINVALID {
		t.Errorf("unknown lesson: err %v, want invalid", err)
	}
	if woken != 0 {
		t.Errorf("worker woken %d times by refused requests", woken)
	}
	b, err := svc.StartBroadcast(ctx, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "Ciao", Rate: 10, CreatedBy: "1"}, bottega.Audience{Platform: "test"})
	if err != nil || b.Total != len(ls) || woken != 1 {
		t.Fatalf("start = %+v, %v, woken %d", b, err, woken)
	}
	steps := []struct {
		status, want, code string
	}{
		{bottega.BroadcastRunning, bottega.BroadcastRunning, bottega.ECONFLICT}, // already running
		{bottega.BroadcastPaused, bottega.BroadcastPaused, ""},
		{bottega.BroadcastPaused, bottega.BroadcastPaused, bottega.ECONFLICT},
		{bottega.BroadcastRunning, bottega.BroadcastRunning, ""},
		{bottega.BroadcastCancelled, bottega.BroadcastCancelled, ""},
		{bottega.BroadcastRunning, bottega.BroadcastCancelled, bottega.ECONFLICT},
		{bottega.BroadcastDone, bottega.BroadcastCancelled, bottega.EINVALID},
	}
	for i, s := range steps {
		p, err := svc.SetBroadcastStatus(ctx, b.ID, s.status)
		if bottega.ErrorCode(err) != s.code || (s.code != bottega.EINVALID && p.Status != s.want) {
			t.Errorf("step %d: set %s = %s, %v; want %s, code %q", i, s.status, p.Status, err, s.want, s.code)
		}
	}
	if _, err := svc.SetBroadcastStatus(ctx, b.ID+100, bottega.BroadcastPaused); bottega.ErrorCode(err) != bottega.ENOTFOUND {
		t.Errorf("unknown broadcast: err %v", err)
	}
	list, err := svc.FindBroadcasts(ctx, bottega.BroadcastFilter{Platform: "test"})
	if err != nil || len(list) != 1 || list[0].Counts.Cancelled != len(ls) || list[0].Counts.Total() != len(ls) {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if active, err := svc.FindBroadcasts(ctx, bottega.BroadcastFilter{Active: true}); err != nil || len(active) != 0 {
		t.Errorf("active = %+v, %v", active, err)
	}
}

// TestBroadcastAudienceNeedsConsent: a learner who gave no consent is in no
// audience, neither in the count the admin sees before sending nor in the
// deliveries queued; one who withdraws consent after a broadcast was queued
// for them does not get it.
func TestBroadcastAudienceNeedsConsent(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishCurriculum(ctx, c, store.PublishOptions{Builtin: true}); err != nil {
		t.Fatal(err)
	}
	consent := time.Now()
	ls := []bottega.Learner{
		{Platform: "test", ExternalID: "1", ChatID: "1", Locale: "it", ConsentAt: &consent},
		{Platform: "test", ExternalID: "2", ChatID: "2", Locale: "it"}, // skipped consent
		{Platform: "test", ExternalID: "3", ChatID: "3", Locale: "en", ConsentAt: &consent},
		{Platform: "test", ExternalID: "4", ChatID: "4", Locale: "en"}, // skipped consent
	}
	if err := db.CreateLearners(ctx, ls); err != nil {
		t.Fatal(err)
	}
	svc := &store.Broadcasts{DB: db, Library: store.NewLibrary(db, 0)}
	for _, a := range []bottega.Audience{
		{Platform: "test"},
		{Platform: "test", Languages: []string{"it", "en"}},
		{Platform: "test", ActiveDays: 0, InactiveDays: 30},
	} {
		if n, err := svc.CountAudience(ctx, a); err != nil || n != 2 {
			t.Errorf("audience %+v counts %d, %v; want the 2 learners who gave consent", a, n, err)
		}
	}
	b, err := svc.StartBroadcast(ctx, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "Novità", Rate: 10, CreatedBy: "1"}, bottega.Audience{Platform: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Total != 2 {
		t.Errorf("broadcast total = %d, want 2 (the count shown before sending)", b.Total)
	}
	st, err := db.DeliveryStatuses(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		_, queued := st[l.ID]
		if queued != (l.ConsentAt != nil) {
			t.Errorf("learner %s (consent %v): queued %v", l.ExternalID, l.ConsentAt != nil, queued)
		}
	}

	// Learner 3 withdraws consent before the worker reaches them.
	ls[2].ConsentAt = nil
	if err := db.UpdateLearner(ctx, ls[2]); err != nil {
		t.Fatal(err)
	}
	if err := db.ForgetProgress(ctx, ls[2].ID); err != nil {
		t.Fatal(err)
	}
	if st, err = db.DeliveryStatuses(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if st[ls[0].ID] != bottega.DeliveryPending || st[ls[2].ID] != bottega.DeliverySkipped {
		t.Errorf("after learner 3 withdrew consent: %v, want 1 pending and 3 skipped", st)
	}
	ds, err := db.ClaimDeliveries(ctx, "test", "w", 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].LearnerID != ls[0].ID {
		t.Errorf("claimed %+v, want only learner 1's delivery", ds)
	}
	p, err := svc.BroadcastProgress(ctx, b.ID)
	if err != nil || p.Counts.Total() != 2 || p.Counts.Skipped != 1 {
		t.Errorf("progress = %+v, %v; want 2 in all, 1 skipped", p.Counts, err)
	}
}

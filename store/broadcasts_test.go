package store_test

import (
	"context"
	"fmt"
	"testing"

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
	for i, r := range bottega.Roles() {
		ls = append(ls, bottega.Learner{Platform: "test", ExternalID: fmt.Sprint(i + 1), ChatID: fmt.Sprint(i + 1), Role: r, Level: bottega.LevelBase})
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

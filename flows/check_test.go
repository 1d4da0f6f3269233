package flows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows"
)

// TestCheckItemsOfTheBuiltinTracks: every built-in track has a placement
// and a final check of 6 to 8 items, the two made of different questions of
// the same lessons, spread over the track.
func TestCheckItemsOfTheBuiltinTracks(t *testing.T) {
	c := curriculum(t, "builtin")
	for _, tr := range c.Tracks {
		p, f := checkItemsOf(t, tr)
		if len(p) < 6 || len(p) > 8 || len(f) != len(p) {
			t.Errorf("%s: %d placement and %d final items, want 6 to 8 each", tr.ID, len(p), len(f))
			continue
		}
		lessons := map[string]bool{}
		for i := range p {
			pl, _, _ := strings.Cut(p[i], "/")
			fl, _, _ := strings.Cut(f[i], "/")
			if p[i] == f[i] || pl != fl {
				t.Errorf("%s: item %d is %s in the placement and %s in the final: want another question of the same lesson", tr.ID, i, p[i], f[i])
			}
			lessons[pl] = true
			if c.Lesson(pl) == nil {
				t.Errorf("%s: item %s names no lesson", tr.ID, p[i])
			}
		}
		if len(lessons) < len(p) && len(lessons) < len(tr.Lessons) {
			t.Errorf("%s: the items come from %d lessons of %d", tr.ID, len(lessons), len(tr.Lessons))
		}
	}
}

// checkItemsOf runs the check of a track through the flows' own rule, as
// the transcript shows it: the items are in the state after a start.
func checkItemsOf(t *testing.T, tr *content.Track) (placement, final []string) {
	t.Helper()
	p, f := flows.ExportCheckItems(tr)
	return p, f
}

// TestAveragesInProgress: /progress shows the track's average gain and the
// course's once at least five learners took both checks, not before.
func TestAveragesInProgress(t *testing.T) {
	c := newChat(t)
	c.lib.publish(curriculum(t, "gain"))
	ctx := context.Background()
	if _, err := c.db.CreateInvite(ctx, bottega.Invite{Code: "serale", Course: "Corso serale", CreatedAt: c.clk.Now()}); err != nil {
		t.Fatal(err)
	}
	c.send("/start c_serale", "")
	l, _, err := c.db.EnsureLearner(ctx, "test", "u1", "u1", "Ada", "it")
	if err != nil {
		t.Fatal(err)
	}
	save := func(id int64, right int, kind string) {
		t.Helper()
		if err := c.db.SaveCheck(ctx, bottega.TrackCheck{LearnerID: id, TrackID: "social", Kind: kind, Right: right, Total: 6, FinishedAt: c.clk.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	save(l.ID, 2, bottega.CheckPlacement)
	save(l.ID, 5, bottega.CheckFinal)
	others := func(n int, from int, code string) {
		for i := range n {
			o, _, err := c.db.EnsureLearner(ctx, "test", fmt.Sprintf("o%d", from+i), "", "", "it")
			if err != nil {
				t.Fatal(err)
			}
			if code != "" {
				if err := c.db.JoinCohort(ctx, o.ID, code, c.clk.Now()); err != nil {
					t.Fatal(err)
				}
			}
			save(o.ID, 3, bottega.CheckPlacement)
			save(o.ID, 6, bottega.CheckFinal)
		}
	}
	others(3, 0, "serale") // four in the course with Ada, four on the track
	r := c.send("/progress", "")
	c.says(r, "📈 33% all'inizio → 83% alla fine: +50 punti")
	if strings.Contains(r[0].Text, "Media") {
		t.Errorf("an average of four learners is shown:\n%s", r[0].Text)
	}
	others(1, 3, "") // five on the track, four in the course
	r = c.send("/progress", "")
	// (50 + 4 × 50) / 5: every gain here is 50 points.
	c.says(r, "Media del percorso: +50 punti (5 persone)")
	if strings.Contains(r[0].Text, "Corso serale\": ") || strings.Contains(r[0].Text, "Media di «Corso serale»") {
		t.Errorf("the course's average of four learners is shown:\n%s", r[0].Text)
	}
	save(l.ID, 4, bottega.CheckFinal) // Ada's gain drops to 33 points
	others(1, 4, "serale")
	r = c.send("/progress", "")
	// Track: (33.3 + 5 × 50) / 6 = 47.2; course: (33.3 + 4 × 50) / 5 = 46.7.
	c.says(r, "Media del percorso: +47 punti (6 persone)", "Media di «Corso serale»: +47 punti (5 persone)", "👥 Corso: Corso serale")
}

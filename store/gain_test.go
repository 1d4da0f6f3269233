package store_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// TestGainOfASimulatedCohort seeds 200 learners through the store, in
// three months and two invitation codes (and none), on two tracks, with
// placement and final checks drawn at random (some take only one of the
// two), and checks every average the statistics give against the same
// averages computed here from what was seeded.
func TestGainOfASimulatedCohort(t *testing.T) {
	ctx := context.Background()
	db, raw := pgtest.NewRaw(t)

	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	codes := []bottega.Invite{
		{Code: "serale-mestre", Course: "Corso serale Confartigianato Mestre", Platform: "test", CreatedBy: "admin", CreatedAt: now},
		{Code: "Comune_Dolo", Course: "Ufficio comunicazione, Comune di Dolo", Platform: "test", CreatedBy: "admin", CreatedAt: now},
	}
	for _, c := range codes {
		if _, err := db.CreateInvite(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	months := []time.Time{
		time.Date(2026, 10, 15, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
	}
	tracks := []string{"negozio", "comune"}

	type acc struct {
		n                      int
		placement, final, gain float64
	}
	add := func(m map[string]*acc, key string, p, f bottega.TrackCheck) {
		a := m[key]
		if a == nil {
			a = &acc{}
			m[key] = a
		}
		a.n++
		a.placement += p.Percent()
		a.final += f.Percent()
		a.gain += bottega.Gain(p, f)
	}
	byTrack, byMonth, byInvite := map[string]*acc{}, map[string]*acc{}, map[string]*acc{}
	var placements, finals, passed int

	rng := rand.New(rand.NewPCG(18, 200))
	for i := range 200 {
		id := fmt.Sprintf("learner-%03d", i)
		l, _, err := db.EnsureLearner(ctx, "test", id, id, "", "it")
		if err != nil {
			t.Fatal(err)
		}
		started := months[rng.IntN(len(months))]
		if _, err := raw.ExecContext(ctx, `UPDATE learners SET created_at = $2 WHERE id = $1`, l.ID, started); err != nil {
			t.Fatal(err)
		}
		code := ""
		if k := rng.IntN(3); k < len(codes) {
			code = codes[k].Code
			if err := db.JoinCohort(ctx, l.ID, code, started); err != nil {
				t.Fatal(err)
			}
		}
		for _, tr := range tracks {
			if rng.IntN(4) == 0 {
				continue // never started this track
			}
			total := 6 + rng.IntN(3)
			p := bottega.TrackCheck{LearnerID: l.ID, TrackID: tr, Kind: bottega.CheckPlacement, Total: total,
				Right: rng.IntN(total + 1), FinishedAt: started.Add(time.Hour)}
			f := bottega.TrackCheck{LearnerID: l.ID, TrackID: tr, Kind: bottega.CheckFinal, Total: total,
				Right: min(total, p.Right+rng.IntN(total+1)), FinishedAt: started.Add(30 * 24 * time.Hour)}
			took := rng.IntN(10)
			if took != 0 { // one in ten skips the placement check
				if err := db.SaveCheck(ctx, p); err != nil {
					t.Fatal(err)
				}
				placements++
			}
			if took != 1 { // one in ten has not reached the final check
				if rng.IntN(5) == 0 {
					// A first, failed attempt, replaced by the one counted.
					first := f
					first.Right = 0
					if err := db.SaveCheck(ctx, first); err != nil {
						t.Fatal(err)
					}
				}
				if err := db.SaveCheck(ctx, f); err != nil {
					t.Fatal(err)
				}
				finals++
				if f.Passed() {
					passed++
				}
			}
			if took > 1 {
				add(byTrack, tr, p, f)
				add(byMonth, started.Format("2006-01"), p, f)
				if code != "" {
					add(byInvite, code, p, f)
				}
			}
		}
	}

	st, err := db.GainStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Placements != placements || st.Finals != finals || st.Passed != passed {
		t.Errorf("checks taken: %d placements, %d finals, %d passed; want %d, %d, %d",
			st.Placements, st.Finals, st.Passed, placements, finals, passed)
	}
	check := func(what string, got []bottega.GainGroup, want map[string]*acc) {
		t.Helper()
		keys := make([]string, 0, len(want))
		for k := range want {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(got) != len(keys) {
			t.Fatalf("%s: %d groups %v, want %d %v", what, len(got), got, len(keys), keys)
		}
		total := 0
		for i, g := range got {
			w := want[keys[i]]
			total += w.n
			n := float64(w.n)
			if g.Key != keys[i] || g.N != w.n ||
				math.Abs(g.Placement-w.placement/n) > 1e-9 || math.Abs(g.Final-w.final/n) > 1e-9 || math.Abs(g.Gain-w.gain/n) > 1e-9 {
				t.Errorf("%s %s: n %d placement %.4f final %.4f gain %.4f; want %s: n %d placement %.4f final %.4f gain %.4f",
					what, g.Key, g.N, g.Placement, g.Final, g.Gain, keys[i], w.n, w.placement/n, w.final/n, w.gain/n)
			}
		}
		if what != "invitation code" && total < 200 {
			t.Errorf("%s: only %d learner-track pairs with both checks: the simulation is too thin", what, total)
		}
	}
	check("track", st.ByTrack, byTrack)
	check("month", st.ByMonth, byMonth)
	check("invitation code", st.ByInvite, byInvite)
	for _, g := range st.ByInvite {
		if g.Label == "" {
			t.Errorf("cohort %s has no course name", g.Key)
		}
	}

	// One track's average, and one cohort's on it.
	for _, code := range []string{"", codes[0].Code} {
		g, err := db.TrackGain(ctx, "negozio", code)
		if err != nil {
			t.Fatal(err)
		}
		var w acc
		rows, err := raw.QueryContext(ctx, `
			SELECT p.right_answers, p.total, f.right_answers, f.total FROM track_checks p
			JOIN track_checks f ON f.learner_id = p.learner_id AND f.track_id = p.track_id AND f.kind = 'final'
			LEFT JOIN cohort_members c ON c.learner_id = p.learner_id
			WHERE p.kind = 'placement' AND p.track_id = 'negozio' AND ($1 = '' OR c.code = $1)`, code)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var p, f bottega.TrackCheck
			if err := rows.Scan(&p.Right, &p.Total, &f.Right, &f.Total); err != nil {
				t.Fatal(err)
			}
			w.n++
			w.gain += bottega.Gain(p, f)
		}
		rows.Close()
		if g.N != w.n || w.n == 0 || math.Abs(g.Gain-w.gain/float64(w.n)) > 1e-9 {
			t.Errorf("track gain (cohort %q): n %d gain %.4f, want n %d gain %.4f", code, g.N, g.Gain, w.n, w.gain/float64(max(w.n, 1)))
		}
	}
}

func TestChecksInvitesAndCertificates(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	l, _, err := db.EnsureLearner(ctx, "test", "u1", "u1", "Łucja", "pl")
	if err != nil {
		t.Fatal(err)
	}

	// A retaken check replaces the first and counts the attempts.
	c := bottega.TrackCheck{LearnerID: l.ID, TrackID: "negozio", Kind: bottega.CheckFinal, Items: []string{"a/q1", "b/q2"},
		Choices: []int{0, 2}, Right: 1, Total: 2, FinishedAt: now}
	if err := db.SaveCheck(ctx, c); err != nil {
		t.Fatal(err)
	}
	c.Right, c.Choices = 2, []int{1, 2}
	if err := db.SaveCheck(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := db.Checks(ctx, l.ID)
	if err != nil || len(got) != 1 || got[0].Right != 2 || got[0].Attempts != 2 || fmt.Sprint(got[0].Choices) != "[1 2]" || fmt.Sprint(got[0].Items) != "[a/q1 b/q2]" {
		t.Fatalf("checks = %+v, %v", got, err)
	}

	// Codes are unique whatever the case of their letters.
	if _, err := db.CreateInvite(ctx, bottega.Invite{Code: "Serale", Course: "Corso serale", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateInvite(ctx, bottega.Invite{Code: "serale", Course: "Altro", CreatedAt: now}); !errors.Is(err, store.ErrExists) {
		t.Errorf("a second code differing in case: %v, want ErrExists", err)
	}
	inv, ok, err := db.Invite(ctx, "SERALE")
	if err != nil || !ok || inv.Code != "Serale" || inv.Course != "Corso serale" {
		t.Fatalf("invite = %+v, %v, %v", inv, ok, err)
	}
	if _, ok, err := db.Invite(ctx, "nessuno"); ok || err != nil {
		t.Errorf("unknown code: %v, %v", ok, err)
	}
	if err := db.JoinCohort(ctx, l.ID, inv.Code, now); err != nil {
		t.Fatal(err)
	}
	if code, err := db.Cohort(ctx, l.ID); err != nil || code != "Serale" {
		t.Errorf("cohort = %q, %v", code, err)
	}
	if list, err := db.Invites(ctx); err != nil || len(list) != 1 || list[0].Learners != 1 {
		t.Errorf("invites = %+v, %v", list, err)
	}

	cert := bottega.Certificate{Code: "K7M2Q9ABCD", LearnerID: l.ID, TrackID: "negozio", TrackTitle: "Sklep", Name: "Łucja Wróbel",
		Locale: "pl", Lessons: []string{"Witryna"}, Minutes: 95, IssuedAt: now}
	if ok, err := db.CreateCertificate(ctx, cert); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if ok, err := db.CreateCertificate(ctx, cert); err != nil || ok {
		t.Errorf("same code twice: %v, %v; want false", ok, err)
	}
	back, found, err := db.FindCertificate(ctx, cert.Code)
	if err != nil || !found || back.Name != cert.Name || back.RevokedAt != nil || back.Minutes != 95 || fmt.Sprint(back.Lessons) != "[Witryna]" {
		t.Fatalf("certificate = %+v, %v", back, err)
	}
	if ok, err := db.RevokeCertificate(ctx, cert.Code, now); err != nil || !ok {
		t.Fatalf("revoke: %v, %v", ok, err)
	}
	if ok, err := db.RevokeCertificate(ctx, cert.Code, now); err != nil || ok {
		t.Errorf("revoke twice: %v, %v; want false", ok, err)
	}
	if back, _, err := db.FindCertificate(ctx, cert.Code); err != nil || back.RevokedAt == nil {
		t.Errorf("revoked certificate = %+v, %v", back, err)
	}
	if list, err := db.Certificates(ctx, l.ID, 10); err != nil || len(list) != 1 {
		t.Errorf("certificates = %+v, %v", list, err)
	}
}

package assistant

import (
	"cmp"
	"slices"

	"github.com/bottega-app/bottega"
)

// rrfK is reciprocal rank fusion's constant: 60, as in Cormack, Clarke and
// Büttcher (2009), so that the first few ranks of each list weigh about
// the same and no list's scores need to be comparable with another's.
const rrfK = 60

// fusedPerLesson caps the passages of one lesson in a fused ranking, as
// each search does, so that the model sees several lessons.
const fusedPerLesson = 2

// fuse merges rankings of the same passages by reciprocal rank fusion:
// a passage scores Σ 1/(rrfK + rank) over the lists that have it. A step
// found in several lists (in any locale) counts once, shown as the list
// that ranked it best shows it. It returns up to limit hits, best first.
func fuse(limit int, lists ...[]bottega.PassageHit) []bottega.PassageHit {
	type key struct{ lesson, kind, ref string }
	type fused struct {
		hit   bottega.PassageHit
		score float64
		best  int // the best rank it had, to show that list's copy
		order int // first seen, for a stable order among equals
	}
	all := map[key]*fused{}
	n := 0
	for _, list := range lists {
		seen := map[key]bool{}
		rank := 0
		for _, h := range list {
			k := key{h.LessonID, h.Kind, h.Ref}
			if seen[k] {
				continue
			}
			seen[k] = true
			rank++
			f := all[k]
			if f == nil {
				f = &fused{hit: h, best: rank, order: n}
				all[k] = f
				n++
			} else if rank < f.best {
				f.hit, f.best = h, rank
			}
			f.score += 1 / float64(rrfK+rank)
		}
	}
	fs := make([]*fused, 0, len(all))
	for _, f := range all {
		fs = append(fs, f)
	}
	slices.SortFunc(fs, func(a, b *fused) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.order, b.order))
	})
	perLesson := map[string]int{}
	var out []bottega.PassageHit
	for _, f := range fs {
		if len(out) == limit {
			break
		}
		if perLesson[f.hit.LessonID] >= fusedPerLesson {
			continue
		}
		perLesson[f.hit.LessonID]++
		out = append(out, f.hit)
	}
	return out
}

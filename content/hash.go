package content

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Hash returns a SHA-256 of the curriculum's canonical JSON, in hex. Loading the same
// files twice, from any folder, gives the same hash, so a publish that changes nothing
// can be recognised.
func (c *Curriculum) Hash() string {
	cp := Curriculum{Tracks: make([]*Track, len(c.Tracks))}
	for i, t := range c.Tracks {
		tc := *t
		tc.Dir = ""
		tc.Lessons = make([]*Lesson, len(t.Lessons))
		for j, l := range t.Lessons {
			lc := *l
			lc.File = ""
			tc.Lessons[j] = &lc
		}
		tc.Drills = make([]*Drill, len(t.Drills))
		for j, d := range t.Drills {
			dc := *d
			dc.File = ""
			tc.Drills[j] = &dc
		}
		if len(tc.Drills) == 0 {
			tc.Drills = nil
		}
		cp.Tracks[i] = &tc
	}
	return hashJSON(cp)
}

// Hash returns a SHA-256 of the lesson's canonical JSON, in hex, to tell whether a
// lesson changed between two versions. Where the file lives does not count.
func (l *Lesson) Hash() string {
	lc := *l
	lc.File = ""
	return hashJSON(lc)
}

// hashJSON hashes the JSON of v, which is canonical for the model: struct fields come in
// a fixed order and encoding/json sorts map keys.
func hashJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// The model holds only strings, numbers, maps and slices: it always encodes.
		panic(fmt.Sprintf("content: encode for hash: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Diff compares two versions of the curriculum by lesson id: added lessons are only in
// after, removed ones only in before, changed ones are in both with a different Hash.
// Ids come in curriculum order. A nil before means everything is added.
func Diff(before, after *Curriculum) (added, changed, removed []string) {
	old := map[string]*Lesson{}
	if before != nil {
		for _, l := range before.Lessons() {
			old[l.ID] = l
		}
	}
	seen := map[string]bool{}
	if after != nil {
		for _, l := range after.Lessons() {
			seen[l.ID] = true
			switch o, ok := old[l.ID]; {
			case !ok:
				added = append(added, l.ID)
			case o.Hash() != l.Hash():
				changed = append(changed, l.ID)
			}
		}
	}
	if before != nil {
		for _, l := range before.Lessons() {
			if !seen[l.ID] {
				removed = append(removed, l.ID)
			}
		}
	}
	return added, changed, removed
}

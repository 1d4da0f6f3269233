package assistant

import (
	"slices"
	"testing"

	"github.com/bottega-app/bottega"
)

func hit(lesson, ref, locale string) bottega.PassageHit {
	return bottega.PassageHit{Passage: bottega.Passage{LessonID: lesson, Kind: bottega.PassageStep, Ref: ref, Locale: locale}}
}

func refs(hs []bottega.PassageHit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.LessonID+"/"+h.Ref+"/"+h.Locale)
	}
	return out
}

func TestFuse(t *testing.T) {
	lexical := []bottega.PassageHit{hit("a", "1", "it"), hit("b", "1", "it"), hit("c", "1", "it")}
	semantic := []bottega.PassageHit{hit("c", "1", "en"), hit("d", "1", "it"), hit("b", "1", "it")}
	got := refs(fuse(8, lexical, semantic))
	// c: 1/63 + 1/61, b: 1/62 + 1/63, a: 1/61, d: 1/62. A passage both
	// rankings place well beats one only one of them places first; c is
	// shown as the list that ranked it best shows it (in English).
	want := []string{"c/1/en", "b/1/it", "a/1/it", "d/1/it"}
	if !slices.Equal(got, want) {
		t.Errorf("fuse = %v, want %v", got, want)
	}
	if got := refs(fuse(2, lexical, semantic)); !slices.Equal(got, want[:2]) {
		t.Errorf("fuse with limit 2 = %v", got)
	}
	// One list alone keeps its order.
	if got := refs(fuse(8, lexical)); !slices.Equal(got, refs(lexical)) {
		t.Errorf("fuse of one list = %v", got)
	}
	// At most two passages of a lesson, so that several lessons are seen.
	many := []bottega.PassageHit{hit("a", "1", "it"), hit("a", "2", "it"), hit("a", "3", "it"), hit("b", "1", "it")}
	if got := refs(fuse(8, many)); !slices.Equal(got, []string{"a/1/it", "a/2/it", "b/1/it"}) {
		t.Errorf("fuse per lesson = %v", got)
	}
	// The same step twice in one list (two locales) counts once there.
	dup := []bottega.PassageHit{hit("a", "1", "it"), hit("a", "1", "en"), hit("b", "1", "it")}
	if got := refs(fuse(8, dup, []bottega.PassageHit{hit("b", "1", "it")})); !slices.Equal(got, []string{"b/1/it", "a/1/it"}) {
		t.Errorf("fuse with a repeated step = %v", got)
	}
}

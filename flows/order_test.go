package flows

import (
	"slices"
	"testing"
)

// The order is a shuffle, the same for the same learner, question and
// attempt, and every later attempt differs from the first.
func TestOptionOrder(t *testing.T) {
	for n := 2; n <= 4; n++ {
		firstAt := make([]int, n) // where option 0 lands on a first attempt
		for learner := int64(1); learner <= 400; learner++ {
			first := optionOrder(learner, "vetrina", "q1", 0, n)
			if !slices.Equal(slices.Sorted(slices.Values(first)), []int{0, 1, 2, 3}[:n]) {
				t.Fatalf("n=%d learner %d: %v is not a shuffle", n, learner, first)
			}
			if again := optionOrder(learner, "vetrina", "q1", 0, n); !slices.Equal(first, again) {
				t.Errorf("n=%d learner %d: %v, then %v", n, learner, first, again)
			}
			firstAt[slices.Index(first, 0)]++
			for attempt := 1; attempt <= 5; attempt++ {
				later := optionOrder(learner, "vetrina", "q1", attempt, n)
				if slices.Equal(first, later) {
					t.Errorf("n=%d learner %d: attempt %d repeats the first order %v", n, learner, attempt, first)
				}
				if !slices.Equal(slices.Sorted(slices.Values(later)), []int{0, 1, 2, 3}[:n]) {
					t.Fatalf("n=%d learner %d attempt %d: %v is not a shuffle", n, learner, attempt, later)
				}
			}
		}
		// Every place is used, roughly as often: 400 learners, n places.
		for place, k := range firstAt {
			if k < 400/n/2 {
				t.Errorf("n=%d: option 1 comes at place %d for %d learners of 400: %v", n, place+1, k, firstAt)
			}
		}
	}
	// Another question, or another learner, gives another order somewhere.
	same := 0
	for learner := int64(1); learner <= 50; learner++ {
		if slices.Equal(optionOrder(learner, "vetrina", "q1", 0, 4), optionOrder(learner, "vetrina", "q2", 0, 4)) {
			same++
		}
	}
	if same > 10 {
		t.Errorf("q1 and q2 in the same order for %d learners of 50", same)
	}
	if got := optionOrder(7, "x", "q", 0, 1); !slices.Equal(got, []int{0}) {
		t.Errorf("one option: %v", got)
	}
	if got := optionOrder(7, "x", "q", 0, 0); len(got) != 0 {
		t.Errorf("no options: %v", got)
	}
}

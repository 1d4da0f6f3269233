package flows

import "github.com/bottega-app/bottega/content"

// ExportCheckItems gives the tests the items of a track's checks.
func ExportCheckItems(tr *content.Track) (placement, final []string) { return checkItems(tr) }

// ExportOptionOrder gives the tests the order a learner sees a question's
// options in.
func ExportOptionOrder(learnerID int64, lesson, question string, attempt, n int) []int {
	return optionOrder(learnerID, lesson, question, attempt, n)
}

package flows

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strconv"

	"github.com/bottega-app/bottega/content"
)

// optionOrder is the order in which a learner sees the n options of a
// question, as the options' numbers in the file: shuffled so that the right
// answer's place gives nothing away, and derived only from who answers what,
// which time, so that the same attempt reopened shows the same order and no
// state or random source is needed. attempt counts the learner's earlier
// answers to the question: every later attempt (a retry, a review) differs
// from the first one, which a learner may remember by position.
func optionOrder(learnerID int64, lesson, question string, attempt, n int) []int {
	order := shuffled(learnerID, lesson, question, attempt, n)
	if attempt > 0 && n > 1 && slices.Equal(order, shuffled(learnerID, lesson, question, 0, n)) {
		// Moving every option one place up changes every place.
		order = append(slices.Clone(order[1:]), order[0])
	}
	return order
}

// shuffled is a Fisher-Yates shuffle of 0..n-1 driven by a SHA-256 of its
// arguments: the same everywhere and in every version of Go, unlike
// math/rand's streams, so a learner's order survives an upgrade.
func shuffled(learnerID int64, lesson, question string, attempt, n int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	key := strconv.FormatInt(learnerID, 10) + "|" + lesson + "|" + question + "|" + strconv.Itoa(attempt)
	sum := sha256.Sum256([]byte(key))
	for i := n - 1; i > 0; i-- {
		// 8 bytes of the hash per draw. A hash holds four draws, and four
		// options (the most the format allows) need three; the modulo
		// bias of a 64-bit draw is nothing a learner could notice.
		k := (n - 1 - i) % (len(sum) / 8)
		r := binary.BigEndian.Uint64(sum[k*8:])
		j := int(r % uint64(i+1)) // #nosec G115 -- the remainder is at most i, a small int
		order[i], order[j] = order[j], order[i]
	}
	return order
}

// optionOrder returns the order of question q's options on screen for the
// learner now: see optionOrder. A truefalse question keeps true before false.
func (t *turn) optionOrder(lesson string, q *content.Question) ([]int, error) {
	if !q.HasOptions() {
		return nil, nil
	}
	attempt, err := t.data.AnswerCount(t.ctx, t.l.ID, lesson, q.ID)
	if err != nil {
		return nil, err
	}
	return optionOrder(t.l.ID, lesson, q.ID, attempt, len(q.Options)), nil
}

package flows

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/bottega-app/bottega/bot"
)

// TaskResume is the kind of the task that shows the learner's screen again
// after an answer written by a task (a streamed answer): by the time the
// answer is out, the learner may have moved elsewhere (opened a lesson,
// typed a command), and the screen they left must not come back in the
// middle of where they are now.
const TaskResume = "flows.resume"

// resumeTask is the data of a TaskResume: the screen to show, rendered when
// the question was handled, and the state it belongs to.
type resumeTask struct {
	Learner int64 `json:"learner"`
	// State is the SHA-256 of the conversation state saved with the
	// question, "" until Handle seals it.
	State string    `json:"state,omitempty"`
	Reply bot.Reply `json:"reply"`
}

// afterAnswer follows an answer with the screen the learner was on, headed
// "let's pick up from here". When the answer is written by a task after
// commit, the screen goes out after it only if the learner is still where
// they were (see TaskResume).
func (t *turn) afterAnswer(answer []bot.Reply) ([]bot.Reply, error) {
	t.note("after_question", nil)
	cur, err := t.render()
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(answer, func(r bot.Reply) bool { return r.Task != nil }) {
		return append(answer, cur), nil
	}
	data, err := json.Marshal(resumeTask{Learner: t.l.ID, Reply: cur})
	if err != nil {
		return nil, fmt.Errorf("encode resume task: %w", err)
	}
	return append(answer, bot.Reply{Task: &bot.Task{Kind: TaskResume, Data: data}}), nil
}

// sealResumes stamps the resume tasks among replies with the state the
// turn saved.
func sealResumes(replies []bot.Reply, learnerID int64, state []byte) error {
	for i, r := range replies {
		if r.Task == nil || r.Task.Kind != TaskResume {
			continue
		}
		var rt resumeTask
		if err := json.Unmarshal(r.Task.Data, &rt); err != nil {
			return fmt.Errorf("decode resume task: %w", err)
		}
		rt.Learner, rt.State = learnerID, stateSum(state)
		data, err := json.Marshal(rt)
		if err != nil {
			return fmt.Errorf("encode resume task: %w", err)
		}
		replies[i].Task = &bot.Task{Kind: TaskResume, Data: data}
	}
	return nil
}

// stateSum identifies a state as the flows encode it.
func stateSum(state []byte) string {
	sum := sha256.Sum256(state)
	return hex.EncodeToString(sum[:])
}

// Tasks returns the flows' deferred work, by kind, for the dispatcher.
func (b *Bot) Tasks() map[string]bot.TaskFunc {
	return map[string]bot.TaskFunc{TaskResume: b.resumeTask}
}

// resumeTask sends the screen of a TaskResume if the learner's state is
// still the one saved with their question; otherwise they have moved on,
// and it sends nothing.
func (b *Bot) resumeTask(ctx context.Context, s bot.Sender, chatID string, data json.RawMessage) error {
	var rt resumeTask
	if err := json.Unmarshal(data, &rt); err != nil {
		return fmt.Errorf("decode resume task: %w", err)
	}
	raw, err := b.store.LoadState(ctx, rt.Learner)
	if err != nil || raw == nil {
		return err // a learner who was erased meanwhile gets nothing
	}
	// The state comes back from Postgres re-encoded: decode and encode it
	// as the flows do before comparing.
	var st State
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil // unreadable: the next update starts from the menu
	}
	if raw, err = json.Marshal(st); err != nil || stateSum(raw) != rt.State {
		return err
	}
	_, err = s.Send(ctx, chatID, rt.Reply)
	return err
}

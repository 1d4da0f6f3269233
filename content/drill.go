package content

import (
	"slices"
	"time"
)

// Drill is a crisis drill: a timed scenario played in the chat. Its tasks come one after
// the other; each opens with events that arrive at set moments ("03:12, the Region issues
// an orange alert…"), asks the learner to write something for a channel within a time
// limit, and is scored against its rubric. Branches add a message, or a follow-up task,
// depending on what the answer had or missed. Drills live in a track's drills/ folder;
// FORMAT.md describes the file.
type Drill struct {
	ID      string   `json:"id"`
	Track   string   `json:"track"`
	Order   int      `json:"order"`
	Locales []string `json:"locales"`
	Minutes int      `json:"minutes"`
	Title   Text     `json:"title"`
	Summary Text     `json:"summary"`
	// Scenario sets the scene: who the learner is, where, what they have at hand.
	Scenario Text `json:"scenario"`
	// Official lists the phone numbers, e-mail addresses and figures the scenario
	// gives as official: an answer may quote them; any other is flagged.
	Official []string    `json:"official,omitempty"`
	Tasks    []DrillTask `json:"tasks"`
	File     string      `json:"file"`

	pos positions
}

// Task returns the task with the given id, or nil.
func (d *Drill) Task(id string) *DrillTask {
	i := slices.IndexFunc(d.Tasks, func(t DrillTask) bool { return t.ID == id })
	if i < 0 {
		return nil
	}
	return &d.Tasks[i]
}

// FollowUp reports whether a task runs only when a branch of an earlier task leads to it.
func (d *Drill) FollowUp(id string) bool {
	for _, t := range d.Tasks {
		for _, b := range t.Branches {
			if b.Then == id {
				return true
			}
		}
	}
	return false
}

// Drill returns the drill with the given id, or nil.
func (c *Curriculum) Drill(id string) *Drill {
	for _, t := range c.Tracks {
		for _, d := range t.Drills {
			if d.ID == id {
				return d
			}
		}
	}
	return nil
}

// What a drill task asks for.
const (
	TaskPost       = "post"       // a post for a page or channel
	TaskReply      = "reply"      // a reply to a citizen, in a comment or a chat
	TaskCorrection = "correction" // the correction of a rumour
)

// Channels a drill task writes for, and the length each suits, in characters.
var channelLength = map[string][2]int{
	"facebook":     {200, 1200},
	"instagram":    {150, 1200},
	"x":            {60, 280},
	"whatsapp":     {100, 700},
	"telegram":     {100, 900},
	"website":      {300, 2500},
	"chat":         {40, 500}, // a comment or a reply in a group: public
	ChannelPrivate: {40, 700},
}

// ChannelPrivate is a private message to one person (Messenger, WhatsApp): the only
// channel where an answer may speak of that person's own situation.
const ChannelPrivate = "message"

// ChannelLength returns the shortest and longest answer that suits a channel, in
// characters; ok is false for an unknown channel.
func ChannelLength(channel string) (lo, hi int, ok bool) {
	r, ok := channelLength[channel]
	return r[0], r[1], ok
}

// DrillTask is one thing the learner writes during a drill.
type DrillTask struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`    // TaskPost, TaskReply or TaskCorrection
	Channel string `json:"channel"` // facebook, instagram, x, whatsapp, telegram, website, chat
	// Limit is the time the learner has to answer, from the start of the task.
	Limit  time.Duration `json:"limit"`
	Events []DrillEvent  `json:"events"`
	Prompt Text          `json:"prompt"`
	Rubric Rubric        `json:"rubric"`
	// Model is a good answer, shown in the debrief.
	Model    Text     `json:"model"`
	Review   []Review `json:"review,omitempty"`
	Branches []Branch `json:"branches,omitempty"`
}

// DrillEvent is a message that arrives At after the task starts.
type DrillEvent struct {
	At   time.Duration `json:"at"`
	Text Text          `json:"text"`
}

// Rubric is how an answer is scored, without a language model: the elements it must
// have, its length for the channel, plain language, and no forbidden content.
type Rubric struct {
	Elements []Element `json:"elements"`
	// MinChars and MaxChars override the channel's length when set.
	MinChars int `json:"min_chars,omitempty"`
	MaxChars int `json:"max_chars,omitempty"`
	// Forbidden adds what this task must not say (a rumour's figures, a name) to
	// what no answer may say (personal data, unverified figures).
	Forbidden []Element `json:"forbidden,omitempty"`
}

// Element is something an answer must have (or, in Rubric.Forbidden, must not), found
// when any of its patterns matches. Patterns are Go regular expressions, matched without
// regard to case, by locale.
type Element struct {
	ID     string              `json:"id"`
	Name   Text                `json:"name"`
	Points int                 `json:"points"`
	Match  map[string][]string `json:"match"`
}

// Review names a lesson step to go back to after the drill, with the quiz questions
// that are put into the learner's spaced review.
type Review struct {
	Lesson    string   `json:"lesson"`
	Step      string   `json:"step"`
	Questions []string `json:"questions,omitempty"`
	// Element ties the review to a rubric element: it is suggested only when the
	// answer missed it; empty means always.
	Element string `json:"element,omitempty"`
}

// Branch is what follows an answer that missed (or had) an element: a message, and
// possibly a follow-up task.
type Branch struct {
	Missing string `json:"missing,omitempty"` // an element id
	Found   string `json:"found,omitempty"`   // an element id
	Text    Text   `json:"text"`
	Then    string `json:"then,omitempty"` // a follow-up task id
}

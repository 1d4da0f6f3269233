package flows

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bottega-app/bottega/bot"
)

// Button data is "v1|<action>" followed by "|<arg>" for each argument. The
// version lets a later release tell its own buttons from older ones; the
// action is one letter; arguments are ids and small values.
const (
	version = "v1"
	maxData = 64 // Telegram's callback_data limit, in bytes
	maxArg  = 24 // ids are slugs of at most 24 bytes

	prefixAssistant = version + "|a|"
	prefixExtension = version + "|x|"
	// prefixNew comes before the action of a button that answers in a new
	// message instead of editing the one it sits under: the buttons on
	// messages the flows did not make (answers to questions, broadcasts,
	// reminders), whose content the learner may still be reading.
	prefixNew = version + "|f|"
)

// Actions. "a" and "x" belong to the assistant and the extensions.
const (
	actMenu     = "m" // the main menu
	actHelp     = "h" // what the bot can do
	actAsk      = "k" // ask a question
	actContinue = "g" // go on learning where the learner left off
	actResume   = "u" // show the screen the learner is on
	actTracks   = "t" // tracks; t|<track>|<page>: a track's lessons
	actStep     = "s" // s|<lesson>[|<step>]: a lesson step ("." is the end)
	actWatch    = "w" // w|<lesson>|<step>[|<second>]: the step's clip (or the video from its chapter), from a second of the video
	actText     = "R" // R|<lesson>|<step>: the transcript of the step's clip
	actQuiz     = "b" // b|<lesson>|all or miss: begin a quiz
	actAnswer   = "q" // q|<lesson>|<question>|<n>: a quiz answer
	actNext     = "n" // n|<lesson>|<question>: the question after this one
	actReview   = "r" // the next question due for review
	actRecall   = "v" // v|<lesson>|<question>|<n>: a review answer
	actProgress = "p" // the learner's progress
	actSettings = "o" // settings; o|<field>: change one
	actChoose   = "c" // c|<field>|<value>: a choice ("-" skips in onboarding)
	actExport   = "e" // the learner's data as a file
	actDelete   = "d" // confirm erasing everything; d|yes: erase
	actPending  = "y" // y|now or y|later: a question typed during a quiz

	actCheck       = "j" // j|<track>|placement or final: begin a track's check
	actCheckAnswer = "i" // i|<track>|<item>|<n>: an answer in a check
	actCertificate = "l" // l|<track>[|ok or edit]: a track's certificate
	actSave        = "z" // z|yes or z|no: may Bottega keep the learner's progress

	actDrill     = "D" // crisis drills; D|<drill>: start one
	actDrillStop = "E" // leave the drill being played
	actDrillTick = "T" // T|<timer>: a drill's timer is due (drill.TickData)

	actPlain = "C" // the plain-language checker: wait for a text
)

// endStep is the step argument for the end of a lesson.
const endStep = "."

// route is what a button does: how many arguments it takes and what it runs.
type route struct {
	min, max int
	run      func(t *turn, args []string) ([]bot.Reply, error)
}

var errBadData = errors.New("bad button data")

// encode builds button data.
func encode(act string, args ...string) string {
	var b strings.Builder
	b.WriteString(version)
	b.WriteString("|")
	b.WriteString(act)
	for _, a := range args {
		b.WriteString("|")
		b.WriteString(a)
	}
	return b.String()
}

// parseData checks button data against the known routes and splits it. It
// accepts only what encode makes for a known action: the current version,
// the right number of arguments, and arguments made of [a-z0-9.-], 1 to 24
// bytes each.
func parseData(data string, routes map[string]route) (string, []string, error) {
	if len(data) > maxData {
		return "", nil, fmt.Errorf("%w: %d bytes", errBadData, len(data))
	}
	rest, ok := strings.CutPrefix(data, version+"|")
	if !ok {
		return "", nil, fmt.Errorf("%w: not %s", errBadData, version)
	}
	rest = strings.TrimPrefix(rest, strings.TrimPrefix(prefixNew, version+"|"))
	parts := strings.Split(rest, "|")
	act, args := parts[0], parts[1:]
	r, ok := routes[act]
	if !ok {
		return "", nil, fmt.Errorf("%w: unknown action %q", errBadData, act)
	}
	if len(args) < r.min || len(args) > r.max {
		return "", nil, fmt.Errorf("%w: action %q takes %d to %d arguments", errBadData, act, r.min, r.max)
	}
	for _, a := range args {
		if !validArg(a) {
			return "", nil, fmt.Errorf("%w: argument %q", errBadData, a)
		}
	}
	return act, args, nil
}

func validArg(a string) bool {
	if a == "" || len(a) > maxArg {
		return false
	}
	for i := 0; i < len(a); i++ {
		c := a[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// Deep links: "/start l_<lesson>" opens a lesson, "/start t_<track>" a
// track. Telegram allows [A-Za-z0-9_-] in a start payload, and ids are
// [a-z0-9-].
const (
	linkLesson = "l_"
	linkTrack  = "t_"
)

// parseLink returns what a start payload points to.
func parseLink(payload string) (kind, id string, ok bool) {
	for _, k := range []string{linkLesson, linkTrack} {
		if id, found := strings.CutPrefix(payload, k); found && validArg(id) && !strings.Contains(id, ".") {
			return k, id, true
		}
	}
	return "", "", false
}

package flows

import (
	"math"
	"strconv"
	"strings"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
)

// A track starts with an optional placement check and ends with a final
// check, made of equivalent items: the quiz questions of the same lessons,
// one of each pair for the placement and the other for the final, so the
// learner meets none of the final's items in the placement (options
// shuffled as in the quizzes). The gain is the final's share of right
// answers minus the placement's. Answers get no feedback: a check
// measures; the lessons teach.

// checkSize is how many items a check has when the track allows: a few
// minutes of questions.
const checkSize = 7

// minCheck is the fewest items that make a check worth taking.
const minCheck = 3

// minGroup is the fewest learners whose average gain a learner is shown:
// with fewer, someone's own score could be worked out.
const minGroup = 5

// checkState is a check in progress (or just finished): the items as
// "lesson/question", which one is on screen, the answers so far.
type checkState struct {
	Track   string   `json:"track"`
	Kind    string   `json:"kind"`
	Items   []string `json:"items"`
	I       int      `json:"i"`
	Choices []int    `json:"choices,omitempty"`
	Asked   []string `json:"asked,omitempty"` // the items answered
	Right   int      `json:"right"`
	Attempt int      `json:"attempt"`
	Done    bool     `json:"done,omitempty"`
}

// checkItems returns a track's placement and final items. Lessons with at
// least two quiz questions give pairs (questions 1 and 2, then 3 and 4...);
// the first pair of each lesson comes first, spread over the track, then
// the second pairs, up to checkSize. Which of a pair goes to the
// placement alternates from lesson to lesson, so that neither check is
// made only of first questions. The items are the same for every learner
// of a curriculum version: gains are comparable.
func checkItems(tr *content.Track) (placement, final []string) {
	if tr == nil {
		return nil, nil
	}
	type pair struct{ a, b string }
	for round := 0; len(placement) < checkSize; round++ {
		var pairs []pair
		for li, ls := range tr.Lessons {
			if len(ls.Quiz) < 2*round+2 {
				continue
			}
			a := ls.ID + "/" + ls.Quiz[2*round].ID
			b := ls.ID + "/" + ls.Quiz[2*round+1].ID
			if (li+round)%2 == 1 {
				a, b = b, a
			}
			pairs = append(pairs, pair{a, b})
		}
		if len(pairs) == 0 {
			break
		}
		need := checkSize - len(placement)
		if len(pairs) > need {
			// Spread over the track: lesson k of n for each item.
			spread := make([]pair, need)
			for i := range spread {
				spread[i] = pairs[i*len(pairs)/need]
			}
			pairs = spread
		}
		for _, p := range pairs {
			placement, final = append(placement, p.a), append(final, p.b)
		}
	}
	if len(placement) < minCheck {
		return nil, nil
	}
	return placement, final
}

// checkQuestion finds an item's lesson and question; nil when a new
// version of the curriculum removed it.
func (t *turn) checkQuestion(item string) (*content.Lesson, *content.Question) {
	lesson, q, _ := strings.Cut(item, "/")
	ls := t.cur.Lesson(lesson)
	if ls == nil {
		return nil, nil
	}
	return ls, question(ls, q)
}

// trackStatus is what the learner did of a track: lessons read, checks.
type trackStatus struct {
	tr                    *content.Track
	done, total           int
	started               bool
	placement, final      *bottega.TrackCheck
	placementIDs, finalID []string
}

func (s trackStatus) complete() bool { return s.total > 0 && s.done == s.total }

// canPlace: the placement check is offered before any lesson of the track
// is read, once.
func (s trackStatus) canPlace() bool {
	return len(s.placementIDs) > 0 && s.placement == nil && s.done == 0
}

// canFinal: the final check opens once every lesson is read, until passed.
func (s trackStatus) canFinal() bool {
	return len(s.finalID) > 0 && s.complete() && (s.final == nil || !s.final.Passed())
}

// canCertify: every lesson read and the final check passed.
func (s trackStatus) canCertify() bool {
	return s.complete() && s.final != nil && s.final.Passed()
}

// trackStatuses reads the learner's lessons and checks, by track id.
func (t *turn) trackStatuses() (map[string]*trackStatus, error) {
	done, err := t.finished()
	if err != nil {
		return nil, err
	}
	checks, err := t.s.Checks(t.ctx, t.l.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]*trackStatus{}
	for _, tr := range t.cur.Tracks {
		s := &trackStatus{tr: tr, total: len(tr.Lessons)}
		for _, ls := range tr.Lessons {
			finished, opened := done[ls.ID]
			s.started = s.started || opened
			if finished {
				s.done++
			}
		}
		s.placementIDs, s.finalID = checkItems(tr)
		out[tr.ID] = s
	}
	for i := range checks {
		c := checks[i]
		s, ok := out[c.TrackID]
		if !ok {
			continue
		}
		if c.Kind == bottega.CheckPlacement {
			s.placement = &c
		} else {
			s.final = &c
		}
	}
	return out, nil
}

// startCheck begins a check: j|<track>|placement or j|<track>|final.
func (t *turn) startCheck(args []string) ([]bot.Reply, error) {
	tr := t.cur.Track(args[0])
	if tr == nil {
		t.note("lesson_gone", nil)
		t.goTo(scrTracks)
		return t.show()
	}
	kind := args[1]
	if kind != bottega.CheckPlacement && kind != bottega.CheckFinal {
		return t.expired()
	}
	if c := t.st.Check; c != nil && !c.Done && c.Track == tr.ID && c.Kind == kind {
		t.goTo(scrCheck) // the same check, pressed again: where it was
		return t.show()
	}
	sts, err := t.trackStatuses()
	if err != nil {
		return nil, err
	}
	s := sts[tr.ID]
	var items []string
	attempt := 1
	switch {
	case kind == bottega.CheckPlacement && s.canPlace():
		items = s.placementIDs
	case kind == bottega.CheckPlacement:
		t.press = false
		t.note("check_placement_closed", nil)
		t.st.Track, t.st.Page = tr.ID, 0
		t.goTo(scrTrack)
		return t.show()
	case s.canFinal():
		items = s.finalID
		if s.final != nil {
			attempt += s.final.Attempts
		}
	case s.canCertify():
		t.press = false
		t.note("check_final_passed", nil)
		t.st.Track, t.st.Page = tr.ID, 0
		t.goTo(scrTrack)
		return t.show()
	case len(s.finalID) == 0:
		return t.expired()
	default:
		t.press = false
		t.note("check_final_locked", map[string]any{"Done": s.done, "Total": s.total})
		t.st.Track, t.st.Page = tr.ID, 0
		t.goTo(scrTrack)
		return t.show()
	}
	t.st.Quiz = nil
	t.st.Check = &checkState{Track: tr.ID, Kind: kind, Items: items, Attempt: attempt}
	t.goTo(scrCheck)
	return t.show()
}

// current returns the item on screen, skipping items a new version of the
// curriculum removed; "" when none is left.
func (c *checkState) current(t *turn) (string, *content.Lesson, *content.Question) {
	for ; c.I < len(c.Items); c.I++ {
		if ls, q := t.checkQuestion(c.Items[c.I]); q != nil {
			return c.Items[c.I], ls, q
		}
	}
	return "", nil, nil
}

// checkAnswer takes an answer: i|<track>|<item number>|<n>. Only the item
// on screen can be answered, once; the next comes at once.
func (t *turn) checkAnswer(args []string) ([]bot.Reply, error) {
	c := t.st.Check
	if c == nil || c.Done || c.Track != args[0] || args[1] != strconv.Itoa(c.I) {
		return t.expired()
	}
	item, _, q := c.current(t)
	n, ok := option(q, args[2])
	if item == "" || !ok || strconv.Itoa(c.I) != args[1] {
		return t.expired()
	}
	c.Asked = append(c.Asked, item)
	c.Choices = append(c.Choices, n)
	if n == q.Correct {
		c.Right++
	}
	c.I++
	t.goTo(scrCheck)
	return t.show()
}

func (t *turn) showCheck() (bot.Reply, error) {
	c := t.st.Check
	if c == nil || c.Done {
		t.goTo(scrMenu)
		return t.showMenu()
	}
	item, ls, q := c.current(t)
	if item == "" {
		if err := t.finishCheck(); err != nil {
			return bot.Reply{}, err
		}
		t.goTo(scrCheckDone)
		return t.showCheckDone()
	}
	tr := t.cur.Track(c.Track)
	title := c.Track
	if tr != nil {
		title = t.pick(tr.Title)
	}
	head := "check_question_" + c.Kind
	text := t.T(head, map[string]any{"N": c.I + 1, "Total": len(c.Items), "Title": title})
	if c.I == 0 {
		text += "\n" + t.T("check_intro_"+c.Kind, nil)
	}
	text += "\n\n" + t.pick(q.Question)
	var order []int
	if q.HasOptions() {
		answers, err := t.s.AnswerCount(t.ctx, t.l.ID, ls.ID, q.ID)
		if err != nil {
			return bot.Reply{}, err
		}
		order = optionOrder(t.l.ID, ls.ID, q.ID, answers+c.Attempt, len(q.Options))
	}
	i := strconv.Itoa(c.I)
	rows := t.options(q, order, func(n int) string { return encode(actCheckAnswer, c.Track, i, strconv.Itoa(n)) })
	return bot.Reply{Text: text, Buttons: append(rows, t.menuRow()...)}, nil
}

// finishCheck records the check once.
func (t *turn) finishCheck() error {
	c := t.st.Check
	if c.Done {
		return nil
	}
	c.Done = true
	if len(c.Asked) == 0 {
		return nil
	}
	return t.s.SaveCheck(t.ctx, bottega.TrackCheck{
		LearnerID: t.l.ID, TrackID: c.Track, Kind: c.Kind, Items: c.Asked, Choices: c.Choices,
		Right: c.Right, Total: len(c.Asked), FinishedAt: t.now,
	})
}

// percent rounds a share to a whole percentage.
func percent(right, total int) int {
	if total <= 0 {
		return 0
	}
	return (right*100 + total/2) / total
}

// points writes a gain in percentage points with its sign: "+33", "-7", "0".
func points(v float64) string {
	n := int(math.Round(v))
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func (t *turn) showCheckDone() (bot.Reply, error) {
	c := t.st.Check
	if c == nil || !c.Done {
		t.goTo(scrMenu)
		return t.showMenu()
	}
	total := len(c.Asked)
	if total == 0 {
		t.note("lesson_gone", nil)
		t.goTo(scrMenu)
		return t.showMenu()
	}
	data := map[string]any{"Right": c.Right, "Total": total, "Percent": percent(c.Right, total), "Pass": bottega.PassPercent}
	sts, err := t.trackStatuses()
	if err != nil {
		return bot.Reply{}, err
	}
	s := sts[c.Track]
	var rows [][]bot.Button
	var text string
	if c.Kind == bottega.CheckPlacement {
		text = t.T("check_placement_done", data)
		if s != nil {
			for _, ls := range s.tr.Lessons {
				rows = append(rows, []bot.Button{{Label: t.T("btn_begin", map[string]any{"Title": short(t.pick(ls.Title), 32)}), Data: encode(actStep, ls.ID)}})
				break
			}
		}
	} else {
		text = t.T("check_final_done", data)
		if s != nil && s.placement != nil && s.final != nil {
			text += "\n" + t.T("check_gain", t.gainData(*s.placement, *s.final))
		}
		if s != nil && s.final != nil && s.final.Passed() {
			text += "\n\n" + t.T("check_passed", data)
			if s.canCertify() {
				text += "\n" + t.T("check_cert_ready", nil)
				rows = append(rows, []bot.Button{t.btn("btn_certificate", actCertificate, c.Track)})
			}
		} else {
			text += "\n\n" + t.T("check_failed", data)
			rows = append(rows, []bot.Button{t.btn("btn_tracks_lessons", actTracks, c.Track, "0")}, []bot.Button{t.btn("btn_final_retry", actCheck, c.Track, bottega.CheckFinal)})
		}
	}
	rows = append(rows, []bot.Button{t.btn("btn_progress", actProgress), t.btn("btn_menu", actMenu)})
	return bot.Reply{Text: text, Buttons: rows}, nil
}

// gainData is the message data of a placement → final line.
func (t *turn) gainData(p, f bottega.TrackCheck) map[string]any {
	icon := "📈"
	if bottega.Gain(p, f) < 0 {
		icon = "📉"
	}
	return map[string]any{
		"Placement": percent(p.Right, p.Total), "Final": percent(f.Right, f.Total),
		"Gain": points(bottega.Gain(p, f)), "Icon": icon,
	}
}

// checkLines are the lines /progress shows under a track: the learner's
// checks and gain, and the average gain of the track and of their course
// when enough learners took both checks.
func (t *turn) checkLines(s *trackStatus, cohort bottega.Invite) (string, error) {
	var lines []string
	switch {
	case s.placement != nil && s.final != nil:
		lines = append(lines, t.T("progress_check_gain", t.gainData(*s.placement, *s.final)))
	case s.placement != nil:
		lines = append(lines, t.T("progress_check_placement", map[string]any{"Placement": percent(s.placement.Right, s.placement.Total)}))
	case s.final != nil:
		lines = append(lines, t.T("progress_check_final", map[string]any{"Final": percent(s.final.Right, s.final.Total)}))
	default:
		return "", nil
	}
	g, err := t.s.TrackGain(t.ctx, s.tr.ID, "")
	if err != nil {
		return "", err
	}
	if g.N >= minGroup {
		lines = append(lines, t.N("progress_track_gain", g.N, map[string]any{"Gain": points(g.Gain)}))
	}
	if cohort.Code != "" {
		g, err := t.s.TrackGain(t.ctx, s.tr.ID, cohort.Code)
		if err != nil {
			return "", err
		}
		if g.N >= minGroup {
			lines = append(lines, t.N("progress_cohort_gain", g.N, map[string]any{"Gain": points(g.Gain), "Course": cohort.Course}))
		}
	}
	return "\n" + strings.Join(lines, "\n"), nil
}

// checkButtons are the buttons a track offers for its checks and
// certificate.
func (t *turn) checkButtons(s *trackStatus) [][]bot.Button {
	switch {
	case s.canPlace():
		return [][]bot.Button{{t.btn("btn_placement", actCheck, s.tr.ID, bottega.CheckPlacement)}}
	case s.canFinal() && s.final != nil:
		return [][]bot.Button{{t.btn("btn_final_retry", actCheck, s.tr.ID, bottega.CheckFinal)}}
	case s.canFinal():
		return [][]bot.Button{{t.btn("btn_final", actCheck, s.tr.ID, bottega.CheckFinal)}}
	case s.canCertify():
		return [][]bot.Button{{t.btn("btn_certificate", actCertificate, s.tr.ID)}}
	}
	return nil
}

// trackCheckText is what the track screen says about its checks.
func (t *turn) trackCheckText(s *trackStatus) string {
	switch {
	case s.canPlace():
		return "\n\n" + t.N("track_placement_hint", len(s.placementIDs), nil)
	case s.canFinal():
		return "\n\n" + t.N("track_final_hint", len(s.finalID), map[string]any{"Pass": bottega.PassPercent})
	}
	return ""
}

// cohort returns the invitation code's course the learner belongs to
// (empty Code if none).
func (t *turn) cohort() (bottega.Invite, error) {
	code, err := t.s.Cohort(t.ctx, t.l.ID)
	if err != nil || code == "" {
		return bottega.Invite{}, err
	}
	inv, ok, err := t.s.Invite(t.ctx, code)
	if err != nil || !ok {
		return bottega.Invite{}, err
	}
	return inv, nil
}

// joinCohort puts the learner in the course of an invitation code they
// started with; false for a code nobody made.
func (t *turn) joinCohort(code string) (bool, error) {
	inv, ok, err := t.s.Invite(t.ctx, code)
	if err != nil || !ok {
		return false, err
	}
	if err := t.s.JoinCohort(t.ctx, t.l.ID, inv.Code, t.now); err != nil {
		return false, err
	}
	t.note("cohort_joined", map[string]any{"Course": inv.Course})
	return true, nil
}

// Invitation deep links: "/start c_<code>".
const linkCohort = "c_"

// parseCohortLink returns the invitation code of a start payload.
func parseCohortLink(payload string) (string, bool) {
	code, ok := strings.CutPrefix(payload, linkCohort)
	return code, ok && bottega.ValidInviteCode(code)
}

// finalAfter returns the track whose final check the learner can take now
// that lesson ls is done, or nil.
func (t *turn) finalAfter(ls *content.Lesson) (*trackStatus, error) {
	if ls == nil {
		return nil, nil
	}
	sts, err := t.trackStatuses()
	if err != nil {
		return nil, err
	}
	if s := sts[ls.Track]; s != nil && (s.canFinal() || s.canCertify()) {
		return s, nil
	}
	return nil, nil
}

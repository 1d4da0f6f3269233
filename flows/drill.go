package flows

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/drill"
)

// A crisis drill is played on the drill screen. Each task opens with its first events
// and the prompt; later events and the end of the time to answer are timers in the
// database, which the drill loop (package drill) delivers as updates with data
// "v1|T|<timer>": they run here in the chat's order, like a button, and the update's
// transaction marks the timer done, so none is lost or delivered twice. Text typed
// while a task is open is the answer: it is scored by the rubric (drill.Score), the
// branches it triggers are shown, and the next task starts. The last one ends in a
// debrief whose lesson steps go into the spaced review.

// DrillStore keeps drill runs, answers and timers.
type DrillStore interface {
	StartDrillRun(ctx context.Context, learnerID int64, drillID string, version int64, at time.Time) (int64, error)
	FinishDrillRun(ctx context.Context, runID int64, score int, at time.Time) error
	StopDrillRun(ctx context.Context, runID int64, at time.Time) error
	SaveDrillAnswer(ctx context.Context, a bottega.DrillAnswer) error
	AddDrillTimers(ctx context.Context, timers []bottega.DrillTimer) error
	TakeDrillTimer(ctx context.Context, learnerID, id int64, now time.Time) (bottega.DrillTimer, bool, error)
	StopDrillTimers(ctx context.Context, runID int64, at time.Time) error
}

// drillState is the drill being played.
type drillState struct {
	Run   int64  `json:"run"`
	Drill string `json:"drill"`
	// Task is the task on screen; Open while its answer is awaited.
	Task  string    `json:"task"`
	Since time.Time `json:"since"`
	Open  bool      `json:"open,omitempty"`
	N     int       `json:"n"` // the task's number, from 1
	// Next are follow-up tasks that branches asked for.
	Next    []string      `json:"next,omitempty"`
	Results []drillResult `json:"results,omitempty"`
	Done    bool          `json:"done,omitempty"`
}

type drillResult struct {
	Task string `json:"task"`
	drill.Result
}

// FeedbackTask is the kind of the task that asks a language model for a short comment
// on a scored answer (drill.Feedback runs it).
const FeedbackTask = drill.FeedbackKind

// drills lists the drills (no arguments) or starts one (D|<drill>).
func (t *turn) drills(args []string) ([]bot.Reply, error) {
	if len(args) == 0 {
		t.goTo(scrDrills)
		return t.show()
	}
	d := t.cur.Drill(args[0])
	if d == nil {
		t.note("drill_gone", nil)
		t.goTo(scrDrills)
		return t.show()
	}
	if ds := t.st.Drill; ds != nil && !ds.Done && ds.Open {
		if ds.Drill != d.ID {
			t.note("drill_busy", nil)
		}
		// The drill being played: back to its task.
		t.goTo(scrDrill)
		return t.show()
	}
	run, err := t.s.StartDrillRun(t.ctx, t.l.ID, d.ID, t.ver, t.now)
	if err != nil {
		return nil, err
	}
	t.st.Drill = &drillState{Run: run, Drill: d.ID}
	t.press = false
	intro := bot.Reply{Text: t.T("drill_intro", map[string]any{"Title": t.pick(d.Title), "Scenario": t.pick(d.Scenario)})}
	r, err := t.startTask(d, &d.Tasks[0])
	return append([]bot.Reply{intro}, r...), err
}

// startTask puts a task on screen: the events due at once, then the prompt; the later
// events and the end of the time to answer are scheduled.
func (t *turn) startTask(d *content.Drill, task *content.DrillTask) ([]bot.Reply, error) {
	ds := t.st.Drill
	ds.Task, ds.Since, ds.Open = task.ID, t.now, true
	ds.N++
	var timers []bottega.DrillTimer
	var out []bot.Reply
	for i, e := range task.Events {
		if e.At == 0 {
			out = append(out, bot.Reply{Text: t.pick(e.Text)})
			continue
		}
		timers = append(timers, bottega.DrillTimer{RunID: ds.Run, LearnerID: t.l.ID, TaskID: task.ID, Event: i, DueAt: t.now.Add(e.At)})
	}
	timers = append(timers, bottega.DrillTimer{RunID: ds.Run, LearnerID: t.l.ID, TaskID: task.ID, Event: bottega.DrillDeadline, DueAt: t.now.Add(task.Limit)})
	if err := t.s.AddDrillTimers(t.ctx, timers); err != nil {
		return nil, err
	}
	t.goTo(scrDrill)
	r, err := t.render()
	return append(out, r), err
}

// currentDrill returns the drill and task being played, or nils.
func (t *turn) currentDrill() (*content.Drill, *content.DrillTask) {
	ds := t.st.Drill
	if ds == nil {
		return nil, nil
	}
	d := t.cur.Drill(ds.Drill)
	if d == nil {
		return nil, nil
	}
	return d, d.Task(ds.Task)
}

// drillTick delivers a due timer (T|<id>): an event, or the end of the time to answer.
// A timer that is not this learner's, not due, or already delivered does nothing.
func (t *turn) drillTick(args []string) ([]bot.Reply, error) {
	t.press = false
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return nil, nil
	}
	tm, ok, err := t.s.TakeDrillTimer(t.ctx, t.l.ID, id, t.now)
	if err != nil || !ok {
		return nil, err
	}
	ds := t.st.Drill
	d, task := t.currentDrill()
	if task == nil || ds.Done || !ds.Open || ds.Run != tm.RunID || ds.Task != tm.TaskID {
		return nil, nil // the task was answered, or the drill left
	}
	if tm.Event >= 0 && tm.Event < len(task.Events) {
		news := bot.Reply{Text: t.pick(task.Events[tm.Event].Text)}
		if t.st.Screen != scrDrill {
			// The learner went elsewhere: the news comes with the way
			// back, and what they type next stays theirs, no answer.
			news.Text += "\n\n" + t.T("drill_news_away", map[string]any{"N": ds.N, "Left": mmss(max(0, task.Limit-t.now.Sub(ds.Since)))})
			news.Buttons = [][]bot.Button{{{Label: t.T("btn_drill_back", nil), Data: encodeNew(actDrill, d.ID)}}}
		}
		return []bot.Reply{news}, nil
	}
	// Time is up: the task counts as missed.
	res := drill.Score(d, task, t.l.Locale, "", task.Limit, nil)
	r, err := t.closeTask(d, task, "", res)
	return append([]bot.Reply{{Text: t.T("drill_timeup", nil)}}, r...), err
}

// drillAnswer takes text typed while a task is open as its answer.
func (t *turn) drillAnswer(text string) ([]bot.Reply, error) {
	d, task := t.currentDrill()
	res := drill.Score(d, task, t.l.Locale, text, t.now.Sub(t.st.Drill.Since), t.b.plain)
	score := bot.Reply{Text: t.scoreText(d, task, res)}
	var out []bot.Reply
	out = append(out, score)
	if t.b.feedback && res.Verdict != drill.Missed {
		data, err := json.Marshal(drill.FeedbackRequest{
			Learner: t.l.ID, Timezone: t.l.Timezone, Lang: t.l.Locale, Drill: t.pick(d.Title), Prompt: t.pick(task.Prompt), Answer: text,
			Score: res.Score, Verdict: t.T("drill_verdict_"+res.Verdict, nil),
			Found: t.elementNames(task, res.Found), Missing: t.elementNames(task, res.Missing),
		})
		if err != nil {
			return nil, fmt.Errorf("encode drill feedback: %w", err)
		}
		out = append(out, bot.Reply{Task: &bot.Task{Kind: FeedbackTask, Data: data}})
	}
	r, err := t.closeTask(d, task, text, res)
	return append(out, r...), err
}

// closeTask records a task's result, shows the news of the task that had not arrived
// yet and the branches it leads to, and starts the next task, or the debrief.
func (t *turn) closeTask(d *content.Drill, task *content.DrillTask, text string, res drill.Result) ([]bot.Reply, error) {
	ds := t.st.Drill
	ds.Open = false
	if err := t.s.StopDrillTimers(t.ctx, ds.Run, t.now); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("encode drill result: %w", err)
	}
	if err := t.s.SaveDrillAnswer(t.ctx, bottega.DrillAnswer{
		RunID: ds.Run, LearnerID: t.l.ID, TaskID: task.ID, Answer: text, Score: res.Score,
		Verdict: res.Verdict, Result: raw, At: t.now,
	}); err != nil {
		return nil, err
	}
	ds.Results = append(ds.Results, drillResult{Task: task.ID, Result: res})
	var out []bot.Reply
	// The news that had not arrived when the answer came arrives now:
	// what follows may build on it ("the schools stay closed, as
	// announced").
	elapsed := t.now.Sub(ds.Since)
	for _, e := range task.Events {
		if e.At > elapsed {
			out = append(out, bot.Reply{Text: t.pick(e.Text)})
		}
	}
	for _, b := range task.Branches {
		if b.Missing != "" && res.Lacks(b.Missing) || b.Found != "" && res.Has(b.Found) {
			out = append(out, bot.Reply{Text: t.pick(b.Text)})
			if b.Then != "" && !slices.Contains(ds.Next, b.Then) {
				ds.Next = append(ds.Next, b.Then)
			}
		}
	}
	if next := nextTask(d, task.ID, ds.Next); next != nil {
		r, err := t.startTask(d, next)
		return append(out, r...), err
	}
	r, err := t.finishDrill(d)
	return append(out, r...), err
}

// nextTask is the task after the one with id: the next in the file that is not a
// follow-up, or a follow-up that a branch asked for.
func nextTask(d *content.Drill, id string, asked []string) *content.DrillTask {
	i := slices.IndexFunc(d.Tasks, func(x content.DrillTask) bool { return x.ID == id })
	for j := i + 1; j < len(d.Tasks); j++ {
		if !d.FollowUp(d.Tasks[j].ID) || slices.Contains(asked, d.Tasks[j].ID) {
			return &d.Tasks[j]
		}
	}
	return nil
}

// finishDrill ends the run with a debrief: each task's score with what was good and what
// was missing, its model answer, and the lesson steps to review, whose questions go
// into the spaced review.
func (t *turn) finishDrill(d *content.Drill) ([]bot.Reply, error) {
	ds := t.st.Drill
	ds.Done = true
	total := 0
	for _, r := range ds.Results {
		total += r.Score
	}
	score := 0
	if len(ds.Results) > 0 {
		score = (total + len(ds.Results)/2) / len(ds.Results)
	}
	if err := t.s.FinishDrillRun(t.ctx, ds.Run, score, t.now); err != nil {
		return nil, err
	}
	var out []bot.Reply
	for i, r := range ds.Results {
		task := d.Task(r.Task)
		if task == nil {
			continue
		}
		lines := []string{t.T("drill_debrief_task", map[string]any{
			"N": i + 1, "Channel": t.T("drill_channel_"+task.Channel, nil), "Score": r.Score,
			"Verdict": t.T("drill_verdict_"+r.Verdict, nil)})}
		if len(r.Found) > 0 {
			lines = append(lines, t.T("drill_good", map[string]any{"List": strings.Join(t.elementNames(task, r.Found), ", ")}))
		}
		if len(r.Missing) > 0 {
			lines = append(lines, t.T("drill_missing", map[string]any{"List": strings.Join(t.elementNames(task, r.Missing), ", ")}))
		}
		if len(r.Flags) > 0 {
			lines = append(lines, t.T("drill_flagged", nil))
		}
		lines = append(lines, "", t.T("drill_model", nil), t.pick(task.Model))
		out = append(out, bot.Reply{Text: strings.Join(lines, "\n")})
	}
	steps, err := t.drillReview(d)
	if err != nil {
		return nil, err
	}
	t.st.DrillSteps = steps
	t.goTo(scrDrillDone)
	r, err := t.render()
	return append(out, r), err
}

// drillReview returns the lesson steps to review after the drill ("lesson.step"), and
// puts their quiz questions into the spaced review, due tomorrow, unless they are due
// sooner already. A step tied to an element is reviewed only when an answer missed it.
func (t *turn) drillReview(d *content.Drill) ([]string, error) {
	ds := t.st.Drill
	var steps []string
	for _, r := range ds.Results {
		task := d.Task(r.Task)
		if task == nil {
			continue
		}
		for _, rv := range task.Review {
			if rv.Element != "" && r.Has(rv.Element) || t.cur.Lesson(rv.Lesson) == nil {
				continue
			}
			if key := rv.Lesson + "." + rv.Step; !slices.Contains(steps, key) {
				steps = append(steps, key)
			}
			for _, q := range rv.Questions {
				it, ok, err := t.s.ReviewItem(t.ctx, t.l.ID, rv.Lesson, q)
				if err != nil {
					return nil, err
				}
				due := t.midnight(1)
				if ok && !it.DueAt.After(due) {
					continue
				}
				if err := t.s.SaveReviewItem(t.ctx, bottega.ReviewItem{
					LearnerID: t.l.ID, LessonID: rv.Lesson, QuestionID: q, Box: 1, DueAt: due, UpdatedAt: t.now,
				}); err != nil {
					return nil, err
				}
			}
		}
	}
	// In the curriculum's order, so that a lesson's steps come together.
	order := map[string]int{}
	for i, ls := range t.cur.Lessons() {
		order[ls.ID] = i
	}
	slices.SortStableFunc(steps, func(a, b string) int {
		la, sa, _ := strings.Cut(a, ".")
		lb, sb, _ := strings.Cut(b, ".")
		if c := order[la] - order[lb]; c != 0 {
			return c
		}
		return t.cur.Lesson(la).StepIndex(sa) - t.cur.Lesson(lb).StepIndex(sb)
	})
	return steps, nil
}

// stopDrill leaves the drill being played (E).
func (t *turn) stopDrill([]string) ([]bot.Reply, error) {
	ds := t.st.Drill
	if ds == nil || ds.Done {
		return t.expired()
	}
	if err := t.s.StopDrillRun(t.ctx, ds.Run, t.now); err != nil {
		return nil, err
	}
	t.st.Drill = nil
	t.note("drill_stopped", nil)
	t.goTo(scrDrills)
	return t.show()
}

// elementNames returns the names of a task's rubric elements by id.
func (t *turn) elementNames(task *content.DrillTask, ids []string) []string {
	var names []string
	for _, id := range ids {
		for _, e := range task.Rubric.Elements {
			if e.ID == id {
				names = append(names, t.pick(e.Name))
			}
		}
	}
	return names
}

// scoreText says how an answer scored, and why.
func (t *turn) scoreText(d *content.Drill, task *content.DrillTask, r drill.Result) string {
	lines := []string{t.T("drill_score", map[string]any{"Score": r.Score, "Verdict": t.T("drill_verdict_"+r.Verdict, nil)})}
	if len(r.Found) > 0 {
		lines = append(lines, t.T("drill_good", map[string]any{"List": strings.Join(t.elementNames(task, r.Found), ", ")}))
	}
	if len(r.Missing) > 0 {
		lines = append(lines, t.T("drill_missing", map[string]any{"List": strings.Join(t.elementNames(task, r.Missing), ", ")}))
	}
	switch r.Length {
	case "short":
		lines = append(lines, t.T("drill_short", map[string]any{"Chars": r.Chars, "Min": r.MinChars}))
	case "long":
		lines = append(lines, t.T("drill_long", map[string]any{"Chars": r.Chars, "Max": r.MaxChars}))
	}
	if p := r.Plain; p != nil && !p.Other {
		lines = append(lines, t.T("drill_plain", map[string]any{"Name": p.IndexName, "Index": int(p.Index + 0.5), "Long": p.Long, "Phrases": p.Phrases}))
	}
	for _, f := range r.Flags {
		switch f.Kind {
		case drill.FlagPhone, drill.FlagEmail, drill.FlagTaxCode, drill.FlagHealth, drill.FlagFigure:
			lines = append(lines, t.T("drill_flag_"+f.Kind, map[string]any{"Text": f.Text}))
		default:
			name := f.Kind
			for _, e := range task.Rubric.Forbidden {
				if e.ID == f.Kind {
					name = t.pick(e.Name)
				}
			}
			// The rubric's name begins the line: "la cifra della voce"
			// reads "La cifra della voce".
			if r, n := utf8.DecodeRuneInString(name); n > 0 {
				name = string(unicode.ToUpper(r)) + name[n:]
			}
			lines = append(lines, t.T("drill_flag", map[string]any{"Name": name, "Text": f.Text}))
		}
	}
	return strings.Join(lines, "\n")
}

func (t *turn) showDrills() (bot.Reply, error) {
	var rows [][]bot.Button
	text := t.T("drills", nil)
	running, _ := t.currentDrill()
	if ds := t.st.Drill; running != nil && !ds.Done && ds.Open {
		// One is being played: the way back to it comes first.
		text = t.T("drill_running", map[string]any{"Title": t.pick(running.Title)}) + "\n\n" + text
		rows = append(rows, []bot.Button{t.btn("btn_drill_back", actDrill, running.ID)})
	}
	for _, tr := range t.tracksInOrder() {
		for _, d := range tr.Drills {
			text += "\n\n" + t.T("drill_line", map[string]any{"Title": t.pick(d.Title), "Minutes": d.Minutes, "Summary": t.pick(d.Summary)})
			rows = append(rows, []bot.Button{{Label: "🚨 " + short(t.pick(d.Title), 40), Data: encode(actDrill, d.ID)}})
		}
	}
	if len(rows) == 0 {
		text = t.T("drills_none", nil)
	}
	return bot.Reply{Text: text, Buttons: append(rows, t.menuRow()...)}, nil
}

func (t *turn) showDrill() (bot.Reply, error) {
	ds := t.st.Drill
	_, task := t.currentDrill()
	if task == nil {
		t.st.Drill = nil
		t.goTo(scrDrills)
		return t.showDrills()
	}
	if ds.Done {
		t.goTo(scrDrillDone)
		return t.showDrillDone()
	}
	left := max(0, task.Limit-t.now.Sub(ds.Since))
	text := t.T("drill_task", map[string]any{
		"N": ds.N, "Channel": t.T("drill_channel_"+task.Channel, nil), "Left": mmss(left), "Prompt": t.pick(task.Prompt),
	})
	return bot.Reply{Text: text, Buttons: [][]bot.Button{{t.btn("btn_drill_stop", actDrillStop)}}}, nil
}

func (t *turn) showDrillDone() (bot.Reply, error) {
	ds := t.st.Drill
	if ds == nil {
		t.goTo(scrDrills)
		return t.showDrills()
	}
	d := t.cur.Drill(ds.Drill)
	title := ""
	if d != nil {
		title = t.pick(d.Title)
	}
	total := 0
	for _, r := range ds.Results {
		total += r.Score
	}
	score := 0
	if len(ds.Results) > 0 {
		score = (total + len(ds.Results)/2) / len(ds.Results)
	}
	lines := []string{t.T("drill_debrief", map[string]any{"Title": title, "Score": score})}
	var rows [][]bot.Button
	if len(t.st.DrillSteps) > 0 {
		lines = append(lines, "", t.T("drill_review", nil))
		for _, key := range t.st.DrillSteps {
			lesson, step, _ := strings.Cut(key, ".")
			ls := t.cur.Lesson(lesson)
			if ls == nil {
				continue
			}
			i := ls.StepIndex(step)
			lines = append(lines, t.T("drill_review_line", map[string]any{"Title": t.pick(ls.Title), "N": i + 1}))
			if len(rows) < 3 && i >= 0 {
				label := fmt.Sprintf("📖 %s · %d", short(t.pick(ls.Title), 36), i+1)
				rows = append(rows, []bot.Button{{Label: label, Data: encode(actStep, ls.ID, step)}})
			}
		}
		lines = append(lines, t.T("drill_review_added", nil))
	}
	rows = append(rows, []bot.Button{t.btn("btn_drill_other", actDrill), t.btn("btn_menu", actMenu)})
	return bot.Reply{Text: strings.Join(lines, "\n"), Buttons: rows}, nil
}

// mmss writes a duration as m:ss.
func mmss(d time.Duration) string {
	s := int(d / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

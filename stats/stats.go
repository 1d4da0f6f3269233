// Package stats builds what admins see of Bottega's use: learners by role,
// language and track, how many were active lately, the completion funnel of
// each lesson (started, finished, quiz passed), the learning gain (final
// check minus placement check) by track and by cohort, the hardest quiz
// questions, the questions the lessons did not answer, and the LLM's usage
// and cost.
// It renders them as a short chat summary, a PNG chart of the funnel and a
// table for the command line.
package stats

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
)

// PassPercent is the share of right answers that passes a quiz.
const PassPercent = 70

// Store is what the statistics read.
type Store interface {
	LearnerStats(ctx context.Context, today time.Time) (store.LearnerStats, error)
	LearnersInLessons(ctx context.Context, lessons []string) (int, error)
	Funnel(ctx context.Context, passPercent int) ([]store.LessonFunnel, error)
	HardestQuestions(ctx context.Context, minAnswers, limit int) ([]store.QuestionStat, error)
	UnansweredStats(ctx context.Context, limit int) (int, []store.Unanswered, error)
	LLMUsage(ctx context.Context, since time.Time) ([]store.Usage, error)
	GainStats(ctx context.Context) (bottega.GainStats, error)
}

// Report is every figure, at one moment.
type Report struct {
	At       time.Time
	Learners store.LearnerStats
	ByTrack  []store.Count
	// Funnel follows the curriculum's order; lessons nobody opened are
	// included with zeros.
	Funnel  []Lesson
	Hardest []Question
	// Unanswered counts the questions the lessons did not answer; Recent
	// are the latest.
	Unanswered int
	Recent     []store.Unanswered
	// Usage is the LLM's in the last 30 days.
	Usage []store.Usage
	// Gain is the learning gain by track and cohort.
	Gain bottega.GainStats
	// TrackTitles names the tracks, by id.
	TrackTitles map[string]content.Text
}

// Lesson is a lesson's funnel with its title.
type Lesson struct {
	store.LessonFunnel
	Title content.Text
}

// Question is a hard question with its text.
type Question struct {
	store.QuestionStat
	Text content.Text
}

// WrongShare is the share of wrong answers, 0 to 1.
func (q Question) WrongShare() float64 {
	if q.Answers == 0 {
		return 0
	}
	return float64(q.Wrong) / float64(q.Answers)
}

// Cost sums the usage's estimated cost. Calls counts the model's answers:
// rows of answers taken from the lessons alone (no LLM, or it failed) use
// no tokens and are not calls.
func (r Report) Cost() (calls int, tokens int64, usd float64) {
	for _, u := range r.Usage {
		if u.TokensIn+u.TokensOut > 0 {
			calls += u.Calls
		}
		tokens += u.TokensIn + u.TokensOut
		usd += u.CostUSD
	}
	return calls, tokens, usd
}

// Build reads the figures; cur gives lesson titles and the tracks' lessons
// (nil: ids only).
func Build(ctx context.Context, s Store, cur *content.Curriculum, now time.Time) (Report, error) {
	r := Report{At: now, TrackTitles: map[string]content.Text{}}
	var err error
	if r.Learners, err = s.LearnerStats(ctx, now); err != nil {
		return r, err
	}
	if cur == nil {
		cur = &content.Curriculum{}
	}
	for _, t := range cur.Tracks {
		r.TrackTitles[t.ID] = t.Title
		var ids []string
		for _, l := range t.Lessons {
			ids = append(ids, l.ID)
		}
		n, err := s.LearnersInLessons(ctx, ids)
		if err != nil {
			return r, err
		}
		r.ByTrack = append(r.ByTrack, store.Count{Key: t.ID, N: n})
	}
	funnel, err := s.Funnel(ctx, PassPercent)
	if err != nil {
		return r, err
	}
	byID := map[string]store.LessonFunnel{}
	for _, f := range funnel {
		byID[f.LessonID] = f
	}
	for _, l := range cur.Lessons() {
		f := byID[l.ID]
		f.LessonID = l.ID
		delete(byID, l.ID)
		r.Funnel = append(r.Funnel, Lesson{LessonFunnel: f, Title: l.Title})
	}
	var gone []string // lessons no longer published, still in the records
	for id := range byID {
		gone = append(gone, id)
	}
	sort.Strings(gone)
	for _, id := range gone {
		r.Funnel = append(r.Funnel, Lesson{LessonFunnel: byID[id]})
	}
	hard, err := s.HardestQuestions(ctx, 5, 5)
	if err != nil {
		return r, err
	}
	for _, q := range hard {
		hq := Question{QuestionStat: q}
		if l := cur.Lesson(q.LessonID); l != nil {
			for _, qq := range l.Quiz {
				if qq.ID == q.QuestionID {
					hq.Text = qq.Question
				}
			}
		}
		r.Hardest = append(r.Hardest, hq)
	}
	if r.Unanswered, r.Recent, err = s.UnansweredStats(ctx, 5); err != nil {
		return r, err
	}
	if r.Usage, err = s.LLMUsage(ctx, now.AddDate(0, 0, -30)); err != nil {
		return r, err
	}
	if r.Gain, err = s.GainStats(ctx); err != nil {
		return r, err
	}
	return r, nil
}

// Table writes the report for a terminal.
func (r Report) Table(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	l := r.Learners
	p("Learners\t%d\tactive 7 days\t%d\tactive 30 days\t%d\n\n", l.Total, l.Active7, l.Active30)
	counts := func(title string, cs []store.Count) {
		p("%s\tlearners\n", title)
		for _, c := range cs {
			p("  %s\t%d\n", cmpOr(c.Key, "(not chosen)"), c.N)
		}
		p("\n")
	}
	counts("Role", l.ByRole)
	counts("Language", l.ByLang)
	counts("Track", r.ByTrack)
	p("Lesson\tstarted\tfinished\tquiz passed\tfinished %%\n")
	for _, f := range r.Funnel {
		pct := "-"
		if f.Started > 0 {
			pct = fmt.Sprintf("%.0f%%", 100*float64(f.Finished)/float64(f.Started))
		}
		p("  %s\t%d\t%d\t%d\t%s\n", f.LessonID, f.Started, f.Finished, f.Passed, pct)
	}
	g := r.Gain
	p("\nLearning gain\tplacement checks %d\tfinal checks %d\tpassed %d\n", g.Placements, g.Finals, g.Passed)
	gains := func(title string, gs []bottega.GainGroup) {
		p("  %s\tlearners\tplacement\tfinal\tgain (points)\n", title)
		if len(gs) == 0 {
			p("    (nobody took both checks yet)\n")
		}
		for _, x := range gs {
			name := x.Key
			if x.Label != "" {
				name += " " + clip(x.Label, 40)
			}
			p("    %s\t%d\t%.1f%%\t%.1f%%\t%+.1f\n", name, x.N, x.Placement, x.Final, x.Gain)
		}
	}
	gains("by track", g.ByTrack)
	gains("by month started", g.ByMonth)
	gains("by invitation code", g.ByInvite)
	p("\nHardest questions\tanswers\twrong\n")
	if len(r.Hardest) == 0 {
		p("  (not enough answers yet)\n")
	}
	for _, q := range r.Hardest {
		p("  %s/%s %s\t%d\t%.0f%%\n", q.LessonID, q.QuestionID, clip(q.Text.Get("it"), 50), q.Answers, 100*q.WrongShare())
	}
	p("\nQuestions the lessons did not answer\t%d\n", r.Unanswered)
	for _, q := range r.Recent {
		p("  %s [%s]\t%s\n", clip(q.Text, 70), q.Locale, q.AskedAt.Format(time.DateOnly))
	}
	p("\nLLM usage, last 30 days\tcalls\ttokens in\ttokens out\tcost USD\n")
	for _, u := range r.Usage {
		p("  %s\t%d\t%d\t%d\t%.4f\n", u.Model, u.Calls, u.TokensIn, u.TokensOut, u.CostUSD)
	}
	var in, out int64
	for _, u := range r.Usage {
		in, out = in+u.TokensIn, out+u.TokensOut
	}
	calls, _, usd := r.Cost()
	p("  total (model)\t%d\t%d\t%d\t%.4f\n", calls, in, out, usd)
	return tw.Flush()
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// clip shortens s to n runes, with an ellipsis.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

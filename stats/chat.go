package stats

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/store"
)

// Texts renders messages (locales.Catalog).
type Texts interface {
	T(lang, id string, data map[string]any) string
}

// Replies renders the report for an admin's chat: a short summary, and the
// funnel as a PNG chart (when anyone opened a lesson).
func Replies(texts Texts, lang string, r Report) ([]bot.Reply, error) {
	out := []bot.Reply{{Text: Summary(texts, lang, r)}}
	if chartLessons(r, 1) == nil {
		return out, nil
	}
	png, err := FunnelPNG(texts, lang, r)
	if err != nil {
		return nil, err
	}
	out = append(out, bot.Reply{
		Text: texts.T(lang, "admin_stats_chart_caption", nil),
		File: &bot.File{Name: "funnel.png", Data: png},
	})
	return out, nil
}

// Summary is the report in a few lines.
func Summary(texts Texts, lang string, r Report) string {
	l := r.Learners
	lines := []string{texts.T(lang, "admin_stats_head", map[string]any{"Total": l.Total, "Active7": l.Active7, "Active30": l.Active30})}
	list := func(cs []store.Count, label func(string) string) string {
		var parts []string
		for _, c := range cs {
			if c.N > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", label(c.Key), c.N))
			}
		}
		if len(parts) == 0 {
			return "–"
		}
		return strings.Join(parts, " · ")
	}
	value := func(k string) string {
		if k == "" {
			return texts.T(lang, "admin_value_none", nil)
		}
		return texts.T(lang, "admin_value_"+k, nil)
	}
	lines = append(lines,
		texts.T(lang, "admin_stats_roles", map[string]any{"List": list(l.ByRole, value)}),
		texts.T(lang, "admin_stats_langs", map[string]any{"List": list(l.ByLang, strings.ToUpper)}),
		texts.T(lang, "admin_stats_tracks", map[string]any{"List": list(r.ByTrack, func(k string) string { return k })}))
	var started, finished, passed int
	top, topN := "", 0
	for _, f := range r.Funnel {
		started += f.Started
		finished += f.Finished
		passed += f.Passed
		if f.Started > topN {
			top, topN = f.Title.Get(lang), f.Started
			if top == "" {
				top = f.LessonID
			}
		}
	}
	lines = append(lines, texts.T(lang, "admin_stats_funnel", map[string]any{"Started": started, "Finished": finished, "Passed": passed, "Top": top}))
	if len(r.Hardest) > 0 {
		q := r.Hardest[0]
		text := q.Text.Get(lang)
		if text == "" {
			text = q.LessonID + "/" + q.QuestionID
		}
		lines = append(lines, texts.T(lang, "admin_stats_hardest", map[string]any{"Question": clip(text, 90), "Wrong": int(100*q.WrongShare() + 0.5)}))
	}
	last := ""
	if len(r.Recent) > 0 {
		last = clip(r.Recent[0].Text, 90)
	}
	lines = append(lines, texts.T(lang, "admin_stats_unanswered", map[string]any{"Count": r.Unanswered, "Last": last}))
	lines = append(lines, gainLines(texts, lang, r)...)
	calls, tokens, usd := r.Cost()
	lines = append(lines, texts.T(lang, "admin_stats_llm", map[string]any{"Calls": calls, "Tokens": tokens, "Cost": fmt.Sprintf("%.2f", usd)}))
	return strings.Join(lines, "\n")
}

// chartLessons picks the lessons to chart: the most started ones, at most
// n, in the curriculum's order; nil when nobody started any.
func chartLessons(r Report, n int) []Lesson {
	var ls []Lesson
	for _, f := range r.Funnel {
		if f.Started > 0 {
			ls = append(ls, f)
		}
	}
	if len(ls) == 0 {
		return nil
	}
	order := map[string]int{}
	for i, f := range ls {
		order[f.LessonID] = i
	}
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].Started > ls[j].Started })
	ls = ls[:min(n, len(ls))]
	sort.SliceStable(ls, func(i, j int) bool { return order[ls[i].LessonID] < order[ls[j].LessonID] })
	return ls
}

// ErrNoFunnel: no lesson was started, there is no funnel to draw.
var ErrNoFunnel = errors.New("funnel chart: no lesson was started yet")

// FunnelPNG draws the completion funnel of the most started lessons:
// per lesson, a bar each for started, finished and quiz passed.
func FunnelPNG(texts Texts, lang string, r Report) ([]byte, error) {
	ls := chartLessons(r, 12)
	if ls == nil {
		return nil, ErrNoFunnel
	}
	// Horizontal bars read top to bottom: the first lesson goes last.
	names := make([]string, len(ls))
	series := [3]plotter.Values{make(plotter.Values, len(ls)), make(plotter.Values, len(ls)), make(plotter.Values, len(ls))}
	for i, f := range ls {
		k := len(ls) - 1 - i
		names[k] = clip(f.Title.Get(lang), 34)
		if names[k] == "" {
			names[k] = f.LessonID
		}
		series[0][k], series[1][k], series[2][k] = float64(f.Started), float64(f.Finished), float64(f.Passed)
	}
	p := plot.New()
	p.Title.Text = texts.T(lang, "admin_stats_chart_title", nil)
	p.X.Label.Text = texts.T(lang, "admin_chart_learners", nil)
	p.X.Min = 0
	top := 0.0
	for _, v := range series[0] {
		top = max(top, v)
	}
	p.X.Max = top * 1.35 // room for the legend, top right
	width := vg.Points(7)
	colors := []color.Color{
		color.RGBA{R: 0x9e, G: 0xc5, B: 0xe8, A: 0xff},
		color.RGBA{R: 0x3a, G: 0x7c, B: 0xc0, A: 0xff},
		color.RGBA{R: 0x1f, G: 0x9d, B: 0x55, A: 0xff},
	}
	labels := []string{"admin_chart_started", "admin_chart_finished", "admin_chart_passed"}
	for i, vs := range series {
		b, err := plotter.NewBarChart(vs, width)
		if err != nil {
			return nil, fmt.Errorf("funnel chart: %w", err)
		}
		b.Horizontal = true
		b.Color = colors[i]
		b.LineStyle.Width = 0
		b.Offset = width * vg.Length(1-i)
		p.Add(b)
		p.Legend.Add(texts.T(lang, labels[i], nil), b)
	}
	p.Legend.Top = true
	p.NominalY(names...)
	p.Add(plotter.NewGrid())
	h := vg.Length(60+28*len(ls)) * vg.Points(1)
	wt, err := p.WriterTo(7*vg.Inch, max(h, 3*vg.Inch), "png")
	if err != nil {
		return nil, fmt.Errorf("funnel chart: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("funnel chart: %w", err)
	}
	return buf.Bytes(), nil
}

// gainLines are the learning gain in the summary: how many checks, then
// the average gain by track and by cohort (month started, invitation code).
func gainLines(texts Texts, lang string, r Report) []string {
	g := r.Gain
	lines := []string{texts.T(lang, "admin_stats_gain", map[string]any{"Placements": g.Placements, "Finals": g.Finals, "Passed": g.Passed})}
	title := func(id string) string {
		if t := r.TrackTitles[id].Get(lang); t != "" {
			return t
		}
		return id
	}
	group := func(head string, gs []bottega.GainGroup, name func(bottega.GainGroup) string) {
		if len(gs) == 0 {
			return
		}
		var parts []string
		for _, x := range gs {
			parts = append(parts, texts.T(lang, "admin_stats_gain_group", map[string]any{
				"Name": name(x), "Gain": fmt.Sprintf("%+.0f", x.Gain), "Placement": fmt.Sprintf("%.0f", x.Placement),
				"Final": fmt.Sprintf("%.0f", x.Final), "Count": x.N}))
		}
		lines = append(lines, texts.T(lang, head, nil)+" "+strings.Join(parts, " · "))
	}
	group("admin_stats_gain_tracks", g.ByTrack, func(x bottega.GainGroup) string { return title(x.Key) })
	group("admin_stats_gain_months", g.ByMonth, func(x bottega.GainGroup) string { return x.Key })
	group("admin_stats_gain_invites", g.ByInvite, func(x bottega.GainGroup) string {
		if x.Label != "" {
			return clip(x.Label, 40)
		}
		return x.Key
	})
	return lines
}

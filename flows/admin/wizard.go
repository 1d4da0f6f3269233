package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/stats"
)

// Audience filters: each button cycles through its values; index 0 is
// "everyone".
const (
	fieldTrack    = "t"
	fieldRole     = "r"
	fieldLevel    = "l"
	fieldLang     = "g"
	fieldActivity = "y"
)

var fields = []string{fieldTrack, fieldRole, fieldLevel, fieldLang, fieldActivity}

var fieldLabels = map[string]string{
	fieldTrack: "admin_aud_track", fieldRole: "admin_aud_role", fieldLevel: "admin_aud_level",
	fieldLang: "admin_aud_lang", fieldActivity: "admin_aud_activity",
}

// values lists a filter's values; "" is everyone.
func values(field string, cur *content.Curriculum) []string {
	switch field {
	case fieldTrack:
		v := []string{""}
		if cur != nil {
			for _, t := range cur.Tracks {
				v = append(v, t.ID)
			}
		}
		return v
	case fieldRole:
		return append([]string{""}, bottega.Roles()...)
	case fieldLevel:
		return append([]string{""}, bottega.Levels()...)
	case fieldLang:
		return append([]string{""}, locales.Supported...)
	case fieldActivity:
		return bottega.Activities()
	}
	return []string{""}
}

func value(st state, field string, cur *content.Curriculum) string {
	vs := values(field, cur)
	i := st.Filter[field]
	if i < 0 || i >= len(vs) {
		return ""
	}
	return vs[i]
}

// valueLabel shows a filter's value to the admin.
func (a *Admin) valueLabel(lang, field, v string, cur *content.Curriculum) string {
	switch {
	case v == "":
		return a.o.Texts.T(lang, "admin_aud_all", nil)
	case field == fieldTrack && cur != nil && cur.Track(v) != nil:
		return cur.Track(v).Title.Get(lang)
	case field == fieldLang:
		return strings.ToUpper(v)
	}
	return a.o.Texts.T(lang, "admin_value_"+v, nil)
}

// audience turns the wizard's filters into an audience.
func audience(platform string, st state, cur *content.Curriculum) bottega.Audience {
	a := bottega.Audience{Platform: platform}
	if v := value(st, fieldRole, cur); v != "" {
		a.Roles = []string{v}
	}
	if v := value(st, fieldLevel, cur); v != "" {
		a.Levels = []string{v}
	}
	if v := value(st, fieldLang, cur); v != "" {
		a.Languages = []string{v}
	}
	if v := value(st, fieldTrack, cur); v != "" {
		a.Tracks = []string{v}
	}
	_ = a.SetActivity(value(st, fieldActivity, cur)) // one of bottega.Activities
	return a
}

// startBroadcast is /broadcast: with text, a message to send; without, the
// choice between a lesson and a message.
func (a *Admin) startBroadcast(ctx context.Context, l bottega.Learner, u bot.Update, text string) ([]bot.Reply, error) {
	lang := langOf(l, u)
	if text != "" {
		st := state{Step: "audience", Kind: bottega.BroadcastText, Text: text}
		if err := a.save(ctx, u, st); err != nil {
			return nil, err
		}
		r, err := a.audienceScreen(ctx, lang, u, st)
		return []bot.Reply{r}, err
	}
	if err := a.save(ctx, u, state{Step: "kind"}); err != nil {
		return nil, err
	}
	return []bot.Reply{{
		Text: a.o.Texts.T(lang, "admin_bc_choose_kind", nil),
		Buttons: [][]bot.Button{
			{a.btn(lang, "admin_btn_kind_lesson", data(codeKind, bottega.BroadcastLesson)), a.btn(lang, "admin_btn_kind_text", data(codeKind, bottega.BroadcastText))},
			{a.btn(lang, "admin_btn_quit", data(codeQuit))},
		},
	}}, nil
}

// wizardButton handles the /broadcast wizard's buttons.
func (a *Admin) wizardButton(ctx context.Context, l bottega.Learner, u bot.Update, code, arg string) ([]bot.Reply, error) {
	lang := langOf(l, u)
	st, err := a.load(ctx, u)
	if err != nil {
		return nil, err
	}
	cur, _, err := a.o.Library.Current(ctx)
	if err != nil {
		return nil, err
	}
	edit := func(r bot.Reply, err error) ([]bot.Reply, error) {
		if err != nil {
			return nil, err
		}
		r.Edit = true
		return []bot.Reply{r}, nil
	}
	switch {
	case code == codeQuit:
		if err := a.save(ctx, u, state{}); err != nil {
			return nil, err
		}
		return edit(bot.Reply{Text: a.o.Texts.T(lang, "admin_bc_quit", nil)}, nil)
	case code == codeKind && st.Step == "kind" && arg == bottega.BroadcastText:
		st.Step = "text"
		if err := a.save(ctx, u, st); err != nil {
			return nil, err
		}
		return edit(bot.Reply{Text: a.o.Texts.T(lang, "admin_bc_text_hint", nil),
			Buttons: [][]bot.Button{{a.btn(lang, "admin_btn_quit", data(codeQuit))}}}, nil)
	case code == codeKind && st.Step == "kind" && arg == bottega.BroadcastLesson,
		code == codePage && st.Step == "lesson":
		st.Step, st.Page = "lesson", 0
		if code == codePage {
			st.Page, _ = strconv.Atoi(arg)
		}
		if err := a.save(ctx, u, st); err != nil {
			return nil, err
		}
		return edit(a.lessonScreen(lang, st, cur), nil)
	case code == codeLesson && st.Step == "lesson" && cur.Lesson(arg) != nil:
		st.Step, st.Kind, st.Lesson = "audience", bottega.BroadcastLesson, arg
		if err := a.save(ctx, u, st); err != nil {
			return nil, err
		}
		return edit(a.audienceScreen(ctx, lang, u, st))
	case code == codeFilter && st.Step == "audience" && contains(fields, arg):
		if st.Filter == nil {
			st.Filter = map[string]int{}
		}
		st.Filter[arg] = (st.Filter[arg] + 1) % len(values(arg, cur))
		if err := a.save(ctx, u, st); err != nil {
			return nil, err
		}
		return edit(a.audienceScreen(ctx, lang, u, st))
	case code == codeBack && st.Step == "preview":
		st.Step = "audience"
		if err := a.save(ctx, u, st); err != nil {
			return nil, err
		}
		return edit(a.audienceScreen(ctx, lang, u, st))
	case code == codePreview && st.Step == "audience":
		n, err := a.o.Broadcasts.CountAudience(ctx, audience(u.Platform, st, cur))
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return []bot.Reply{{Notice: a.o.Texts.T(lang, "admin_bc_nobody", nil)}}, nil
		}
		st.Step = "preview"
		if err := a.save(ctx, u, st); err != nil {
			return nil, err
		}
		return edit(a.previewScreen(ctx, lang, st, n))
	case code == codeSend && st.Step == "preview":
		return a.send(ctx, l, u, st, cur)
	}
	return a.expired(lang), nil
}

const lessonsPerPage = 8

// lessonScreen lists the lessons to choose from, the newest first.
func (a *Admin) lessonScreen(lang string, st state, cur *content.Curriculum) bot.Reply {
	all := cur.Lessons()
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	pages := max(1, (len(all)+lessonsPerPage-1)/lessonsPerPage)
	page := min(max(st.Page, 0), pages-1)
	var rows [][]bot.Button
	for _, l := range all[page*lessonsPerPage : min(len(all), (page+1)*lessonsPerPage)] {
		rows = append(rows, []bot.Button{{Label: l.Title.Get(lang), Data: data(codeLesson, l.ID)}})
	}
	var nav []bot.Button
	if page > 0 {
		nav = append(nav, a.btn(lang, "admin_btn_prev", data(codePage, strconv.Itoa(page-1))))
	}
	if page < pages-1 {
		nav = append(nav, a.btn(lang, "admin_btn_next", data(codePage, strconv.Itoa(page+1))))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	rows = append(rows, []bot.Button{a.btn(lang, "admin_btn_quit", data(codeQuit))})
	return bot.Reply{Text: a.o.Texts.T(lang, "admin_bc_choose_lesson", map[string]any{"Page": page + 1, "Pages": pages}), Buttons: rows}
}

// audienceScreen shows the filters and how many learners they keep.
func (a *Admin) audienceScreen(ctx context.Context, lang string, u bot.Update, st state) (bot.Reply, error) {
	cur, _, err := a.o.Library.Current(ctx)
	if err != nil {
		return bot.Reply{}, err
	}
	n, err := a.o.Broadcasts.CountAudience(ctx, audience(u.Platform, st, cur))
	if err != nil {
		return bot.Reply{}, err
	}
	what := a.o.Texts.T(lang, "admin_what_text", nil)
	if st.Kind == bottega.BroadcastLesson {
		what = a.o.Texts.T(lang, "admin_what_lesson", map[string]any{"Title": lessonTitle(cur, st.Lesson, lang)})
	}
	var rows [][]bot.Button
	for _, f := range fields {
		label := a.o.Texts.T(lang, fieldLabels[f], map[string]any{"Value": a.valueLabel(lang, f, value(st, f, cur), cur)})
		rows = append(rows, []bot.Button{{Label: label, Data: data(codeFilter, f)}})
	}
	rows = append(rows, []bot.Button{a.btn(lang, "admin_btn_preview", data(codePreview)), a.btn(lang, "admin_btn_quit", data(codeQuit))})
	return bot.Reply{Text: a.o.Texts.T(lang, "admin_bc_audience", map[string]any{"What": what, "Count": n}), Buttons: rows}, nil
}

// previewScreen shows the message as the admin would receive it.
func (a *Admin) previewScreen(ctx context.Context, lang string, st state, n int) (bot.Reply, error) {
	d := bottega.Delivery{Kind: bottega.DeliveryBroadcast, BroadcastKind: st.Kind, LessonID: st.Lesson, Text: st.Text, Locale: lang}
	msg, err := a.msgs.Render(ctx, d)
	if err != nil {
		return bot.Reply{}, err
	}
	minutes := int(math.Ceil(float64(n) / a.o.Rate / 60))
	text := a.o.Texts.T(lang, "admin_bc_preview", map[string]any{"Count": n, "Rate": a.o.Rate, "Minutes": minutes}) + "\n\n" + msg.Text
	return bot.Reply{Text: text, Buttons: [][]bot.Button{
		{{Label: a.o.Texts.T(lang, "admin_btn_send", map[string]any{"Count": n}), Data: data(codeSend)}},
		{a.btn(lang, "admin_btn_back", data(codeBack)), a.btn(lang, "admin_btn_quit", data(codeQuit))},
	}}, nil
}

// send starts the broadcast: the preview message becomes its progress
// message.
func (a *Admin) send(ctx context.Context, l bottega.Learner, u bot.Update, st state, cur *content.Curriculum) ([]bot.Reply, error) {
	lang := langOf(l, u)
	b, err := a.o.Broadcasts.StartBroadcast(ctx, bottega.Broadcast{
		CreatedBy: u.UserID, Kind: st.Kind, LessonID: st.Lesson, Text: st.Text, Rate: a.o.Rate,
		ProgressChat: u.ChatID, ProgressMessage: u.MessageID, ProgressLang: lang,
	}, audience(u.Platform, st, cur))
	if err != nil {
		return nil, err
	}
	if err := a.save(ctx, u, state{}); err != nil {
		return nil, err
	}
	r := Progress(a.o.Texts, cur)(b, bottega.DeliveryCounts{Pending: b.Total})
	r.Edit = true
	r.Notice = a.o.Texts.T(lang, "admin_bc_started", map[string]any{"Count": b.Total})
	return []bot.Reply{r}, nil
}

// Progress renders a broadcast's progress message, in the language of the
// admin who started it, with the buttons that fit its status. cur names
// the lesson (nil: the id).
func Progress(texts Texts, cur *content.Curriculum) func(b bottega.Broadcast, c bottega.DeliveryCounts) bot.Reply {
	return func(b bottega.Broadcast, c bottega.DeliveryCounts) bot.Reply {
		lang := b.ProgressLang
		what := texts.T(lang, "admin_what_text", nil)
		if b.Kind == bottega.BroadcastLesson {
			what = texts.T(lang, "admin_what_lesson", map[string]any{"Title": lessonTitle(cur, b.LessonID, lang)})
		}
		text := texts.T(lang, "admin_progress", map[string]any{
			"ID": b.ID, "What": what, "Status": texts.T(lang, "admin_status_"+b.Status, nil),
			"Sent": c.Sent, "Failed": c.Failed, "Blocked": c.Blocked, "Left": c.Left(),
			"Uncertain": c.Uncertain, "Total": c.Total(),
		})
		id := strconv.FormatInt(b.ID, 10)
		btn := func(label, code string) bot.Button {
			return bot.Button{Label: texts.T(lang, label, nil), Data: data(code, id)}
		}
		var rows [][]bot.Button
		switch b.Status {
		case bottega.BroadcastRunning:
			rows = [][]bot.Button{{btn("admin_btn_pause", codePause), btn("admin_btn_cancel", codeCancel)}}
		case bottega.BroadcastPaused:
			rows = [][]bot.Button{{btn("admin_btn_resume", codeResume), btn("admin_btn_cancel", codeCancel)}}
		}
		return bot.Reply{Text: text, Buttons: rows}
	}
}

// controlButton pauses, resumes or cancels from the progress message.
func (a *Admin) controlButton(ctx context.Context, l bottega.Learner, arg, status string) ([]bot.Reply, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return a.expired(l.Locale), nil
	}
	r, ok, err := a.setStatus(ctx, l.Locale, id, status)
	if err != nil || !ok {
		return a.expired(l.Locale), err
	}
	r.Edit = true
	return []bot.Reply{r}, nil
}

// control is /pause, /resume or /cancel [id]: without an id, the newest
// active broadcast.
func (a *Admin) control(ctx context.Context, l bottega.Learner, u bot.Update, arg, status string) ([]bot.Reply, error) {
	lang := langOf(l, u)
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(arg), "#"), 10, 64)
	if err != nil {
		bs, err := a.o.Broadcasts.FindBroadcasts(ctx, bottega.BroadcastFilter{Platform: u.Platform, Active: true, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(bs) == 0 {
			return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_no_broadcast", nil)}}, nil
		}
		id = bs[0].ID
	}
	r, ok, err := a.setStatus(ctx, lang, id, status)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_no_broadcast", nil)}}, nil
	}
	r.Text = r.Notice + "\n\n" + r.Text
	r.Notice = ""
	return []bot.Reply{r}, nil
}

// setStatus changes a broadcast's status and renders its progress; ok is
// false when the broadcast does not exist or cannot take that status.
func (a *Admin) setStatus(ctx context.Context, lang string, id int64, status string) (bot.Reply, bool, error) {
	p, err := a.o.Broadcasts.SetBroadcastStatus(ctx, id, status)
	if c := bottega.ErrorCode(err); c == bottega.ENOTFOUND || c == bottega.ECONFLICT {
		return bot.Reply{}, false, nil
	} else if err != nil {
		return bot.Reply{}, false, err
	}
	cur, _, err := a.o.Library.Current(ctx)
	if err != nil {
		return bot.Reply{}, false, err
	}
	r := Progress(a.o.Texts, cur)(p.Broadcast, p.Counts)
	r.Notice = a.o.Texts.T(lang, "admin_done_"+status, nil)
	return r, true, nil
}

// stats is /stats: a short summary and the completion funnel as a chart.
func (a *Admin) stats(_ context.Context, l bottega.Learner) ([]bot.Reply, error) {
	raw, err := json.Marshal(statsData{Lang: l.Locale})
	if err != nil {
		return nil, fmt.Errorf("encode stats task: %w", err)
	}
	return []bot.Reply{{Task: &bot.Task{Kind: StatsTask, Data: raw}}}, nil
}

// StatsTask is the kind of the task that answers /stats: the figures and
// the chart, read and drawn after the command is committed, outside the
// update's transaction. Register Tasks with the dispatcher.
const StatsTask = "admin.stats"

// statsData is a StatsTask's data.
type statsData struct {
	Lang string `json:"lang"`
}

// runStats is the StatsTask.
func (a *Admin) runStats(ctx context.Context, s bot.Sender, chatID string, raw json.RawMessage) error {
	var d statsData
	if err := json.Unmarshal(raw, &d); err != nil {
		return fmt.Errorf("stats task: %w", err)
	}
	replies, err := a.statsReplies(ctx, d.Lang)
	if err != nil {
		_, _ = s.Send(ctx, chatID, bot.Reply{Text: a.o.Texts.T(d.Lang, "error_generic", nil)})
		return err
	}
	return sendAll(ctx, s, chatID, replies)
}

func (a *Admin) statsReplies(ctx context.Context, lang string) ([]bot.Reply, error) {
	cur, _, err := a.o.Library.Current(ctx)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	rep, err := stats.Build(ctx, a.o.Store, cur, a.o.Clock())
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	return stats.Replies(a.o.Texts, lang, rep)
}

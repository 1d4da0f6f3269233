package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot/console"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/whatsapp"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/locales"
)

// funnelTrack is one track's completion funnel, for the chart.
type funnelTrack struct {
	Title   string
	Max     int
	Lessons []funnelLesson
}

type funnelLesson struct {
	Title string
	bottega.LessonFunnel
}

func (h *Handler) overview(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	o, err := h.o.Stats.Overview(ctx, h.o.Clock().In(bottega.Location("")))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cur, _, err := h.o.Library.Current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lang := h.lang(w, r)
	byLesson := map[string]bottega.LessonFunnel{}
	for _, f := range o.Funnel {
		byLesson[f.LessonID] = f
	}
	var tracks []funnelTrack
	for _, t := range cur.Tracks {
		ft := funnelTrack{Title: t.Title.Get(lang)}
		for _, l := range t.Lessons {
			f := byLesson[l.ID]
			f.LessonID = l.ID
			ft.Lessons = append(ft.Lessons, funnelLesson{Title: l.Title.Get(lang), LessonFunnel: f})
			ft.Max = max(ft.Max, f.Started)
		}
		tracks = append(tracks, ft)
	}
	modes := []string{"llm", "offline", "fallback", "uncovered", ""}
	var answered []map[string]any
	for _, m := range modes {
		if n := o.Questions[m]; n > 0 {
			answered = append(answered, map[string]any{"Mode": "mode_" + m, "N": n})
		}
	}
	h.render(w, r, http.StatusOK, "overview", s, map[string]any{
		"O": o, "Accuracy": fmt.Sprintf("%.0f%%", o.Accuracy()*100), "Tracks": tracks, "Modes": answered,
		"Asked": o.QuestionsAsked(), "Days": bottega.RecentDays,
	})
}

// form is the broadcast being composed.
type form struct {
	Kind, Lesson, Text, Track, Role, Level, Lang, Activity string
	// Platform is where the learners are; empty: the admin's own.
	Platform string
}

// platforms are those a broadcast may go to.
var platforms = []string{telegram.Platform, whatsapp.Platform, console.Platform}

// counted is what a count was made for, the audience and the message: a
// send must be for what the admin saw counted, not for filters changed
// since (the count on the button would be another audience's).
func counted(a bottega.Audience, b bottega.Broadcast, n int) string {
	raw, _ := json.Marshal(struct { // #nosec G104 -- plain structs always encode
		A    bottega.Audience
		K, L string
		T    string
		N    int
	}{a, b.Kind, b.LessonID, b.Text, n})
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:12])
}

func readForm(r *http.Request) form {
	return form{
		Kind: r.PostFormValue("kind"), Lesson: r.PostFormValue("lesson"), Text: strings.TrimSpace(r.PostFormValue("text")),
		Track: r.PostFormValue("track"), Role: r.PostFormValue("role"), Level: r.PostFormValue("level"),
		Lang: r.PostFormValue("lang"), Activity: r.PostFormValue("activity"), Platform: r.PostFormValue("platform"),
	}
}

func (f form) audience(platform string) (bottega.Audience, error) {
	if slices.Contains(platforms, f.Platform) {
		platform = f.Platform
	}
	a := bottega.Audience{Platform: platform}
	for _, p := range []struct {
		v  string
		to *[]string
	}{{f.Track, &a.Tracks}, {f.Role, &a.Roles}, {f.Level, &a.Levels}, {f.Lang, &a.Languages}} {
		if p.v != "" {
			*p.to = []string{p.v}
		}
	}
	return a, a.SetActivity(f.Activity)
}

func (f form) broadcast(s *session, rate float64) bottega.Broadcast {
	b := bottega.Broadcast{CreatedBy: s.UserID, Kind: f.Kind, Text: f.Text, Rate: rate}
	if f.Kind == bottega.BroadcastLesson {
		b.LessonID = f.Lesson
	}
	return b
}

// composeData is what the compose form needs: the choices, and the form
// as filled in.
func (h *Handler) composeData(r *http.Request, f form, lang string) (map[string]any, error) {
	cur, _, err := h.o.Library.Current(r.Context())
	if err != nil {
		return nil, err
	}
	type opt struct{ Value, Label string }
	var lessons, tracks []opt
	titles := map[string]string{} // for the history
	for _, l := range cur.Lessons() {
		lessons = append(lessons, opt{l.ID, l.Title.Get(lang)})
		titles[l.ID] = l.Title.Get(lang)
	}
	for _, t := range cur.Tracks {
		tracks = append(tracks, opt{t.ID, t.Title.Get(lang)})
	}
	if f.Kind == "" {
		f.Kind = bottega.BroadcastLesson
	}
	var activities []opt
	for _, a := range bottega.Activities()[1:] {
		activities = append(activities, opt{a, h.words[lang]["activity_"+a]})
	}
	var roles []opt
	for _, ro := range bottega.Roles() {
		roles = append(roles, opt{ro, h.words[lang]["role_"+ro]})
	}
	var levels []opt
	for _, l := range bottega.Levels() {
		levels = append(levels, opt{l, h.words[lang]["level_"+l]})
	}
	var langs []opt
	for _, l := range locales.Supported {
		langs = append(langs, opt{l, strings.ToUpper(l)})
	}
	var plats []opt
	for _, p := range platforms {
		plats = append(plats, opt{p, h.words[lang]["platform_"+p]})
	}
	return map[string]any{"F": f, "Lessons": lessons, "TrackOpts": tracks, "Roles": roles, "Levels": levels,
		"Langs": langs, "Activities": activities, "Titles": titles, "Platforms": plats}, nil
}

func (h *Handler) broadcasts(w http.ResponseWriter, r *http.Request, s *session) {
	h.broadcastsPage(w, r, s, http.StatusOK, form{}, nil)
}

func (h *Handler) broadcastsPage(w http.ResponseWriter, r *http.Request, s *session, status int, f form, extra map[string]any) {
	lang := h.lang(w, r)
	data, err := h.composeData(r, f, lang)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	list, err := h.o.Broadcasts.FindBroadcasts(r.Context(), bottega.BroadcastFilter{Limit: 30})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data["List"] = list
	for k, v := range extra {
		data[k] = v
	}
	h.render(w, r, status, "broadcasts", s, data)
}

// composeBroadcast counts the audience (action preview) or starts the
// broadcast (action send).
func (h *Handler) composeBroadcast(w http.ResponseWriter, r *http.Request, s *session) {
	f := readForm(r)
	if !slices.Contains(platforms, f.Platform) {
		f.Platform = s.Platform
	}
	a, err := f.audience(s.Platform)
	if err != nil {
		h.broadcastsPage(w, r, s, http.StatusBadRequest, f, map[string]any{"Error": h.errorText(h.lang(w, r), err)})
		return
	}
	b := f.broadcast(s, h.o.Rate)
	cur, _, err := h.o.Library.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := b.Check(cur); err != nil {
		h.broadcastsPage(w, r, s, http.StatusBadRequest, f, map[string]any{"Error": h.errorText(h.lang(w, r), err)})
		return
	}
	n, err := h.o.Broadcasts.CountAudience(r.Context(), a)
	if bottega.ErrorCode(err) == bottega.EINVALID {
		h.broadcastsPage(w, r, s, http.StatusBadRequest, f, map[string]any{"Error": h.errorText(h.lang(w, r), err)})
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	sig := counted(a, b, n)
	changed := r.PostFormValue("action") == "send" && r.PostFormValue("counted") != sig
	if r.PostFormValue("action") != "send" || n == 0 || changed {
		// A count, or a send of what was not counted: the count again,
		// and the button sends this one.
		out := map[string]any{"Count": n, "Counted": true, "Sig": sig}
		if changed && n > 0 {
			out["Error"] = h.words[h.lang(w, r)]["count_changed"]
		}
		if h.o.Message != nil {
			// What the learners will get, in the admin's language.
			msg, err := h.o.Message(r.Context(), bottega.Delivery{
				Kind: bottega.DeliveryBroadcast, BroadcastKind: b.Kind, LessonID: b.LessonID, Text: b.Text, Locale: h.lang(w, r)})
			if err != nil {
				h.fail(w, r, err)
				return
			}
			out["Message"] = msg
		}
		h.broadcastsPage(w, r, s, http.StatusOK, f, out)
		return
	}
	started, err := h.o.Broadcasts.StartBroadcast(r.Context(), b, a)
	if bottega.ErrorCode(err) == bottega.EINVALID {
		h.broadcastsPage(w, r, s, http.StatusBadRequest, f, map[string]any{"Error": h.errorText(h.lang(w, r), err)})
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/console/broadcasts/%d", started.ID), http.StatusSeeOther)
}

func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

func (h *Handler) broadcast(w http.ResponseWriter, r *http.Request, s *session) {
	id, ok := pathID(r)
	if !ok {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	h.broadcastByID(w, r, s, id, "")
}

// broadcastByID shows broadcast id's page with notice ("confirm": the
// question before a cancel).
func (h *Handler) broadcastByID(w http.ResponseWriter, r *http.Request, s *session, id int64, notice string) {
	p, err := h.o.Broadcasts.BroadcastProgress(r.Context(), id)
	if bottega.ErrorCode(err) == bottega.ENOTFOUND {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showBroadcast(w, r, s, p, notice)
}

func (h *Handler) showBroadcast(w http.ResponseWriter, r *http.Request, s *session, p bottega.BroadcastProgress, notice string) {
	title := ""
	if p.Kind == bottega.BroadcastLesson {
		if cur, _, err := h.o.Library.Current(r.Context()); err == nil && cur.Lesson(p.LessonID) != nil {
			title = cur.Lesson(p.LessonID).Title.Get(h.lang(w, r))
		} else {
			title = p.LessonID
		}
	}
	// Asked to confirm a cancel, the page waits for the answer: a reload
	// would take the question away.
	confirm := notice == "confirm"
	if confirm {
		notice = ""
	}
	refresh := 0
	if (p.Status == bottega.BroadcastRunning || p.Status == bottega.BroadcastPaused) && !confirm {
		refresh = 3
	}
	h.render(w, r, http.StatusOK, "broadcast", s, map[string]any{
		"B": p, "C": p.Counts, "Done": p.Counts.Total() - p.Counts.Left(), "LessonTitle": title, "Refresh": refresh,
		"Notice": notice, "Running": p.Status == bottega.BroadcastRunning, "Paused": p.Status == bottega.BroadcastPaused,
		"Confirm": confirm && (p.Status == bottega.BroadcastRunning || p.Status == bottega.BroadcastPaused),
	})
}

func (h *Handler) controlBroadcast(w http.ResponseWriter, r *http.Request, s *session) {
	id, ok := pathID(r)
	status := map[string]string{"pause": bottega.BroadcastPaused, "resume": bottega.BroadcastRunning, "cancel": bottega.BroadcastCancelled}[r.PathValue("action")]
	if !ok || status == "" {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	if status == bottega.BroadcastCancelled && r.PostFormValue("confirm") != "yes" {
		// It cannot be undone: asked first.
		h.broadcastByID(w, r, s, id, "confirm")
		return
	}
	p, err := h.o.Broadcasts.SetBroadcastStatus(r.Context(), id, status)
	switch bottega.ErrorCode(err) {
	case "":
		if err != nil {
			h.fail(w, r, err)
			return
		}
		// #nosec G710 -- the target is this console's own path, built from a parsed integer
		http.Redirect(w, r, fmt.Sprintf("/console/broadcasts/%d", id), http.StatusSeeOther)
	case bottega.ENOTFOUND:
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
	default:
		h.showBroadcast(w, r, s, p, "err_status")
	}
}

func (h *Handler) learners(w http.ResponseWriter, r *http.Request, s *session) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	list, err := h.o.Learners.FindLearners(r.Context(), bottega.LearnerFilter{Query: q, Limit: 50})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "learners", s, map[string]any{"Q": q, "List": list, "Deleted": r.URL.Query().Get("deleted")})
}

func (h *Handler) loadLearner(w http.ResponseWriter, r *http.Request) (bottega.LearnerDetail, bool) {
	id, ok := pathID(r)
	if !ok {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return bottega.LearnerDetail{}, false
	}
	d, err := h.o.Learners.LearnerDetail(r.Context(), id)
	if bottega.ErrorCode(err) == bottega.ENOTFOUND {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return d, false
	} else if err != nil {
		h.fail(w, r, err)
		return d, false
	}
	return d, true
}

// lessonRow is a learner's progress in one lesson, with its title.
type lessonRow struct {
	Title string
	bottega.LessonProgress
	Steps int
}

func (h *Handler) learner(w http.ResponseWriter, r *http.Request, s *session) {
	d, ok := h.loadLearner(w, r)
	if !ok {
		return
	}
	lang := h.lang(w, r)
	cur, _, err := h.o.Library.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	title := func(id string) string {
		if l := cur.Lesson(id); l != nil {
			return l.Title.Get(lang)
		}
		return id
	}
	var rows []lessonRow
	for _, p := range d.Progress {
		row := lessonRow{Title: title(p.LessonID), LessonProgress: p}
		if l := cur.Lesson(p.LessonID); l != nil {
			row.Steps = len(l.Steps)
		}
		rows = append(rows, row)
	}
	type answerRow struct {
		Lesson, Question string
		bottega.Answer
	}
	var answers []answerRow
	for _, a := range d.Answers {
		q := a.QuestionID
		if l := cur.Lesson(a.LessonID); l != nil {
			q = quizText(l, a.QuestionID, lang)
		}
		answers = append(answers, answerRow{Lesson: title(a.LessonID), Question: q, Answer: a})
	}
	h.render(w, r, http.StatusOK, "learner", s, map[string]any{"L": d.Learner, "Progress": rows, "Answers": answers, "Questions": d.Questions})
}

// quizText is the text of a lesson's quiz question, its id if unknown.
func quizText(l *content.Lesson, id, lang string) string {
	for _, q := range l.Quiz {
		if q.ID == id {
			return q.Question.Get(lang)
		}
	}
	return id
}

func (h *Handler) exportLearner(w http.ResponseWriter, r *http.Request, s *session) {
	id, ok := pathID(r)
	if !ok {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	data, err := h.o.Learners.ExportLearner(r.Context(), id)
	if bottega.ErrorCode(err) == bottega.ENOTFOUND {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	body, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="bottega-learner-%d.json"`, id))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

func (h *Handler) confirmDelete(w http.ResponseWriter, r *http.Request, s *session) {
	d, ok := h.loadLearner(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "delete", s, map[string]any{"L": d.Learner})
}

func (h *Handler) deleteLearner(w http.ResponseWriter, r *http.Request, s *session) {
	id, ok := pathID(r)
	if !ok {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		d, ok := h.loadLearner(w, r)
		if ok {
			h.render(w, r, http.StatusBadRequest, "delete", s, map[string]any{"L": d.Learner, "Unconfirmed": true})
		}
		return
	}
	err := h.o.Learners.DeleteLearner(r.Context(), id)
	if bottega.ErrorCode(err) == bottega.ENOTFOUND {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	h.o.Logger.Info("console: learner deleted", "learner", id, "admin", s.UserID)
	http.Redirect(w, r, "/console/learners?deleted=1", http.StatusSeeOther)
}

func (h *Handler) questions(w http.ResponseWriter, r *http.Request, s *session) {
	kind := r.URL.Query().Get("kind")
	if kind != bottega.QuestionsUnhelpful {
		kind = bottega.QuestionsUncovered
	}
	list, err := h.o.Stats.FindQuestions(r.Context(), bottega.QuestionFilter{Kind: kind, Limit: 100})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cur, _, err := h.o.Library.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lang := h.lang(w, r)
	type row struct {
		bottega.QuestionReport
		Titles []string
	}
	rows := make([]row, len(list))
	for i, q := range list {
		rows[i].QuestionReport = q
		for _, id := range q.Lessons {
			t := id
			if l := cur.Lesson(id); l != nil {
				t = l.Title.Get(lang)
			}
			rows[i].Titles = append(rows[i].Titles, t)
		}
	}
	h.render(w, r, http.StatusOK, "questions", s, map[string]any{"Kind": kind, "List": rows})
}

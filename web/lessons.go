package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/locales"
)

// version picks the curriculum version a page shows: ?v=N, else the
// current one. The list of versions comes with it, the newest first.
func (h *Handler) version(w http.ResponseWriter, r *http.Request) (*content.Curriculum, int64, []bottega.CurriculumVersion, bool) {
	ctx := r.Context()
	versions, err := h.o.Publishing.Versions(ctx, 30)
	if err != nil {
		h.fail(w, r, err)
		return nil, 0, nil, false
	}
	if len(versions) == 0 {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return nil, 0, nil, false
	}
	v := versions[0].ID
	if s := r.URL.Query().Get("v"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			h.refuse(w, r, http.StatusNotFound, "err_notfound")
			return nil, 0, nil, false
		}
		v = n
	}
	c, err := h.versions.get(ctx, h.o.Publishing, v)
	if bottega.ErrorCode(err) == bottega.ENOTFOUND {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return nil, 0, nil, false
	} else if err != nil {
		h.fail(w, r, err)
		return nil, 0, nil, false
	}
	return c, v, versions, true
}

func (h *Handler) lessons(w http.ResponseWriter, r *http.Request, s *session) {
	c, v, versions, ok := h.version(w, r)
	if !ok {
		return
	}
	h.lessonsPage(w, r, s, http.StatusOK, c, v, versions, nil)
}

func (h *Handler) lessonsPage(w http.ResponseWriter, r *http.Request, s *session, status int, c *content.Curriculum, v int64, versions []bottega.CurriculumVersion, extra map[string]any) {
	lang := h.lang(w, r)
	type lessonRow struct {
		ID, Title, Level string
		Minutes, Steps   int
		Questions        int
		Locales          []string
	}
	type trackRow struct {
		ID, Title string
		Lessons   []lessonRow
	}
	var tracks []trackRow
	for _, t := range c.Tracks {
		tr := trackRow{ID: t.ID, Title: t.Title.Get(lang)}
		for _, l := range t.Lessons {
			tr.Lessons = append(tr.Lessons, lessonRow{ID: l.ID, Title: l.Title.Get(lang), Level: l.Level, Minutes: l.Minutes,
				Steps: len(l.Steps), Questions: len(l.Quiz), Locales: l.Locales})
		}
		tracks = append(tracks, tr)
	}
	data := map[string]any{"Tracks": tracks, "Version": v, "Current": versions[0].ID, "Versions": versions,
		"Published": r.URL.Query().Get("published"), "TrackIDs": trackIDs(c)}
	if v == versions[0].ID {
		// The files the learners' steps lack now, since the folder they
		// were published from moved.
		data["Missing"] = content.MissingFiles(c)
	}
	for k, x := range extra {
		data[k] = x
	}
	h.render(w, r, status, "lessons", s, data)
}

func trackIDs(c *content.Curriculum) []string {
	var ids []string
	for _, t := range c.Tracks {
		ids = append(ids, t.ID)
	}
	return ids
}

// screen is one of a lesson's screens, as the chat shows it.
type screen struct {
	Text    string
	Buttons [][]string
	// Step or Question, from 1, says which it is; End marks the screen
	// that ends the lesson.
	Step, Question int
	End            bool
	// Image is where the step's picture is: a URL, or the console's
	// address of the file in the track folder.
	Image string
	// Clip is the step's part of the lesson's video.
	Clip *clipView
	// Answer and Explain are a question's right answer and what the
	// learner reads after answering: the key the admin checks, which the
	// learner's screen does not show.
	Answer, Explain string
}

// screens are a lesson's screens (flows.Preview): its steps, its end
// screen, its questions.
func (h *Handler) screens(replies []bot.Reply, ls *content.Lesson, v int64, loc string) []screen {
	steps := len(ls.Steps)
	ends := len(replies) - steps - len(ls.Quiz) // 1, or 0 without an end screen
	out := make([]screen, len(replies))
	for i, r := range replies {
		out[i].Text = r.Text
		for _, row := range r.Buttons {
			var labels []string
			for _, b := range row {
				labels = append(labels, b.Label)
			}
			out[i].Buttons = append(out[i].Buttons, labels)
		}
		switch {
		case i < steps:
			s := ls.Steps[i]
			out[i].Step = i + 1
			out[i].Clip = h.stepClip(ls, i)
			if r.Media != nil && r.Media.Kind == "photo" {
				out[i].Image = r.Media.URL
				if out[i].Image == "" {
					out[i].Image = fmt.Sprintf("/console/lessons/%s/steps/%s/image?v=%d", url.PathEscape(ls.ID), url.PathEscape(s.ID), v)
				}
			}
		case i < steps+ends:
			out[i].End = true
		default:
			out[i].Question = i - steps - ends + 1
			if k := out[i].Question - 1; k < len(ls.Quiz) {
				out[i].Answer, out[i].Explain = h.answerKey(&ls.Quiz[k], loc)
			}
		}
	}
	return out
}

// answerKey is q's right answer and its explanation, in loc.
func (h *Handler) answerKey(q *content.Question, loc string) (answer, explain string) {
	switch {
	case q.HasOptions() && q.Correct < len(q.Options):
		answer = q.Options[q.Correct].Get(loc)
	case q.Kind == content.TrueFalse && h.o.Texts != nil:
		answer = h.o.Texts.T(loc, []string{"btn_true", "btn_false"}[min(max(q.Correct, 0), 1)], nil)
	}
	return answer, q.Explain.Get(loc)
}

// lesson shows a lesson of a version as a learner sees it, one screen at a
// time, in a locale: ?loc= (default the console's language), ?screen=
// (from 1).
func (h *Handler) lesson(w http.ResponseWriter, r *http.Request, s *session) {
	c, v, versions, ok := h.version(w, r)
	if !ok {
		return
	}
	ls := c.Lesson(r.PathValue("id"))
	if ls == nil {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	lang := h.lang(w, r)
	loc := r.URL.Query().Get("loc")
	if !locales.IsSupported(loc) {
		loc = lang
	}
	var all []screen
	if h.o.Screens != nil {
		all = h.screens(h.o.Screens(ls, loc), ls, v, loc)
	}
	n, err := strconv.Atoi(r.URL.Query().Get("screen"))
	if err != nil || n < 1 {
		n = 1
	}
	n = min(n, len(all))
	var cur screen
	if n > 0 {
		cur = all[n-1]
	}
	type locOpt struct {
		Code    string
		Written bool // the lesson is written in it; else the learner reads the fallback
	}
	var locs []locOpt
	for _, l := range locales.Supported {
		locs = append(locs, locOpt{Code: l, Written: slices.Contains(ls.Locales, l)})
	}
	track := ""
	if t := c.Track(ls.Track); t != nil {
		track = t.Title.Get(lang)
	}
	// Who started it and who finished it: what an admin who published a
	// lesson comes back to see.
	who, err := h.o.Learners.LessonLearners(r.Context(), ls.ID, 100)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "lesson", s, map[string]any{
		"L": ls, "Title": ls.Title.Get(lang), "Track": track, "Version": v, "Current": versions[0].ID, "Loc": loc, "Locs": locs,
		"Screens": all, "N": n, "Screen": cur, "Written": slices.Contains(ls.Locales, loc), "Who": who,
	})
}

// upload checks a lesson file or a zipped track and shows its problems, or
// what publishing it would change, with the button that publishes it.
func (h *Handler) upload(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	c, v, versions, ok := h.version(w, r)
	if !ok {
		return
	}
	lang := h.lang(w, r)
	bad := func(key string, data map[string]any) {
		h.lessonsPage(w, r, s, http.StatusBadRequest, c, v, versions, map[string]any{"Error": h.message(lang, key, data)})
	}
	f, hdr, err := r.FormFile("file")
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		bad(bottega.UploadTooBig, nil)
		return
	} else if errors.Is(err, http.ErrMissingFile) {
		bad("err_upload_missing", nil)
		return
	} else if err != nil {
		bad(bottega.UploadUnreadable, nil)
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, bottega.MaxUpload+1))
	if err != nil {
		bad(bottega.UploadUnreadable, nil)
		return
	}
	d, err := h.o.Publishing.CheckUpload(ctx, bottega.Upload{Name: hdr.Filename, Data: data, Track: r.PostFormValue("track"), Platform: s.Platform, By: s.UserID})
	if key, kd := bottega.ErrorKey(err); key != "" {
		bad(key, kd)
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	out := map[string]any{"D": d, "Name": hdr.Filename}
	if d.Curriculum != nil && h.o.Videos != nil {
		out["Videos"] = videoLessons(d.Curriculum)
	}
	if len(d.Problems) == 0 && !d.Same {
		old, err := h.o.Publishing.Version(ctx, d.Base)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		out["Diff"] = diffLessons(old, d.Curriculum, d.Changes, lang)
		out["Warnings"] = uploadWarnings(d.Curriculum, d.Changes, h.o.Clock())
	}
	status := http.StatusOK
	if len(d.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, "upload", s, out)
}

// uploadWarnings are the warnings (content.Warnings) about the lessons an
// upload adds or changes: those of the others were there before.
func uploadWarnings(c *content.Curriculum, ch bottega.Changes, today time.Time) []content.Problem {
	files := map[string]bool{}
	for _, id := range append(slices.Clone(ch.Added), ch.Changed...) {
		if ls := c.Lesson(id); ls != nil {
			files[ls.File] = true
		}
	}
	var out []content.Problem
	for _, w := range content.Warnings(c, today) {
		if files[w.File] {
			out = append(out, w)
		}
	}
	return out
}

// publish publishes a draft of upload.
func (h *Handler) publish(w http.ResponseWriter, r *http.Request, s *session) {
	id, err := strconv.ParseInt(r.PostFormValue("draft"), 10, 64)
	if err != nil || id <= 0 {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	if drafts, ok := h.o.Publishing.(bottega.Drafts); ok && h.o.Videos != nil {
		c, err := drafts.Draft(r.Context(), id)
		if bottega.ErrorCode(err) == bottega.ENOTFOUND {
			h.refuse(w, r, http.StatusNotFound, "err_draft_gone")
			return
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
		if bottega.PendingVideos(c) != nil {
			h.publishLater(w, r, s, drafts, id, r.PostFormValue("name"))
			return
		}
	}
	pub, err := h.o.Publishing.PublishDraft(r.Context(), id, s.UserID)
	h.published(w, r, s, pub, err)
}

// videoLessons counts the lessons of c whose video publishing cuts into
// clips.
func videoLessons(c *content.Curriculum) int {
	n := 0
	if p := bottega.PendingVideos(c); p != nil {
		n = len(p.Lessons())
	}
	return n
}

// rollback publishes an earlier version again, once the admin has seen
// what it changes (confirm=1): lessons it removes are gone for the
// learners in the middle of them.
func (h *Handler) rollback(w http.ResponseWriter, r *http.Request, s *session) {
	id, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || id <= 0 {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	if r.PostFormValue("confirm") != "1" {
		h.rollbackPage(w, r, s, id)
		return
	}
	pub, err := h.o.Publishing.Rollback(r.Context(), id, s.UserID)
	h.published(w, r, s, pub, err)
}

// rollbackPage shows what publishing version id again would change, with
// the button that does it.
func (h *Handler) rollbackPage(w http.ResponseWriter, r *http.Request, s *session, id int64) {
	ctx := r.Context()
	cur, v, _, ok := h.version(w, r)
	if !ok {
		return
	}
	target, err := h.versions.get(ctx, h.o.Publishing, id)
	if bottega.ErrorCode(err) == bottega.ENOTFOUND {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	ch, err := h.o.Publishing.Diff(ctx, target)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "rollback", s, map[string]any{
		"Version": id, "Current": v, "Same": ch.Empty(), "Diff": diffLessons(cur, target, ch, h.lang(w, r)),
	})
}

func (h *Handler) published(w http.ResponseWriter, r *http.Request, s *session, pub bottega.Publication, err error) {
	switch bottega.ErrorCode(err) {
	case "":
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.o.Logger.Info("console: curriculum published", "version", pub.Version, "created", pub.Created, "admin", s.UserID)
		http.Redirect(w, r, fmt.Sprintf("/console/lessons?published=%d", pub.Version), http.StatusSeeOther)
	case bottega.ENOTFOUND:
		h.refuse(w, r, http.StatusNotFound, "err_draft_gone")
	default:
		c, v, versions, ok := h.version(w, r)
		if !ok {
			return
		}
		key, data := bottega.ErrorKey(err)
		h.lessonsPage(w, r, s, http.StatusConflict, c, v, versions, map[string]any{"Error": h.message(h.lang(w, r), key, data)})
	}
}

// change is one difference in a changed lesson.
type change struct {
	// What names the part (title, step, quiz, ...), Ref the step or
	// question id.
	What, Ref, Before, After string
}

// lessonDiff is a lesson of the diff, with its differences.
type lessonDiff struct {
	ID, Title, Kind string
	Changes         []change
}

// diffLessons lists the lessons added, changed and removed, and what
// changed in each changed one, in lang.
func diffLessons(old, cur *content.Curriculum, ch bottega.Changes, lang string) []lessonDiff {
	var out []lessonDiff
	for _, id := range ch.Added {
		out = append(out, lessonDiff{ID: id, Title: cur.Lesson(id).Title.Get(lang), Kind: "added"})
	}
	for _, id := range ch.Changed {
		a, b := old.Lesson(id), cur.Lesson(id)
		out = append(out, lessonDiff{ID: id, Title: b.Title.Get(lang), Kind: "changed", Changes: compareLessons(a, b, lang)})
	}
	for _, id := range ch.Removed {
		out = append(out, lessonDiff{ID: id, Title: old.Lesson(id).Title.Get(lang), Kind: "removed"})
	}
	return out
}

func compareLessons(a, b *content.Lesson, lang string) []change {
	var out []change
	add := func(what, before, after string) {
		if before != after {
			ref := ""
			if k, id, ok := strings.Cut(what, " "); ok {
				what, ref = k, id
			}
			out = append(out, change{What: what, Ref: ref, Before: before, After: after})
		}
	}
	add("title", a.Title.Get(lang), b.Title.Get(lang))
	add("summary", a.Summary.Get(lang), b.Summary.Get(lang))
	add("level", a.Level, b.Level)
	add("minutes", strconv.Itoa(a.Minutes), strconv.Itoa(b.Minutes))
	add("track", a.Track, b.Track)
	add("order", strconv.Itoa(a.Order), strconv.Itoa(b.Order))
	add("roles", strings.Join(a.Roles, ", "), strings.Join(b.Roles, ", "))
	add("locales", strings.Join(a.Locales, ", "), strings.Join(b.Locales, ", "))
	step := func(l *content.Lesson, id string) string {
		i := l.StepIndex(id)
		if i < 0 {
			return ""
		}
		s := l.Steps[i]
		text := s.Text.Get(lang)
		for _, extra := range []content.Text{s.Task, s.Tip} {
			if t := extra.Get(lang); t != "" {
				text += "\n\n" + t
			}
		}
		if s.Image != "" {
			text += "\n\n[" + s.Image + "]"
		}
		return text
	}
	var ids []string
	for _, s := range append(slices.Clone(a.Steps), b.Steps...) {
		if !slices.Contains(ids, s.ID) {
			ids = append(ids, s.ID)
		}
	}
	for _, id := range ids {
		add("step "+id, step(a, id), step(b, id))
	}
	add("steps", stepIDs(a), stepIDs(b))
	question := func(l *content.Lesson, id string) string {
		for _, q := range l.Quiz {
			if q.ID != id {
				continue
			}
			text := q.Question.Get(lang)
			for i, o := range q.Options {
				mark := "  "
				if i == q.Correct {
					mark = "✔ "
				}
				text += "\n" + mark + o.Get(lang)
			}
			if q.Kind == content.TrueFalse {
				text += fmt.Sprintf("\n✔ %v", q.Correct == 0)
			}
			return text
		}
		return ""
	}
	var qids []string
	for _, q := range append(slices.Clone(a.Quiz), b.Quiz...) {
		if !slices.Contains(qids, q.ID) {
			qids = append(qids, q.ID)
		}
	}
	for _, id := range qids {
		add("quiz "+id, question(a, id), question(b, id))
	}
	if len(out) == 0 {
		// What changed is not shown here (keywords, sources, a video).
		out = append(out, change{What: "other"})
	}
	return out
}

func stepIDs(l *content.Lesson) string {
	ids := make([]string, len(l.Steps))
	for i, s := range l.Steps {
		ids[i] = s.ID
	}
	return strings.Join(ids, ", ")
}

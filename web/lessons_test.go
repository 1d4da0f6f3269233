package web_test

import (
	"bytes"
	"context"
	"html/template"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
)

// reviews is the built-in lesson file the tests change.
func reviews(t testing.TB) []byte {
	t.Helper()
	src, err := fs.ReadFile(content.BuiltinFS(), "curriculum/bottega-digitale/07-reviews.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// withMinutes is the reviews lesson with another length.
func withMinutes(t testing.TB, n string) []byte {
	return regexp.MustCompile(`(?m)^minutes: \d+$`).ReplaceAll(reviews(t), []byte("minutes: "+n))
}

// A lesson not written in a language is shown as its learners read it, in
// the fallback language, and the page says so.
func TestLessonPageNotWritten(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	cur, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ls := cur.Lesson("reviews")
	ls.Locales = []string{"it", "en"}
	dropLocale(reflect.ValueOf(ls), "pl")
	if _, err := r.db.PublishCurriculum(context.Background(), cur, store.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	en := strings.TrimSpace(ls.Steps[0].Text.Get("en"))[:30]
	for _, p := range []struct {
		path    string
		note    bool
		content string
	}{
		{"/console/lessons/reviews?loc=pl", true, en},
		{"/console/lessons/reviews?loc=en", false, en},
	} {
		code, body, _ := c.do("GET", p.path, nil)
		if code != 200 || strings.Contains(body, "not written in this language") != p.note || !strings.Contains(body, htmlEscape(p.content)) {
			t.Errorf("%s = %d, note %v, want %v, with %q\n%.3000s", p.path, code, strings.Contains(body, "not written in this language"), p.note, p.content, body)
		}
	}
}

// dropLocale deletes loc from every text reached from v.
func dropLocale(v reflect.Value, loc string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			dropLocale(v.Elem(), loc)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				dropLocale(v.Field(i), loc)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			dropLocale(v.Index(i), loc)
		}
	case reflect.Map:
		if v.Type() == reflect.TypeOf(content.Text{}) {
			v.SetMapIndex(reflect.ValueOf(loc), reflect.Value{})
			return
		}
		for _, k := range v.MapKeys() {
			dropLocale(v.MapIndex(k), loc)
		}
	}
}

func TestLessonsPages(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	ls := r.cur.Lesson("reviews")
	for _, p := range []struct{ path, want string }{
		{"/console/lessons", ls.Title.Get("en")},
		{"/console/lessons", "Published versions"},
		{"/console/lessons?v=1", `id="version-1"`},
		// Each screen as the learner sees it, in each locale.
		{"/console/lessons/reviews", "Screen 1 of"},
		{"/console/lessons/reviews?loc=en&screen=2", strings.TrimSpace(ls.Steps[1].Text.Get("en"))[:40]},
		{"/console/lessons/reviews?loc=it&screen=2", strings.TrimSpace(ls.Steps[1].Text.Get("it"))[:40]},
		{"/console/lessons/reviews?loc=it&screen=1", "Avanti"},
		{"/console/lessons/reviews?loc=en&screen=1", "Next"},
		// The end of the lesson, then the quiz.
		{"/console/lessons/reviews?loc=en&screen=" + itoa(len(ls.Steps)+1), "End of the lesson"},
		{"/console/lessons/reviews?loc=en&screen=" + itoa(len(ls.Steps)+1), "Take the quiz"},
		{"/console/lessons/reviews?loc=en&screen=" + itoa(len(ls.Steps)+2), strings.TrimSpace(ls.Quiz[0].Question.Get("en"))[:30]},
		// With its answer key, which the learner's screen does not show.
		{"/console/lessons/reviews?loc=en&screen=" + itoa(len(ls.Steps)+2), `id="answer"`},
		{"/console/lessons/reviews?loc=en&screen=" + itoa(len(ls.Steps)+2), answerOf(ls.Quiz[0], "en")},
		{"/console/lessons/reviews?loc=en&screen=" + itoa(len(ls.Steps)+2), strings.TrimSpace(ls.Quiz[0].Explain.Get("en"))[:30]},
		// Every language is written.
		{"/console/lessons/reviews?loc=es", strings.TrimSpace(ls.Steps[0].Text.Get("es"))[:30]},
		{"/console/lessons/reviews?loc=fr", strings.TrimSpace(ls.Steps[0].Text.Get("fr"))[:30]},
		{"/console/lessons/reviews?screen=999", "Screen " + itoa(len(ls.Steps)+1+len(ls.Quiz)) + " of"},
	} {
		code, body, _ := c.do("GET", p.path, nil)
		if code != 200 || !strings.Contains(body, htmlEscape(p.want)) {
			t.Errorf("%s = %d, without %q", p.path, code, p.want)
		}
	}
	for _, p := range []string{"/console/lessons/no-such-lesson", "/console/lessons?v=999", "/console/lessons/reviews?v=x"} {
		if code, _, _ := c.do("GET", p, nil); code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", p, code)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// htmlEscape is a text as html/template writes it, markup left alone.
func htmlEscape(s string) string {
	if strings.Contains(s, `="`) {
		return s
	}
	return template.HTMLEscapeString(s)
}

// TestUploadDiffPublishRollback uploads lesson files on the Lessons page:
// problems with their lines, the diff, publishing once, a stale draft
// refused, and a rollback.
func TestUploadDiffPublishRollback(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	ctx := context.Background()
	_, _, _ = c.do("GET", "/console/lessons", nil)
	csrf := url.Values{"csrf": {c.csrf}}

	// Without the CSRF token nothing is checked or kept.
	if code, _, _ := c.upload("/console/lessons/upload", nil, "07-reviews.yaml", withMinutes(t, "19")); code != http.StatusForbidden {
		t.Errorf("upload without CSRF = %d", code)
	}
	// A broken file: its problems with file and line, nothing to publish.
	code, body, _ := c.upload("/console/lessons/upload", csrf, "07-reviews.yaml", []byte("id: reviews\nlevel: expert\n"))
	if code != http.StatusUnprocessableEntity || !regexp.MustCompile(`<code>[^<]*07-reviews.yaml:2</code>`).MatchString(body) || strings.Contains(body, `id="publish"`) {
		t.Errorf("broken file = %d\n%s", code, body)
	}
	// A file of another kind, or none, is refused with the reason.
	if code, body, _ := c.upload("/console/lessons/upload", csrf, "notes.txt", []byte("hello")); code != http.StatusBadRequest || !strings.Contains(body, "This file cannot be used") {
		t.Errorf("a text file = %d\n%s", code, body)
	}
	if code, body, _ := c.upload("/console/lessons/upload", csrf, "track.zip", make([]byte, bottega.MaxUpload+2<<20)); code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "too big") || !strings.Contains(body, "20 MB") || !strings.Contains(body, `href="/console/"`) {
		t.Errorf("a file past the limit = %d\n%.2000s", code, body)
	}
	if code, body, _ := c.upload("/console/lessons/upload", csrf, "", nil); code != http.StatusBadRequest || !strings.Contains(body, "Choose a file") {
		t.Errorf("no file = %d\n%s", code, body)
	}
	// The same file: nothing to publish.
	if code, body, _ := c.upload("/console/lessons/upload", csrf, "07-reviews.yaml", reviews(t)); code != 200 || !strings.Contains(body, `id="same"`) || strings.Contains(body, `id="publish"`) {
		t.Errorf("unchanged file = %d\n%s", code, body)
	}
	// A changed lesson: the diff says what changes, then it is published.
	code, body, _ = c.upload("/console/lessons/upload", csrf, "07-reviews.yaml", withMinutes(t, "19"))
	if code != 200 || !strings.Contains(body, `id="diff-reviews"`) || !strings.Contains(body, "<del>"+itoa(r.cur.Lesson("reviews").Minutes)+"</del>") || !strings.Contains(body, "<ins>19</ins>") {
		t.Fatalf("changed file = %d\n%s", code, body)
	}
	draft := regexp.MustCompile(`name="draft" value="(\d+)"`).FindStringSubmatch(body)
	if draft == nil {
		t.Fatalf("no draft to publish\n%s", body)
	}
	if v, err := r.pub.Versions(ctx, 5); err != nil || len(v) != 1 {
		t.Fatalf("a check published: %v, %v", v, err)
	}
	if code, _, _ := c.do("POST", "/console/lessons/publish", url.Values{"draft": {draft[1]}}); code != http.StatusForbidden {
		t.Errorf("publish without CSRF = %d", code)
	}
	code, _, hdr := c.post("/console/lessons/publish", url.Values{"draft": {draft[1]}})
	if code != http.StatusSeeOther || hdr.Get("Location") != "/console/lessons?published=2" {
		t.Fatalf("publish = %d %v", code, hdr)
	}
	if _, body, _ := c.do("GET", hdr.Get("Location"), nil); !strings.Contains(body, "Version 2 published") {
		t.Errorf("after publish\n%s", body)
	}
	cur, err := r.pub.Version(ctx, 2)
	if err != nil || cur.Lesson("reviews").Minutes != 19 {
		t.Fatalf("version 2: %v", err)
	}
	if code, _, _ := c.post("/console/lessons/publish", url.Values{"draft": {draft[1]}}); code != http.StatusNotFound {
		t.Errorf("second publish of the draft = %d", code)
	}

	// A draft overtaken by another publish is refused, in Italian too.
	_, _, _ = c.do("GET", "/console/lessons?lang=it", nil)
	_, body, _ = c.upload("/console/lessons/upload", url.Values{"csrf": {c.csrf}}, "07-reviews.yaml", withMinutes(t, "23"))
	stale := regexp.MustCompile(`name="draft" value="(\d+)"`).FindStringSubmatch(body)
	if stale == nil {
		t.Fatalf("no draft\n%s", body)
	}
	other := r.cur
	other.Lesson("reviews").Minutes = 31
	if _, err := r.pub.Publish(ctx, other, bottega.Origin{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := c.post("/console/lessons/publish", url.Values{"draft": {stale[1]}}); code != http.StatusConflict || !strings.Contains(body, "Nel frattempo è stata pubblicata la versione 3") {
		t.Errorf("stale draft = %d\n%s", code, body)
	}
	_, _, _ = c.do("GET", "/console/lessons?lang=en", nil)

	// Rolling back to version 1 first shows what it changes, and
	// publishes nothing.
	code, body, _ = c.post("/console/lessons/rollback", url.Values{"version": {"1"}})
	if code != http.StatusOK || !strings.Contains(body, `id="diff-reviews"`) || !strings.Contains(body, `id="confirm-rollback"`) || !strings.Contains(body, `name="confirm" value="1"`) {
		t.Errorf("rollback before confirmation = %d\n%s", code, body)
	}
	if vs, err := r.pub.Versions(ctx, 5); err != nil || len(vs) != 3 {
		t.Fatalf("an unconfirmed rollback published: %+v, %v", vs, err)
	}
	// Confirmed, it publishes version 1 again as version 4.
	code, _, hdr = c.post("/console/lessons/rollback", url.Values{"version": {"1"}, "confirm": {"1"}})
	if code != http.StatusSeeOther || hdr.Get("Location") != "/console/lessons?published=4" {
		t.Fatalf("rollback = %d %v", code, hdr)
	}
	vs, err := r.pub.Versions(ctx, 5)
	if err != nil || len(vs) != 4 || vs[0].Hash != vs[3].Hash || !strings.Contains(vs[0].Source, "rollback to version 1") {
		t.Errorf("versions after rollback: %+v, %v", vs, err)
	}
	// The list of versions says where each came from in the console's
	// language.
	if _, body, _ := c.do("GET", "/console/lessons?lang=it", nil); !strings.Contains(body, "ritorno alla versione 1, da "+admin) || !strings.Contains(body, "caricato da "+admin+": 07-reviews.yaml") {
		t.Errorf("versions' origins in Italian:\n%s", body)
	}
	if _, body, _ := c.do("GET", "/console/lessons?lang=en", nil); !strings.Contains(body, "back to version 1, by "+admin) {
		t.Errorf("versions' origins in English:\n%s", body)
	}
	for _, confirm := range []string{"", "1"} {
		if code, _, _ := c.post("/console/lessons/rollback", url.Values{"version": {"99"}, "confirm": {confirm}}); code != http.StatusNotFound {
			t.Errorf("rollback to no version (confirm %q) = %d", confirm, code)
		}
	}
}

// TestLessonPageSaysWhoTookIt: a lesson's page lists the learners who
// started it, with where they are, and how many finished it.
func TestLessonPageSaysWhoTookIt(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	ctx := context.Background()
	var steps []string
	for _, st := range r.cur.Lesson("reviews").Steps {
		steps = append(steps, st.ID)
	}
	for i, name := range []string{"Ada Rossi", "Bea Verdi"} {
		l, _, err := r.db.EnsureLearner(ctx, "telegram", "u"+itoa(i), "u"+itoa(i), name, "it")
		if err != nil {
			t.Fatal(err)
		}
		l.ConsentAt = &r.now
		if err := r.db.UpdateLearner(ctx, l); err != nil {
			t.Fatal(err)
		}
		p := bottega.LessonProgress{LearnerID: l.ID, LessonID: "reviews", StepID: steps[1], StepIndex: 1, StepIDs: steps, UpdatedAt: r.now}
		if i == 1 {
			p.StepID, p.StepIndex, p.Reached = "", len(steps), len(steps) // finished
		}
		if err := r.db.SavePosition(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	code, body, _ := c.do("GET", "/console/lessons/reviews?lang=en", nil)
	for _, want := range []string{
		"Started by 2, finished by 1.",
		">Ada Rossi</a></td><td>at step 2 of " + itoa(len(steps)) + "</td>",
		`>Bea Verdi</a></td><td><span class="key finished">Finished</span> 2026-12-02</td>`,
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("lesson page = %d, without %q", code, want)
		}
	}
	// The learner's page counts the steps as the lesson's page does.
	ada := regexp.MustCompile(`<a href="/console/learners/(\d+)">Ada Rossi</a>`).FindStringSubmatch(body)
	if ada == nil {
		t.Fatalf("no link to Ada's page")
	}
	n := itoa(len(steps))
	if _, page, _ := c.do("GET", "/console/learners/"+ada[1]+"?lang=en", nil); !strings.Contains(page, "<td>2/"+n+"</td>") {
		t.Errorf("Ada's page does not say step 2 of %s:\n%.3000s", n, page)
	}
	if _, body, _ := c.do("GET", "/console/?lang=en", nil); !strings.Contains(body, `<a href="/console/lessons/reviews#learners">`) {
		t.Errorf("the overview's funnel does not lead to the lesson's learners")
	}
	if _, body, _ := c.do("GET", "/console/lessons/storytelling?lang=en", nil); !strings.Contains(body, "Started by 0, finished by 0.") || strings.Contains(body, "Ada Rossi") {
		t.Errorf("a lesson nobody took lists learners:\n%s", body)
	}
}

// TestUploadShowsWarnings: the warnings about the lessons an upload
// changes are shown with its diff, those of the others are not.
func TestUploadShowsWarnings(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	c.do("GET", "/console/lessons?lang=en", nil) // the form's CSRF token
	stale := regexp.MustCompile(`(?m)^reviewed: .*$`).ReplaceAll(withMinutes(t, "19"), []byte("reviewed: 2025-01-10"))
	code, body, _ := c.upload("/console/lessons/upload", url.Values{"csrf": {c.csrf}}, "07-reviews.yaml", stale)
	if code != 200 || !strings.Contains(body, `id="warnings"`) || !strings.Contains(body, "07-reviews.yaml") || !strings.Contains(body, "warning:") || !strings.Contains(body, `id="publish"`) {
		t.Fatalf("upload with a stale review date = %d\n%s", code, body)
	}
	if strings.Contains(body, "01-google-business-profile.yaml") {
		t.Errorf("the warnings of lessons the upload does not change are shown:\n%s", body)
	}
	if _, body, _ := c.upload("/console/lessons/upload", url.Values{"csrf": {c.csrf}}, "07-reviews.yaml", withMinutes(t, "18")); strings.Contains(body, `id="warnings"`) {
		t.Errorf("warnings for an upload that has none:\n%s", body)
	}
}

// TestLessonsPageSaysWhatFilesAreMissing: the folder a curriculum was
// published from moved; the lessons page lists the files the steps lack.
func TestLessonsPageSaysWhatFilesAreMissing(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	root := filepath.Join(t.TempDir(), "lessons")
	if err := os.CopyFS(root, os.DirFS("../content/testdata/valid")); err != nil {
		t.Fatal(err)
	}
	cur, problems, err := content.LoadDir(root)
	if err != nil || len(problems) > 0 {
		t.Fatalf("load: %v %v", problems, err)
	}
	if _, err := r.pub.Publish(context.Background(), cur, bottega.Origin{Source: root}); err != nil {
		t.Fatal(err)
	}
	if _, body, _ := c.do("GET", "/console/lessons?lang=en", nil); strings.Contains(body, `id="missing"`) {
		t.Errorf("files in place are listed as missing:\n%s", body)
	}
	if err := os.Rename(root, root+"-moved"); err != nil {
		t.Fatal(err)
	}
	if _, body, _ := c.do("GET", "/console/lessons?lang=en", nil); !strings.Contains(body, `id="missing"`) || !strings.Contains(body, "images/holidays.png") {
		t.Errorf("the moved folder's files are not listed:\n%s", body)
	}
}

// answerOf is q's right answer as the lesson page names it.
func answerOf(q content.Question, loc string) string {
	if q.HasOptions() {
		return q.Options[q.Correct].Get(loc)
	}
	return []string{"True", "False"}[q.Correct]
}

// TestSlowUploadArrives: an admin's upload on a slow line takes longer
// than the server's read and write deadlines, which bound everyone else's
// requests; it arrives whole and is answered.
func TestSlowUploadArrives(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	_, _, _ = c.do("GET", "/console/lessons", nil)
	slow := httptest.NewUnstartedServer(r.h)
	slow.Config.ReadTimeout = 300 * time.Millisecond
	slow.Config.WriteTimeout = 300 * time.Millisecond
	slow.Start()
	t.Cleanup(slow.Close)

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "07-reviews.yaml")
	if err == nil {
		_, err = fw.Write(withMinutes(t, "19"))
	}
	if err == nil {
		err = mw.WriteField("csrf", c.csrf)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	body, w := io.Pipe()
	go func() {
		// The line: a fifth of the form every 150 ms, 750 ms in all.
		data := buf.Bytes()
		for i := range 5 {
			time.Sleep(150 * time.Millisecond)
			if _, err := w.Write(data[i*len(data)/5 : (i+1)*len(data)/5]); err != nil {
				w.CloseWithError(err)
				return
			}
		}
		w.Close()
	}()
	req, err := http.NewRequest("POST", slow.URL+"/console/lessons/upload", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if code, page, _ := c.send(req); code != 200 || !strings.Contains(page, `id="diff-reviews"`) {
		t.Errorf("slow upload = %d\n%.3000s", code, page)
	}
}

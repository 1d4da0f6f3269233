package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/broadcast"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
	"github.com/bottega-app/bottega/video"
	"github.com/bottega-app/bottega/web"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const admin = "4242"

// rig is a console on a fresh database with the built-in curriculum and a
// few learners, and a clock the test moves.
type rig struct {
	t   testing.TB
	db  *store.DB
	h   *web.Handler
	srv *httptest.Server
	cur *content.Curriculum
	svc *store.Broadcasts
	pub *store.Publishing
	// clips is the clip folder the console serves clips from.
	clips string
	// videos cuts the videos of uploads (setVideos).
	videos bottega.VideoPreparer

	mu  sync.Mutex
	now time.Time
}

func newRig(t testing.TB, admins ...string) *rig { return newRigSeeded(t, 8, 5, admins...) }

// newRigSeeded is newRig with n seeded learners of answers quiz answers
// each.
func newRigSeeded(t testing.TB, n, answers int, admins ...string) *rig {
	t.Helper()
	ctx := context.Background()
	r := &rig{t: t, db: pgtest.New(t), now: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), clips: t.TempDir()}
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	r.cur = c
	if _, err := r.db.PublishCurriculum(ctx, c, store.PublishOptions{Builtin: true}); err != nil {
		t.Fatal(err)
	}
	if err := store.SeedActivity(ctx, r.db, n, answers, r.now); err != nil {
		t.Fatal(err)
	}
	if len(admins) == 0 {
		admins = []string{admin}
	}
	lib := store.NewLibrary(r.db, 0)
	r.svc = &store.Broadcasts{DB: r.db, Library: lib}
	texts, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	r.pub = &store.Publishing{DB: r.db, Library: lib}
	clips := &video.Cutter{Dir: r.clips}
	r.h, err = web.New(web.Options{
		Admins: admins, PublicURL: "http://console.test", Sessions: r.db, Jobs: r.db, Broadcasts: r.svc,
		Learners: &store.Learners{DB: r.db}, Stats: &store.Statistics{DB: r.db}, Library: lib, Rate: 10,
		Publishing: r.pub, Texts: texts,
		Screens: func(ls *content.Lesson, loc string) []bot.Reply { return flows.Preview(texts, clips, ls, loc) },
		Message: broadcast.Messages{Texts: texts, Library: lib}.Render,
		Clips:   clips,
		Videos:  r.prepare,
		Clock:   r.clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.srv = httptest.NewServer(r.h)
	t.Cleanup(r.srv.Close)
	return r
}

// prepare cuts the videos of an upload with the preparer a test set.
func (r *rig) prepare(ctx context.Context, c *content.Curriculum, progress func(video.Event)) (video.Report, error) {
	r.mu.Lock()
	p := r.videos
	r.mu.Unlock()
	if p == nil {
		return video.Report{}, fmt.Errorf("this test cuts no videos")
	}
	return p(ctx, c, progress)
}

func (r *rig) setVideos(p bottega.VideoPreparer) {
	r.mu.Lock()
	r.videos = p
	r.mu.Unlock()
}

func (r *rig) clock() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now
}

func (r *rig) advance(d time.Duration) {
	r.mu.Lock()
	r.now = r.now.Add(d)
	r.mu.Unlock()
}

// client is a browser: it keeps cookies and does not follow redirects.
type client struct {
	r      *rig
	c      *http.Client
	cookie string
	csrf   string
	jar    map[string]string
}

func (r *rig) client() *client {
	return &client{r: r, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(method, path string, form url.Values) (int, string, http.Header) {
	c.r.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.r.srv.URL+path, body)
	if err != nil {
		c.r.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.send(req)
}

// upload posts a file with form fields as multipart/form-data.
func (c *client) upload(path string, fields url.Values, name string, data []byte) (int, string, http.Header) {
	c.r.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				c.r.t.Fatal(err)
			}
		}
	}
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err == nil {
			_, err = fw.Write(data)
		}
		if err != nil {
			c.r.t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		c.r.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", c.r.srv.URL+path, &buf)
	if err != nil {
		c.r.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(req)
}

func (c *client) send(req *http.Request) (int, string, http.Header) {
	c.r.t.Helper()
	req.Header.Set("Accept-Language", "en-GB,en;q=0.8")
	if c.cookie != "" {
		req.Header.Set("Cookie", c.cookie)
	}
	if v, ok := c.jar["bottega_console_lang"]; ok {
		req.AddCookie(&http.Cookie{Name: "bottega_console_lang", Value: v})
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.r.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.r.t.Fatal(err)
	}
	for _, ck := range res.Cookies() {
		if c.jar == nil {
			c.jar = map[string]string{}
		}
		c.jar[ck.Name] = ck.Value
		if ck.MaxAge < 0 {
			delete(c.jar, ck.Name)
		}
		if ck.Name == "bottega_console" {
			c.cookie = ck.Name + "=" + ck.Value
		}
	}
	if m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1]
	}
	return res.StatusCode, string(b), res.Header
}

// post sends a form with the session's CSRF token.
func (c *client) post(path string, form url.Values) (int, string, http.Header) {
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.csrf)
	return c.do("POST", path, form)
}

func (r *rig) link(user string) string {
	r.t.Helper()
	l, err := r.h.NewLink(context.Background(), "telegram", user)
	if err != nil {
		r.t.Fatal(err)
	}
	u, err := url.Parse(l)
	if err != nil || !strings.HasPrefix(l, "http://console.test/console/login?t=") {
		r.t.Fatalf("link %q", l)
	}
	return u.Query().Get("t")
}

// signIn follows a fresh link as the admin would.
func (r *rig) signIn() *client {
	r.t.Helper()
	c := r.client()
	tok := r.link(admin)
	if code, body, _ := c.do("GET", "/console/login?t="+url.QueryEscape(tok), nil); code != 200 || !strings.Contains(body, `name="t"`) {
		r.t.Fatalf("login page = %d\n%s", code, body)
	} else if !regexp.MustCompile(`href="/console/login\?lang=(it|en)&amp;t=` + regexp.QuoteMeta(url.QueryEscape(tok)) + `"`).MatchString(body) {
		r.t.Errorf("the language switch of the sign-in page loses its link:\n%s", body)
	}
	code, _, hdr := c.do("POST", "/console/login", url.Values{"t": {tok}})
	if code != http.StatusSeeOther || hdr.Get("Location") != "/console/" || c.cookie == "" {
		r.t.Fatalf("login = %d, %v", code, hdr)
	}
	if code, body, _ := c.do("GET", "/console/", nil); code != 200 || !strings.Contains(body, "Overview") {
		r.t.Fatalf("overview after login = %d\n%s", code, body)
	}
	return c
}

func TestSignInWithAOneTimeLink(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	if !strings.Contains(r.cookieHeader(t), "HttpOnly") {
		t.Errorf("session cookie without HttpOnly: %s", r.cookieHeader(t))
	}
	// The session lasts while it is used, and ends after 12 hours idle.
	r.advance(11 * time.Hour)
	if code, _, _ := c.do("GET", "/console/learners", nil); code != 200 {
		t.Errorf("after 11 h = %d", code)
	}
	r.advance(11 * time.Hour)
	if code, _, _ := c.do("GET", "/console/", nil); code != 200 {
		t.Errorf("11 h after the last use = %d", code)
	}
	r.advance(12*time.Hour + time.Second)
	if code, _, _ := c.do("GET", "/console/", nil); code != http.StatusUnauthorized {
		t.Errorf("12 h idle = %d, want 401", code)
	}
	// Signing out ends the session.
	c = r.signIn()
	if code, _, _ := c.post("/console/logout", nil); code != 200 {
		t.Errorf("logout = %d", code)
	}
	if code, _, _ := c.do("GET", "/console/", nil); code != http.StatusUnauthorized {
		t.Errorf("after logout = %d, want 401", code)
	}
}

func (r *rig) cookieHeader(t *testing.T) string {
	tok := r.link(admin)
	res, err := r.client().c.PostForm(r.srv.URL+"/console/login", url.Values{"t": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return strings.Join(res.Header.Values("Set-Cookie"), "\n")
}

func TestRefusals(t *testing.T) {
	r := newRig(t)
	anon := r.client()
	for _, p := range []string{"/console/", "/console/broadcasts", "/console/learners", "/console/learners/1", "/console/learners/1/export", "/console/questions", "/console/lessons", "/console/lessons/reviews"} {
		if code, body, _ := anon.do("GET", p, nil); code != http.StatusUnauthorized || !strings.Contains(body, "/console") {
			t.Errorf("%s without a session = %d", p, code)
		}
	}
	if code, body, _ := anon.do("GET", "/console/nope", nil); code != http.StatusNotFound || !strings.Contains(body, `<a href="/console/">`) || !strings.Contains(body, "console.css") {
		t.Errorf("an unknown page = %d, want the console's page with the way back\n%s", code, body)
	}
	if code, body, _ := anon.do("GET", "/console/static/", nil); code != http.StatusNotFound || strings.Contains(body, "console.css") {
		t.Errorf("the static folder is listed: %d\n%s", code, body)
	}
	if code, _, _ := anon.do("GET", "/console/static/console.css", nil); code != http.StatusOK {
		t.Errorf("the style sheet = %d", code)
	}
	if code, _, _ := anon.do("POST", "/console/learners/1/delete", url.Values{"confirm": {"yes"}}); code != http.StatusUnauthorized {
		t.Errorf("delete without a session = %d", code)
	}
	if _, err := r.learner(1); err != nil {
		t.Errorf("learner deleted by an anonymous request: %v", err)
	}

	// A link is spent once.
	tok := r.link(admin)
	c := r.client()
	if code, _, _ := c.do("POST", "/console/login", url.Values{"t": {tok}}); code != http.StatusSeeOther {
		t.Fatalf("first use = %d", code)
	}
	again := r.client()
	if code, body, _ := again.do("POST", "/console/login", url.Values{"t": {tok}}); code != http.StatusForbidden || again.cookie != "" || !strings.Contains(body, "no longer valid") {
		t.Errorf("reused link = %d, cookie %q", code, again.cookie)
	}
	// A link is stale after 10 minutes.
	tok = r.link(admin)
	r.advance(10*time.Minute + time.Second)
	if code, _, _ := again.do("POST", "/console/login", url.Values{"t": {tok}}); code != http.StatusForbidden || again.cookie != "" {
		t.Errorf("stale link = %d", code)
	}
	if code, _, _ := again.do("POST", "/console/login", url.Values{"t": {"made-up"}}); code != http.StatusForbidden {
		t.Errorf("made-up link = %d", code)
	}
	// Only admins get a link; an admin removed from BOTTEGA_ADMINS loses
	// their session.
	if _, err := r.h.NewLink(context.Background(), "telegram", "999"); bottega.ErrorCode(err) != bottega.EINVALID {
		t.Errorf("link for a non-admin: %v", err)
	}
	other, err := web.New(web.Options{Admins: []string{"1"}, PublicURL: "http://console.test", Sessions: r.db, Clock: r.clock,
		Broadcasts: r.svc, Learners: &store.Learners{DB: r.db}, Stats: &store.Statistics{DB: r.db}, Library: store.NewLibrary(r.db, 0)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(other)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/console/", nil)
	req.Header.Set("Cookie", c.cookie)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("session of an admin no longer listed = %d", res.StatusCode)
	}

	// Every form needs the session's CSRF token.
	c = r.signIn()
	for _, p := range []string{"/console/broadcasts", "/console/learners/1/delete", "/console/logout", "/console/lessons/rollback", "/console/lessons/publish"} {
		form := url.Values{"kind": {"text"}, "text": {"Ciao"}, "action": {"send"}, "confirm": {"yes"}, "version": {"1"}, "draft": {"1"}}
		if code, _, _ := c.do("POST", p, form); code != http.StatusForbidden {
			t.Errorf("%s without CSRF = %d", p, code)
		}
		form.Set("csrf", "wrong")
		if code, _, _ := c.do("POST", p, form); code != http.StatusForbidden {
			t.Errorf("%s with a wrong CSRF = %d", p, code)
		}
	}
	if vs, err := r.pub.Versions(context.Background(), 5); err != nil || len(vs) != 1 {
		t.Errorf("versions after refused posts: %v, %v", vs, err)
	}
	if list, err := r.svc.FindBroadcasts(context.Background(), bottega.BroadcastFilter{}); err != nil || len(list) != 0 {
		t.Errorf("broadcasts after refused posts: %v, %v", list, err)
	}
	if _, err := r.learner(1); err != nil {
		t.Errorf("learner deleted by a refused post: %v", err)
	}
}

func (r *rig) learner(id int64) (bottega.LearnerDetail, error) {
	return (&store.Learners{DB: r.db}).LearnerDetail(context.Background(), id)
}

func TestPages(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	for _, p := range []struct{ path, want string }{
		{"/console/", "Completion by track"},
		{"/console/broadcasts", "New broadcast"},
		{"/console/learners", "Learner 3"},
		{"/console/learners?q=learner+5", "Learner 5"},
		{"/console/learners?q=1003", "Learner 3"},
		{"/console/learners/2", "Quiz answers"},
		{"/console/learners/2/delete", "Yes, delete everything"},
		{"/console/questions", "domanda 4"},
		{"/console/questions?kind=unhelpful", "Answers rated"},
	} {
		code, body, _ := c.do("GET", p.path, nil)
		if code != 200 || !strings.Contains(body, p.want) {
			t.Errorf("%s = %d, without %q\n%s", p.path, code, p.want, body)
		}
	}
	// The language chosen with the switch sticks.
	if _, body, _ := c.do("GET", "/console/?lang=it", nil); !strings.Contains(body, "Completamento per percorso") || !strings.Contains(body, `lang="it"`) {
		t.Errorf("the switch to Italian did not work")
	}
	if _, body, _ := c.do("GET", "/console/learners", nil); !strings.Contains(body, "Corsisti") {
		t.Errorf("the switch to Italian did not stick")
	}
	_, _, _ = c.do("GET", "/console/?lang=en", nil)
	code, body, hdr := c.do("GET", "/console/learners/2/export", nil)
	var export map[string]json.RawMessage
	if code != 200 || hdr.Get("Content-Type") != "application/json" || json.Unmarshal([]byte(body), &export) != nil || export["quiz_answers"] == nil {
		t.Errorf("export = %d %s\n%.300s", code, hdr.Get("Content-Type"), body)
	}
	if code, _, _ := c.do("GET", "/console/learners/99999", nil); code != http.StatusNotFound {
		t.Errorf("unknown learner = %d", code)
	}
	if code, _, _ := c.do("GET", "/console/broadcasts/99999", nil); code != http.StatusNotFound {
		t.Errorf("unknown broadcast = %d", code)
	}
}

func TestDeleteLearnerNeedsConfirmation(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	_, _, _ = c.do("GET", "/console/learners/3/delete", nil)
	if code, body, _ := c.post("/console/learners/3/delete", nil); code != http.StatusBadRequest || !strings.Contains(body, "Tick the box") {
		t.Errorf("unconfirmed delete = %d", code)
	}
	if _, err := r.learner(3); err != nil {
		t.Fatalf("unconfirmed delete erased the learner: %v", err)
	}
	code, _, hdr := c.post("/console/learners/3/delete", url.Values{"confirm": {"yes"}})
	if code != http.StatusSeeOther || hdr.Get("Location") != "/console/learners?deleted=1" {
		t.Errorf("delete = %d %v", code, hdr)
	}
	if _, err := r.learner(3); bottega.ErrorCode(err) != bottega.ENOTFOUND {
		t.Errorf("after delete: %v", err)
	}
	if code, _, _ := c.post("/console/learners/3/delete", url.Values{"confirm": {"yes"}}); code != http.StatusNotFound {
		t.Errorf("second delete = %d", code)
	}
}

func TestBroadcastFromTheConsole(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	_, _, _ = c.do("GET", "/console/broadcasts", nil)
	// Counting first: the seeded learners are on platform "test", the
	// admin on telegram, so the count is 0 and nothing can be sent.
	form := url.Values{"kind": {"text"}, "text": {"Domani webinar alle 18"}, "action": {"preview"}}
	code, body, _ := c.post("/console/broadcasts", form)
	if code != 200 || !strings.Contains(body, "No learner matches") || strings.Contains(body, `id="send"`) {
		t.Fatalf("preview = %d\n%s", code, body)
	}
	ctx := context.Background()
	var ls []bottega.Learner
	consent := time.Now() // audiences hold only learners who gave consent
	for i := range 5 {
		role := bottega.RoleArtisan
		if i%2 == 0 {
			role = bottega.RoleGuide
		}
		ls = append(ls, bottega.Learner{Platform: "telegram", ExternalID: fmt.Sprint(500 + i), ChatID: fmt.Sprint(500 + i), Role: role, Level: bottega.LevelBase, ConsentAt: &consent})
	}
	if err := r.db.CreateLearners(ctx, ls); err != nil {
		t.Fatal(err)
	}
	form.Set("role", bottega.RoleGuide)
	code, body, _ = c.post("/console/broadcasts", form)
	if code != 200 || !strings.Contains(body, "Recipients: 3.") || !strings.Contains(body, "Send (recipients: 3)") {
		t.Fatalf("preview with a role = %d\n%s", code, body)
	}
	if !strings.Contains(body, `<p class="bubble">Domani webinar alle 18</p>`) {
		t.Errorf("the preview does not show the message:\n%s", body)
	}
	counted := countedOf(t, body)
	// The platform is chosen, the admin's own at first: the guides are
	// on Telegram, none on WhatsApp.
	if !strings.Contains(body, `<option value="telegram" selected>`) {
		t.Errorf("the admin's platform is not the one chosen:\n%.3000s", body)
	}
	wa := url.Values{"kind": {"text"}, "text": {"x"}, "role": {bottega.RoleGuide}, "platform": {"whatsapp"}, "action": {"preview"}}
	if _, body, _ := c.post("/console/broadcasts", wa); !strings.Contains(body, `<option value="whatsapp" selected>`) || strings.Contains(body, "Recipients: 3.") {
		t.Errorf("the count on WhatsApp:\n%.3000s", body)
	}
	lesson := url.Values{"kind": {"lesson"}, "lesson": {"reviews"}, "role": {bottega.RoleGuide}, "action": {"preview"}}
	_, body, _ = c.post("/console/broadcasts?lang=en", lesson)
	if !strings.Contains(body, r.cur.Lesson("reviews").Title.Get("en")) || !strings.Contains(body, `class="key-button"`) {
		t.Errorf("the preview of a new lesson does not show its message and button:\n%s", body)
	}
	lessonCounted := countedOf(t, body)
	// Bad input is refused, with the reason, and starts nothing.
	bad := url.Values{"kind": {"lesson"}, "lesson": {"no-such-lesson"}, "action": {"send"}}
	if code, body, _ := c.post("/console/broadcasts", bad); code != http.StatusBadRequest || !strings.Contains(body, "no-such-lesson") {
		t.Errorf("unknown lesson = %d", code)
	}
	bad = url.Values{"kind": {"text"}, "text": {"x"}, "role": {"astronaut"}, "action": {"send"}}
	if code, _, _ := c.post("/console/broadcasts", bad); code != http.StatusBadRequest {
		t.Errorf("unknown role = %d", code)
	}
	// Filters changed after the count: the send button's count was
	// another audience's, so nothing goes; the new count is shown.
	stale := url.Values{"kind": {"text"}, "text": {"Domani webinar alle 18"}, "action": {"send"}, "counted": {counted}}
	if code, body, _ := c.post("/console/broadcasts", stale); code != 200 || !strings.Contains(body, "changed after the count") || !strings.Contains(body, `id="send"`) {
		t.Errorf("send of filters not counted = %d\n%.3000s", code, body)
	}
	if list, err := r.svc.FindBroadcasts(ctx, bottega.BroadcastFilter{}); err != nil || len(list) != 0 {
		t.Fatalf("a send of what was not counted started %v (%v)", list, err)
	}
	form.Set("action", "send")
	form.Set("counted", counted)
	code, _, hdr := c.post("/console/broadcasts", form)
	if code != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/console/broadcasts/") {
		t.Fatalf("send = %d %v", code, hdr)
	}
	page := hdr.Get("Location")
	code, body, _ = c.do("GET", page, nil)
	if code != 200 || !strings.Contains(body, `http-equiv="refresh"`) || !strings.Contains(body, `<dd id="left">3</dd>`) {
		t.Fatalf("progress page = %d\n%s", code, body)
	}
	// The chat and the command line read the same progress through the
	// same service.
	list, err := r.svc.FindBroadcasts(ctx, bottega.BroadcastFilter{Platform: "telegram", Active: true})
	if err != nil || len(list) != 1 || list[0].Total != 3 || list[0].Counts.Pending != 3 || list[0].CreatedBy != admin {
		t.Fatalf("service sees %+v, %v", list, err)
	}
	id := list[0].ID
	// A cancel asks first, on a page that does not reload itself, and
	// cancels nothing until confirmed: it cannot be undone.
	if code, body, _ := c.post(fmt.Sprintf("/console/broadcasts/%d/cancel", id), nil); code != 200 || !strings.Contains(body, `id="cancel-yes"`) || strings.Contains(body, `http-equiv="refresh"`) || strings.Contains(body, `<strong id="status">cancelled</strong>`) {
		t.Errorf("cancel without confirming = %d\n%.3000s", code, body)
	}
	for _, step := range []struct{ action, status string }{{"pause", "paused"}, {"resume", "sending"}, {"cancel", "cancelled"}} {
		code, _, _ := c.post(fmt.Sprintf("/console/broadcasts/%d/%s", id, step.action), url.Values{"confirm": {"yes"}})
		_, body, _ := c.do("GET", page, nil)
		if code != http.StatusSeeOther || !strings.Contains(body, `<strong id="status">`+step.status+`</strong>`) {
			t.Errorf("%s = %d\n%s", step.action, code, body)
		}
	}
	p, err := r.svc.BroadcastProgress(ctx, id)
	if err != nil || p.Status != bottega.BroadcastCancelled || p.Counts.Cancelled != 3 {
		t.Errorf("after cancel: %+v, %v", p, err)
	}
	if _, body, _ := c.do("GET", page, nil); strings.Contains(body, `http-equiv="refresh"`) || !strings.Contains(body, `<dd id="cancelled">3</dd>`) {
		t.Errorf("a finished broadcast still refreshes, or its counts are wrong\n%s", body)
	}
	// Resuming a cancelled broadcast is refused with the reason.
	if code, body, _ := c.post(fmt.Sprintf("/console/broadcasts/%d/resume", id), nil); code != 200 || !strings.Contains(body, "status changed") {
		t.Errorf("resume after cancel = %d", code)
	}
	if _, body, _ := c.do("GET", "/console/broadcasts", nil); !strings.Contains(body, "Domani webinar") {
		t.Errorf("history without the broadcast")
	}
	// A lesson's broadcast is listed by the lesson's title, with when in
	// Italy's time.
	lesson.Set("action", "send")
	lesson.Set("counted", lessonCounted)
	if code, _, _ := c.post("/console/broadcasts", lesson); code != http.StatusSeeOther {
		t.Fatalf("send a lesson = %d", code)
	}
	if _, body, _ := c.do("GET", "/console/broadcasts?lang=en", nil); !strings.Contains(body, "<td>"+r.cur.Lesson("reviews").Title.Get("en")+"</td>") || !regexp.MustCompile(`<td>\d{4}-\d\d-\d\d \d\d:\d\d CE`).MatchString(body) {
		t.Errorf("history without the lesson's title, or a time without its zone:\n%s", body)
	}
}

// countedOf is the count's signature that a page offering to send
// carries, for the send.
func countedOf(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="counted" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no count to send:\n%.3000s", body)
	}
	return m[1]
}

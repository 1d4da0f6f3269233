package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/video"
	"github.com/bottega-app/bottega/video/videotest"
	"github.com/bottega-app/bottega/web"
)

// urlLesson is clipLesson with its video at a URL, as an upload has it.
func urlLesson(u string) []byte {
	l := strings.Replace(clipLesson, "order: 1\n", "order: 90\n", 1)
	return []byte(strings.Replace(strings.Replace(l, "  file: videos/demo.mp4\n", "  url: "+u+"\n", 1), "  transcript: videos/demo.vtt\n", "", 1))
}

// uploadLesson uploads a lesson file and returns the draft's id.
func uploadLesson(t *testing.T, c *client, data []byte, want ...string) string {
	t.Helper()
	code, body, _ := c.upload("/console/lessons/upload", url.Values{"csrf": {c.csrf}, "track": {"bottega-digitale"}}, "clipdemo.yaml", data)
	m := regexp.MustCompile(`name="draft" value="(\d+)"`).FindStringSubmatch(body)
	if code != 200 || m == nil {
		t.Fatalf("upload = %d\n%s", code, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("upload page without %q", w)
		}
	}
	return m[1]
}

// TestUploadWithVideoIsCut: a lesson uploaded on the console whose video
// has chapters is cut into clips by the same preparer as the chat's, its
// progress on a page that refreshes itself, then published with its clips.
func TestUploadWithVideoIsCut(t *testing.T) {
	r := newRig(t)
	files, started, release := gatedVideo(t, r, func(p video.Progress) bool {
		// The page is read while the first clip is being made.
		return p.Clip == 0 && !p.Cached
	})
	defer release()

	c := r.signIn()
	draft := uploadLesson(t, c, urlLesson(files.URL+"/demo.mp4"), "Lessons with a video to cut: 1.")
	code, _, hdr := c.post("/console/lessons/publish", url.Values{"draft": {draft}, "name": {"clipdemo.yaml"}})
	job := hdr.Get("Location")
	if code != http.StatusSeeOther || !strings.HasPrefix(job, "/console/lessons/jobs/") {
		t.Fatalf("publish = %d, %v", code, hdr)
	}
	<-started
	code, body, _ := c.do("GET", job, nil)
	for _, want := range []string{`<meta http-equiv="refresh" content="2">`, "Publishing with videos: clipdemo.yaml",
		"cutting and encoding clip 1 of 4", `<progress id="job-progress" max="100" value="0">`} {
		if code != 200 || !strings.Contains(body, htmlEscape(want)) {
			t.Errorf("job page while cutting = %d, without %q", code, want)
		}
	}
	if code, _, _ := r.client().do("GET", job, nil); code != http.StatusUnauthorized {
		t.Errorf("job page without signing in = %d", code)
	}
	// Another replica of the console, on the same database, shows the
	// same page: the job's state is not only in the process running it.
	other := otherReplica(t, r)
	req, _ := http.NewRequest("GET", other.URL+job+"?lang=en", nil)
	req.Header.Set("Cookie", c.cookie)
	if res, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(b), htmlEscape("cutting and encoding clip 1 of 4")) {
			t.Errorf("job page on another replica = %d\n%s", res.StatusCode, b)
		}
	}
	release()
	r.h.Wait()
	code, body, _ = c.do("GET", job, nil)
	if code != 200 || strings.Contains(body, "http-equiv") || !strings.Contains(body, "Version 2 published") || !strings.Contains(body, "Clips encoded now: 4; already made: 0.") {
		t.Errorf("job page when done = %d\n%s", code, body)
	}
	// A finished job stays finished, however long after.
	r.advance(2 * time.Hour)
	if _, body, _ := c.do("GET", job, nil); !strings.Contains(body, "Version 2 published") {
		t.Errorf("job page two hours later:\n%s", body)
	}
	// The published lesson names its clips, which the console plays.
	code, body, _ = c.do("GET", "/console/lessons/clipdemo?screen=4", nil)
	if code != 200 || !strings.Contains(body, "<video") || !strings.Contains(body, "from 0:12 to 0:16") {
		t.Errorf("published lesson = %d\n%s", code, body)
	}
	// Uploading it again cuts nothing: the clips are made.
	draft = uploadLesson(t, c, urlLesson(files.URL+"/demo.mp4"), "Lessons with a video to cut: 1.")
	_, _, hdr = c.post("/console/lessons/publish", url.Values{"draft": {draft}, "name": {"clipdemo.yaml"}})
	r.h.Wait()
	if _, body, _ := c.do("GET", hdr.Get("Location"), nil); !strings.Contains(body, "Clips encoded now: 0; already made: 4.") {
		t.Errorf("the same upload again:\n%s", body)
	}
	if code, _, _ := c.do("GET", "/console/lessons/jobs/nosuchjob", nil); code != http.StatusNotFound {
		t.Errorf("unknown job = %d", code)
	}
}

// TestUploadWithVideoWithoutFFmpeg: without ffmpeg the job fails, says
// what to install, and publishes nothing.
func TestUploadWithVideoWithoutFFmpeg(t *testing.T) {
	r := newRig(t)
	r.setVideos(func(ctx context.Context, c *content.Curriculum, progress func(video.Event)) (video.Report, error) {
		tools, err := video.Find(func(string) string { return "/nonexistent/ffmpeg" })
		if err != nil {
			return video.Report{}, err
		}
		return (&video.Publisher{Cutter: video.NewCutter(tools, r.clips)}).Prepare(ctx, c, progress)
	})
	c := r.signIn()
	draft := uploadLesson(t, c, urlLesson("https://videos.example.org/demo.mp4"))
	_, _, hdr := c.post("/console/lessons/publish", url.Values{"draft": {draft}, "name": {"clipdemo.yaml"}})
	r.h.Wait()
	code, body, _ := c.do("GET", hdr.Get("Location"), nil)
	if code != http.StatusInternalServerError || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "install Debian&#39;s ffmpeg package (apt-get install ffmpeg)") ||
		strings.Contains(body, "http-equiv") {
		t.Errorf("job page = %d\n%s", code, body)
	}
	if _, body, _ := c.do("GET", "/console/lessons", nil); strings.Contains(body, "clipdemo") {
		t.Error("the lesson was published without its clips")
	}
}

// gatedVideo serves a generated 16-second video with chapters over HTTP
// and has r cut it with the real preparer, holding the cutting at the
// first progress event that at accepts: started is closed then, and the
// cutting goes on once release is called.
func gatedVideo(t *testing.T, r *rig, at func(video.Progress) bool) (files *httptest.Server, started <-chan struct{}, release func()) {
	t.Helper()
	tools := videotest.Tools(t)
	dir := t.TempDir()
	videotest.Make(t, tools, dir, "demo.mp4", 16*time.Second)
	files = httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(files.Close)
	start, gate := make(chan struct{}), make(chan struct{})
	var once, open sync.Once
	release = func() { open.Do(func() { close(gate) }) }
	t.Cleanup(release)
	p := &video.Publisher{Cutter: &video.Cutter{Tools: tools, Dir: r.clips, Settings: videotest.Settings()}, HTTP: files.Client()}
	r.setVideos(func(ctx context.Context, c *content.Curriculum, progress func(video.Event)) (video.Report, error) {
		return p.Prepare(ctx, c, func(e video.Event) {
			progress(e)
			if e.Stage == "cut" && at(e.Progress) {
				once.Do(func() { close(start); <-gate })
			}
		})
	})
	return files, start, release
}

// otherReplica serves a second console on r's database, as another
// replica of the bot would.
func otherReplica(t *testing.T, r *rig) *httptest.Server {
	t.Helper()
	h, err := web.New(web.Options{Admins: []string{admin}, PublicURL: "http://console.test", Sessions: r.db, Jobs: r.db, Clock: r.clock,
		Broadcasts: r.svc, Learners: &store.Learners{DB: r.db}, Stats: &store.Statistics{DB: r.db}, Library: store.NewLibrary(r.db, 0)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// TestJobCutShortWithItsProcess: a job whose process stopped (a restart, a
// crash) writes no more; its page stops refreshing and says to publish the
// upload again, rather than showing its last progress for ever.
func TestJobCutShortWithItsProcess(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	ctx := context.Background()
	now := r.clock()
	stage := []byte(`{"stage":"cut","lesson":{"en":"Demo","it":"Demo"},"clip":2,"clips":4,"percent":30}`)
	if err := r.db.SaveConsoleJob(ctx, store.ConsoleJob{ID: "running", Platform: "telegram", UserID: admin, Source: "demo.yaml",
		StartedAt: now, SeenAt: now, Stage: stage}); err != nil {
		t.Fatal(err)
	}
	code, body, _ := c.do("GET", "/console/lessons/jobs/running", nil)
	if code != 200 || !strings.Contains(body, "http-equiv") || !strings.Contains(body, htmlEscape("cutting and encoding clip 2 of 4")) {
		t.Errorf("job page of a running job = %d\n%s", code, body)
	}
	// Its process wrote 30 seconds ago: it still runs.
	r.advance(30 * time.Second)
	if _, body, _ := c.do("GET", "/console/lessons/jobs/running", nil); strings.Contains(body, "cut short") {
		t.Errorf("job page half a minute after its last write:\n%s", body)
	}
	// Nothing for two minutes: it stopped with its process.
	r.advance(90 * time.Second)
	code, body, _ = c.do("GET", "/console/lessons/jobs/running", nil)
	if code != http.StatusInternalServerError || strings.Contains(body, "http-equiv") || !strings.Contains(body, "The work was cut short") ||
		!strings.Contains(body, "Publish the same upload again") {
		t.Errorf("job page of a job whose process stopped = %d\n%s", code, body)
	}
}

// A console that cuts videos needs somewhere to keep its jobs.
func TestVideosNeedJobs(t *testing.T) {
	_, err := web.New(web.Options{Admins: []string{admin}, Videos: func(context.Context, *content.Curriculum, func(video.Event)) (video.Report, error) {
		return video.Report{}, nil
	}})
	if err == nil || !strings.Contains(err.Error(), "Jobs") {
		t.Errorf("New with Videos and no Jobs: %v", err)
	}
}

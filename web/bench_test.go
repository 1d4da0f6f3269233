package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/video"
)

// BenchmarkConsolePages measures each page's server time with 10,000
// learners and 1,000,000 quiz answers in the database (the target is 100
// ms a page).
func BenchmarkConsolePages(b *testing.B) {
	r := newRigSeeded(b, 10000, 100)
	c := r.signIn()
	// A job's page: an upload with a video, published by a preparer that
	// cuts nothing.
	r.setVideos(func(context.Context, *content.Curriculum, func(video.Event)) (video.Report, error) {
		return video.Report{}, nil
	})
	_, body, _ := c.upload("/console/lessons/upload", url.Values{"csrf": {c.csrf}, "track": {"bottega-digitale"}}, "clipdemo.yaml",
		urlLesson("https://videos.example.org/demo.mp4"))
	draft := strings.SplitN(strings.SplitN(body, `name="draft" value="`, 2)[1], `"`, 2)[0]
	_, _, hdr := c.post("/console/lessons/publish", url.Values{"draft": {draft}, "name": {"clipdemo.yaml"}})
	r.h.Wait()
	ls := r.cur.Lesson("reviews")
	for _, p := range []string{"/console/", "/console/broadcasts", "/console/learners", "/console/learners?q=learner+77",
		"/console/learners/5000", "/console/questions", "/console/questions?kind=unhelpful",
		"/console/lessons", "/console/lessons?v=1", "/console/lessons/reviews", "/console/lessons/reviews?loc=en&screen=" + itoa(len(ls.Steps)+2),
		"/console/lessons/clipdemo", hdr.Get("Location"), "/console/plain"} {
		b.Run(p, func(b *testing.B) {
			req := httptest.NewRequest("GET", p, nil)
			req.Header.Set("Cookie", c.cookie)
			for b.Loop() {
				w := httptest.NewRecorder()
				r.h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s = %d", p, w.Code)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
		})
	}
}

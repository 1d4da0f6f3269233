package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkConsolePages measures each page's server time with 10,000
// learners and 1,000,000 quiz answers in the database (the target is 100
// ms a page).
func BenchmarkConsolePages(b *testing.B) {
	r := newRigSeeded(b, 10000, 100)
	c := r.signIn().cookie
	for _, p := range []string{"/console/", "/console/broadcasts", "/console/learners", "/console/learners?q=learner+77",
		"/console/learners/5000", "/console/questions", "/console/questions?kind=unhelpful"} {
		b.Run(p, func(b *testing.B) {
			req := httptest.NewRequest("GET", p, nil)
			req.Header.Set("Cookie", c)
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

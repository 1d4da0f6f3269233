// Package web is the web console for the people who run Bottega, served at
// /console/: an overview of learning, broadcasts, learners, the questions
// the lessons did not answer and the plain-language checker. Pages are
// rendered on the server (html/template, embedded with the stylesheet) and
// work without JavaScript; a page whose figures change (a broadcast being
// sent) refreshes itself.
//
// Nobody signs in with a password: an admin asks the bot (/console) or the
// command line (bottega console-link) for a one-time link valid for ten
// minutes. The session is a cookie (HttpOnly, SameSite=Strict, Secure over
// HTTPS) kept in Postgres and ended after 12 hours idle; every form carries
// the session's CSRF token; only ids in BOTTEGA_ADMINS get in, checked on
// every request.
//
// The console calls the same services as the chat and the command line
// (bottega.BroadcastService, PublishService, LearnerService, StatsService,
// and the plain package's checker).
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/locales"
)

//go:embed templates/*.html static/*
var files embed.FS

// Library gives the current curriculum.
type Library interface {
	Current(ctx context.Context) (*content.Curriculum, int64, error)
}

// Options configures the console.
type Options struct {
	// Admins are the platform user ids allowed in (BOTTEGA_ADMINS).
	Admins []string
	// PublicURL is the address the console is reached at, for links
	// (BOTTEGA_PUBLIC_URL).
	PublicURL  string
	Sessions   Sessions
	Broadcasts bottega.BroadcastService
	Learners   bottega.LearnerService
	Stats      bottega.StatsService
	Publishing bottega.PublishService
	Library    Library
	// Screens renders a lesson as a learner reading in a locale sees it,
	// screen by screen (flows.Preview).
	Screens func(ls *content.Lesson, locale string) []bot.Reply
	// Message renders a broadcast's message as a learner reading in
	// d.Locale gets it (broadcast.Messages.Render), for the preview
	// before it is sent; nil: no preview.
	Message func(ctx context.Context, d bottega.Delivery) (bot.Reply, error)
	// Videos cuts the videos of an uploaded lesson into clips before it
	// is published, as the chat's upload and bottega content publish do
	// (video.Publisher.Prepare); nil: an upload is published as it is.
	// Publishing must also implement bottega.Drafts, which keeps the
	// clips in the draft.
	Videos bottega.VideoPreparer
	// Clips finds the clips of the lessons' videos (video.Cutter on the
	// clip folder); nil: the steps show no clips.
	Clips Clips
	// Jobs keeps the state of the jobs that publish uploads with videos
	// (store.DB); needed with Videos.
	Jobs Jobs
	// Texts says the services' errors in the admin's language
	// (locales.Catalog, messages console_<key>) and the plain-language
	// checker's suggestions; nil: the built-in messages (locales.Load).
	Texts Texts
	// Rate is the sending rate of broadcasts started here.
	Rate   float64
	Clock  func() time.Time
	Logger *slog.Logger
}

// Texts renders messages (locales.Catalog).
type Texts interface {
	T(lang, id string, data map[string]any) string
	Has(lang, id string) bool
}

// maxBody bounds a request's body: an upload and its form.
const maxBody = bottega.MaxUpload + 1<<20

// slowUpload is how long a signed-in admin's form may take to arrive and
// be answered: maxBody on a slow mobile line (200 kbit/s) takes about 15
// minutes. Other requests keep the server's deadlines (HTTP_ADDR's, 30 s).
const slowUpload = 20 * time.Minute

// Handler serves the console.
type Handler struct {
	o      Options
	admins map[string]bool
	pages  map[string]*template.Template
	mux    *http.ServeMux
	jobs   *jobs
	// versions keeps the curriculum versions the pages read.
	versions versionCache
	// words are the console's texts by language.
	words map[string]map[string]string
}

// New returns the console's handler, to be mounted at /console/.
func New(o Options) (*Handler, error) {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Rate <= 0 {
		o.Rate = 25
	}
	if o.Texts == nil {
		c, err := locales.Load()
		if err != nil {
			return nil, fmt.Errorf("console texts: %w", err)
		}
		o.Texts = c
	}
	if o.Videos != nil && o.Jobs == nil {
		return nil, errors.New("console: Jobs is needed to publish uploads with videos")
	}
	h := &Handler{o: o, admins: map[string]bool{}, pages: map[string]*template.Template{}, mux: http.NewServeMux(), jobs: newJobs(),
		words: map[string]map[string]string{"it": textsIn("it"), "en": textsIn("en")}}
	for _, a := range o.Admins {
		if a = strings.TrimSpace(a); a != "" {
			h.admins[a] = true
		}
	}
	if err := h.parse(); err != nil {
		return nil, err
	}
	h.routes()
	return h, nil
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: https:; style-src 'self'; frame-ancestors 'none'; form-action 'self'")
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	}
	h.mux.ServeHTTP(w, r)
}

// page is a handler for signed-in admins.
type page func(w http.ResponseWriter, r *http.Request, s *session)

func (h *Handler) routes() {
	h.mux.Handle("GET /console/static/", http.StripPrefix("/console/", noListing(http.FileServerFS(files))))
	h.mux.HandleFunc("GET /console/login", h.loginPage)
	// Any other path: the console's page that says so, with the way back.
	h.mux.HandleFunc("/console/", func(w http.ResponseWriter, r *http.Request) { h.refuse(w, r, http.StatusNotFound, "err_notfound") })
	h.mux.HandleFunc("POST /console/login", h.login)
	get := func(pattern string, p page) { h.mux.HandleFunc("GET "+pattern, h.signedIn(p, false)) }
	post := func(pattern string, p page) { h.mux.HandleFunc("POST "+pattern, h.signedIn(p, true)) }
	get("/console/{$}", h.overview)
	get("/console/broadcasts", h.broadcasts)
	post("/console/broadcasts", h.composeBroadcast)
	get("/console/broadcasts/{id}", h.broadcast)
	post("/console/broadcasts/{id}/{action}", h.controlBroadcast)
	get("/console/learners", h.learners)
	get("/console/learners/{id}", h.learner)
	get("/console/learners/{id}/export", h.exportLearner)
	get("/console/learners/{id}/delete", h.confirmDelete)
	post("/console/learners/{id}/delete", h.deleteLearner)
	get("/console/questions", h.questions)
	get("/console/lessons", h.lessons)
	get("/console/lessons/{id}", h.lesson)
	get("/console/lessons/{id}/steps/{step}/subtitles", h.subtitles)
	get("/console/lessons/{id}/steps/{step}/image", h.image)
	get("/console/clips/{key}/{part}", h.clipFile)
	post("/console/lessons/upload", h.upload)
	post("/console/lessons/publish", h.publish)
	get("/console/lessons/jobs/{id}", h.jobPage)
	post("/console/lessons/rollback", h.rollback)
	get("/console/plain", h.plainPage)
	post("/console/plain", h.checkPlain)
	post("/console/logout", h.logout)
}

// signedIn lets admins with a session through, and for a POST only with
// the session's CSRF token.
func (h *Handler) signedIn(p page, write bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := h.current(r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if s == nil {
			h.refuse(w, r, http.StatusUnauthorized, "err_signin")
			return
		}
		if write {
			// The server's deadlines are for anyone's request: a signed-in
			// admin's upload on a slow line gets the time it needs.
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Now().Add(slowUpload))
			_ = rc.SetWriteDeadline(time.Now().Add(slowUpload))
		}
		if write && r.ContentLength > maxBody {
			// Its form cannot be read, its token with it: say why.
			h.refuse(w, r, http.StatusRequestEntityTooLarge, "err_too_big")
			return
		}
		if write && !checkCSRF(r, s) {
			h.refuse(w, r, http.StatusForbidden, "err_csrf")
			return
		}
		p(w, r, s)
	}
}

// refuse answers with a page that says why, in the admin's language.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	h.render(w, r, status, "error", nil, map[string]any{"Message": msg})
}

// fail logs an internal error and says something went wrong.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.o.Logger.Error("console", "path", r.URL.Path, "err", err)
	h.refuse(w, r, http.StatusInternalServerError, "err_internal")
}

// message says what went wrong in lang: the console's own text for key, or
// the services' message for key (console_<key> in the locales), else the
// generic one.
func (h *Handler) message(lang, key string, data map[string]any) string {
	if t, ok := h.words[lang][key]; ok {
		return t
	}
	if h.o.Texts != nil && key != "" && h.o.Texts.Has(lang, "console_"+key) {
		return h.o.Texts.T(lang, "console_"+key, data)
	}
	return h.words[lang]["err_internal"]
}

// noListing serves files only: a folder's path (ending in "/") is not
// found, rather than listed.
func noListing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

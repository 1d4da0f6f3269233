package web

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/video"
)

// A job publishes an upload whose videos must first be cut into clips,
// which takes minutes: it runs after the request that started it, and its
// page shows how far it is, refreshing itself. Jobs live in the process
// that runs them; what they make (the clips, the published version) is on
// disk and in Postgres, and a job cut short by a restart is started again
// by publishing the upload again, which finds the clips made.
type job struct {
	ID     string
	By     string
	Source string
	Start  time.Time

	mu    sync.Mutex
	stage jobStage
	done  bool
	err   error
	pub   bottega.Publication
	rep   video.Report
}

// jobStage is what a job is doing.
type jobStage struct {
	Lesson content.Text // the lesson's title
	Stage  string       // download, transcribe, cut
	Clip   int          // from 1
	Clips  int
	// Percent of the lesson's clips made.
	Percent int
	Cached  bool
}

// jobs are the console's running and recent jobs.
type jobs struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu  sync.Mutex
	all map[string]*job
}

// keepJobs is how long a finished job's page stays.
const keepJobs = time.Hour

func newJobs() *jobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &jobs{ctx: ctx, cancel: cancel, all: map[string]*job{}}
}

// start runs work as a new job and returns it.
func (j *jobs) start(now time.Time, by, source string, work func(ctx context.Context, jb *job) (bottega.Publication, video.Report, error)) *job {
	jb := &job{ID: rand.Text(), By: by, Source: source, Start: now}
	j.mu.Lock()
	for id, old := range j.all {
		old.mu.Lock()
		stale := old.done && now.Sub(old.Start) > keepJobs
		old.mu.Unlock()
		if stale {
			delete(j.all, id)
		}
	}
	j.all[jb.ID] = jb
	j.mu.Unlock()
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		pub, rep, err := work(j.ctx, jb)
		jb.mu.Lock()
		jb.done, jb.pub, jb.rep, jb.err = true, pub, rep, err
		jb.mu.Unlock()
	}()
	return jb
}

func (j *jobs) get(id string) *job {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.all[id]
}

// Wait waits for the console's running jobs (publishing uploads with
// videos) to end.
func (h *Handler) Wait() { h.jobs.wg.Wait() }

// Close stops the running jobs (ffmpeg is stopped) and waits for them.
func (h *Handler) Close() {
	h.jobs.cancel()
	h.jobs.wg.Wait()
}

// publishLater publishes a draft whose videos must be cut first, as a
// job, and sends the admin to its page.
func (h *Handler) publishLater(w http.ResponseWriter, r *http.Request, s *session, drafts bottega.Drafts, id int64, source string) {
	jb := h.jobs.start(h.o.Clock(), s.UserID, source, func(ctx context.Context, jb *job) (bottega.Publication, video.Report, error) {
		pub, rep, err := bottega.PublishDraftClips(ctx, h.o.Publishing, drafts, h.o.Videos, id, s.UserID, func(c *content.Curriculum, e video.Event) {
			st := jobStage{Stage: e.Stage}
			if l := c.Lesson(e.Lesson); l != nil {
				st.Lesson = l.Title
			}
			if p := e.Progress; e.Stage == "cut" && p.Clips > 0 {
				st.Clip, st.Clips, st.Cached = p.Clip+1, p.Clips, p.Cached
				st.Percent = int((float64(p.Clip) + min(max(p.Done, 0), 1)) * 100 / float64(p.Clips))
			}
			jb.mu.Lock()
			jb.stage = st
			jb.mu.Unlock()
		})
		if err != nil {
			h.o.Logger.Error("console: publish with clips", "draft", id, "admin", s.UserID, "err", err)
		} else {
			h.o.Logger.Info("console: curriculum published", "version", pub.Version, "created", pub.Created, "admin", s.UserID,
				"clips_encoded", rep.Encoded, "clips_cached", rep.Cached)
		}
		return pub, rep, err
	})
	http.Redirect(w, r, "/console/lessons/jobs/"+jb.ID, http.StatusSeeOther)
}

// jobPage shows how far a job is, refreshing itself while it runs, then
// what it published or why it failed.
func (h *Handler) jobPage(w http.ResponseWriter, r *http.Request, s *session) {
	jb := h.jobs.get(r.PathValue("id"))
	if jb == nil {
		h.refuse(w, r, http.StatusNotFound, "err_job_gone")
		return
	}
	lang := h.lang(w, r)
	jb.mu.Lock()
	st, done, err, pub, rep := jb.stage, jb.done, jb.err, jb.pub, jb.rep
	jb.mu.Unlock()
	data := map[string]any{"Source": jb.Source, "Started": jb.Start, "Done": done, "Stage": st.Stage,
		"Lesson": st.Lesson.Get(lang), "Clip": st.Clip, "Clips": st.Clips, "Percent": st.Percent, "Cached": st.Cached}
	status := http.StatusOK
	switch {
	case !done:
		data["Refresh"] = 2
	case err != nil:
		status = http.StatusInternalServerError
		data["Error"] = h.jobError(lang, err)
	default:
		data["Version"] = pub.Version
		data["Encoded"], data["CachedClips"] = rep.Encoded, rep.Cached
	}
	h.render(w, r, status, "job", s, data)
}

// jobError says why a job failed, in lang: the services' message for a
// known error, else what went wrong in the cutting (ffmpeg's own words,
// which name what to install or fix).
func (h *Handler) jobError(lang string, err error) string {
	switch bottega.ErrorCode(err) {
	case bottega.ENOTFOUND:
		return h.message(lang, "err_draft_gone", nil)
	case bottega.ECONFLICT:
		return h.message(lang, bottega.DraftStale, nil)
	}
	if errors.Is(err, video.ErrNoFFmpeg) {
		return h.message(lang, "err_no_ffmpeg", nil) + " (" + err.Error() + ")"
	}
	if errors.Is(err, context.Canceled) {
		return h.message(lang, "err_job_stopped", nil)
	}
	return h.message(lang, "err_cut", nil) + " " + err.Error()
}

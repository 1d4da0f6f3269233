package web

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/video"
)

// A job publishes an upload whose videos must first be cut into clips,
// which takes minutes: it runs after the request that started it, and its
// page shows how far it is, refreshing itself. Its state is kept in
// Postgres (Jobs), so that the page is the same whichever replica serves
// it; the process that runs it writes at least every jobBeat, and a job
// not finished nor written for jobLost was stopped with its process: its
// page says so, and publishing the upload again finds the clips made.
type job struct {
	mu sync.Mutex
	// row is the job's state; its SeenAt is when it was last written.
	row store.ConsoleJob
	// last is the stage last reported.
	last jobStage
}

// Jobs keeps the console jobs' state (store.DB).
type Jobs interface {
	SaveConsoleJob(ctx context.Context, j store.ConsoleJob) error
	ConsoleJob(ctx context.Context, id string) (store.ConsoleJob, error)
}

// jobStage is what a job is doing.
type jobStage struct {
	Lesson content.Text `json:"lesson,omitempty"` // the lesson's title
	Stage  string       `json:"stage,omitempty"`  // download, transcribe, cut
	Clip   int          `json:"clip,omitempty"`   // from 1
	Clips  int          `json:"clips,omitempty"`
	// Percent of the lesson's clips made.
	Percent int  `json:"percent,omitempty"`
	Cached  bool `json:"cached,omitempty"`
}

const (
	// jobBeat is the longest a running job goes without writing its
	// state; jobStep the least between two writes of its progress.
	jobBeat, jobStep = 10 * time.Second, time.Second
	// jobLost is how long after its last write a job that did not
	// finish is taken for stopped.
	jobLost = time.Minute
)

// jobs are the console jobs this process runs.
type jobs struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newJobs() *jobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &jobs{ctx: ctx, cancel: cancel}
}

// Wait waits for the console's running jobs (publishing uploads with
// videos) to end.
func (h *Handler) Wait() { h.jobs.wg.Wait() }

// Close stops the running jobs (ffmpeg is stopped) and waits for them.
func (h *Handler) Close() {
	h.jobs.cancel()
	h.jobs.wg.Wait()
}

// startJob records a new job of the admin s on source and runs work in
// it; work reports its stages to the job.
func (h *Handler) startJob(ctx context.Context, s *session, source string, work func(ctx context.Context, jb *job) (bottega.Publication, video.Report, error)) (*job, error) {
	now := h.o.Clock()
	jb := &job{row: store.ConsoleJob{ID: rand.Text(), Platform: s.Platform, UserID: s.UserID, Source: source, StartedAt: now, SeenAt: now}}
	if err := h.o.Jobs.SaveConsoleJob(ctx, jb.row); err != nil {
		return nil, err
	}
	h.jobs.wg.Add(1)
	go func() {
		defer h.jobs.wg.Done()
		beat := time.NewTicker(jobBeat)
		defer beat.Stop()
		stop, beaten := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(beaten)
			for {
				select {
				case <-beat.C:
					h.saveJob(jb, nil, true)
				case <-stop:
					return
				}
			}
		}()
		pub, rep, err := work(h.jobs.ctx, jb)
		close(stop)
		<-beaten
		h.saveJob(jb, func(row *store.ConsoleJob) {
			now := h.o.Clock()
			row.FinishedAt, row.Version, row.Encoded, row.Cached = &now, pub.Version, rep.Encoded, rep.Cached
			if err != nil {
				row.ErrorKey, row.ErrorDetail = jobFailure(err)
			}
		}, true)
	}()
	return jb, nil
}

// saveJob changes the job's row with change, if any, and writes it, if
// force or jobStep has passed since the last write. It runs on after the
// jobs are stopped, so that a stopped job says it stopped.
func (h *Handler) saveJob(jb *job, change func(*store.ConsoleJob), force bool) {
	jb.mu.Lock()
	defer jb.mu.Unlock()
	if change != nil {
		change(&jb.row)
	}
	t := h.o.Clock()
	if !force && t.Sub(jb.row.SeenAt) < jobStep {
		return
	}
	jb.row.SeenAt = t
	if err := h.o.Jobs.SaveConsoleJob(context.WithoutCancel(h.jobs.ctx), jb.row); err != nil {
		h.o.Logger.Error("console: save job", "job", jb.row.ID, "err", err)
	}
}

// stage records what the job is doing: at once when it moves to another
// stage, lesson or clip, its progress within a clip at most every jobStep.
func (h *Handler) stage(jb *job, st jobStage) {
	b, _ := json.Marshal(st) // strings, numbers and a map of strings always encode
	jb.mu.Lock()
	moved := st.Stage != jb.last.Stage || !maps.Equal(st.Lesson, jb.last.Lesson) || st.Clip != jb.last.Clip || st.Cached != jb.last.Cached
	jb.last = st
	jb.mu.Unlock()
	h.saveJob(jb, func(row *store.ConsoleJob) { row.Stage = b }, moved)
}

// publishLater publishes a draft whose videos must be cut first, as a
// job, and sends the admin to its page.
func (h *Handler) publishLater(w http.ResponseWriter, r *http.Request, s *session, drafts bottega.Drafts, id int64, source string) {
	jb, err := h.startJob(r.Context(), s, source, func(ctx context.Context, jb *job) (bottega.Publication, video.Report, error) {
		pub, rep, err := bottega.PublishDraftClips(ctx, h.o.Publishing, drafts, h.o.Videos, id, s.UserID, func(c *content.Curriculum, e video.Event) {
			st := jobStage{Stage: e.Stage}
			if l := c.Lesson(e.Lesson); l != nil {
				st.Lesson = l.Title
			}
			if p := e.Progress; e.Stage == "cut" && p.Clips > 0 {
				st.Clip, st.Clips, st.Cached = p.Clip+1, p.Clips, p.Cached
				st.Percent = int((float64(p.Clip) + min(max(p.Done, 0), 1)) * 100 / float64(p.Clips))
			}
			h.stage(jb, st)
		})
		if err != nil {
			h.o.Logger.Error("console: publish with clips", "draft", id, "admin", s.UserID, "err", err)
		} else {
			h.o.Logger.Info("console: curriculum published", "version", pub.Version, "created", pub.Created, "admin", s.UserID,
				"clips_encoded", rep.Encoded, "clips_cached", rep.Cached)
		}
		return pub, rep, err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/console/lessons/jobs/"+jb.row.ID, http.StatusSeeOther)
}

// jobPage shows how far a job is, refreshing itself while it runs, then
// what it published or why it failed.
func (h *Handler) jobPage(w http.ResponseWriter, r *http.Request, s *session) {
	if h.o.Jobs == nil { // a console that publishes no videos runs no jobs
		h.refuse(w, r, http.StatusNotFound, "err_job_gone")
		return
	}
	jb, err := h.o.Jobs.ConsoleJob(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		h.refuse(w, r, http.StatusNotFound, "err_job_gone")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lang := h.lang(w, r)
	var st jobStage
	_ = json.Unmarshal(jb.Stage, &st) // a stage that does not read shows as waiting
	done := jb.FinishedAt != nil
	if !done && h.o.Clock().Sub(jb.SeenAt) > jobLost {
		done, jb.ErrorKey = true, "err_job_lost"
	}
	data := map[string]any{"Source": jb.Source, "Started": jb.StartedAt, "Done": done, "Stage": st.Stage,
		"Lesson": st.Lesson.Get(lang), "Clip": st.Clip, "Clips": st.Clips, "Percent": st.Percent, "Cached": st.Cached}
	status := http.StatusOK
	switch {
	case !done:
		data["Refresh"] = 2
	case jb.ErrorKey != "":
		status = http.StatusInternalServerError
		data["Error"] = h.message(lang, jb.ErrorKey, nil) + jb.ErrorDetail
	default:
		data["Version"] = jb.Version
		data["Encoded"], data["CachedClips"] = jb.Encoded, jb.Cached
	}
	h.render(w, r, status, "job", s, data)
}

// jobFailure names the message that says why a job failed (the services'
// message for a known error) and what follows it: what went wrong in the
// cutting (ffmpeg's own words, which name what to install or fix).
func jobFailure(err error) (key, detail string) {
	switch bottega.ErrorCode(err) {
	case bottega.ENOTFOUND:
		return "err_draft_gone", ""
	case bottega.ECONFLICT:
		return bottega.DraftStale, ""
	}
	if errors.Is(err, video.ErrNoFFmpeg) {
		return "err_no_ffmpeg", " (" + err.Error() + ")"
	}
	if errors.Is(err, context.Canceled) {
		return "err_job_stopped", ""
	}
	return "err_cut", " " + err.Error()
}

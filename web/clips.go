package web

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/video"
)

// Clips finds the clips of the lessons' videos by their key, where the
// chat's player finds them (video.Cutter).
type Clips interface {
	Path(key string) (clip, poster string, err error)
}

// clipView is a step's clip as the lesson page shows it: the video from
// the clip folder, its poster, its subtitles and its transcript.
type clipView struct {
	Key string
	// Step is the step's id.
	Step string
	// Lang is the language spoken in the video: the lesson's first.
	Lang string
	// From and To are the clip's place in the lesson's video (m:ss).
	From, To string
	Poster   bool
	// Subtitles tells that the transcript says something in the clip: a
	// WebVTT track is served for it.
	Subtitles bool
	Cues      []cueView
}

// cueView is a line of a transcript, timed in the lesson's video.
type cueView struct {
	At, Text string
}

// stepClip is the clip of step i of a lesson, or nil when the step has
// none or it is not in the clip folder of this server.
func (h *Handler) stepClip(ls *content.Lesson, i int) *clipView {
	if h.o.Clips == nil || i < 0 || i >= len(ls.Steps) || ls.Steps[i].Clip == nil {
		return nil
	}
	c := ls.Steps[i].Clip
	p, poster, err := h.o.Clips.Path(c.Key)
	if err != nil {
		return nil
	}
	if _, err := os.Stat(p); err != nil { // #nosec G703 -- a key checked by Path, in the clip folder
		return nil
	}
	lang := "it"
	if len(ls.Locales) > 0 {
		lang = ls.Locales[0]
	}
	v := &clipView{Key: c.Key, Step: ls.Steps[i].ID, Lang: lang, From: clock(c.Start), To: clock(c.Start + c.Length)}
	if _, err := os.Stat(poster); err == nil { // #nosec G703 -- a key checked by Path, in the clip folder
		v.Poster = true
	}
	if ls.Video != nil {
		for _, cue := range ls.Video.Transcript {
			if cue.End > c.Start && cue.Start < c.Start+c.Length {
				v.Cues = append(v.Cues, cueView{At: clock(cue.Start), Text: cue.Text})
			}
		}
	}
	v.Subtitles = len(v.Cues) > 0
	return v
}

// clipFile serves a clip (/console/clips/{key}/video) or its poster
// (/console/clips/{key}/poster) from the clip folder, with range requests:
// a browser's player asks for parts of the video as it plays and seeks.
func (h *Handler) clipFile(w http.ResponseWriter, r *http.Request, _ *session) {
	if h.o.Clips == nil {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	clip, poster, err := h.o.Clips.Path(r.PathValue("key"))
	if err != nil {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	name, typ := clip, "video/mp4"
	if r.PathValue("part") == "poster" {
		name, typ = poster, "image/jpeg"
	} else if r.PathValue("part") != "video" {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	// A key is the hash of what the clip holds: it never changes.
	h.serveFile(w, r, name, typ, "private, max-age=31536000, immutable")
}

// serveFile serves a file with its type, answering range requests; a
// missing file is a page that says so.
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, name, typ, cache string) {
	f, err := os.Open(name) // #nosec G304 G703 -- a clip folder's file named by a checked key, or a track folder's checked by MediaPath
	if errors.Is(err, fs.ErrNotExist) {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	} else if err != nil {
		h.fail(w, r, fmt.Errorf("open %s: %w", filepath.Base(name), err))
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.IsDir() {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	if typ != "" {
		w.Header().Set("Content-Type", typ)
	}
	w.Header().Set("Cache-Control", cache)
	http.ServeContent(w, r, filepath.Base(name), fi.ModTime(), f)
}

// stepOf finds the lesson and step of a version a request names
// (/console/lessons/{id}/steps/{step}?v=N).
func (h *Handler) stepOf(w http.ResponseWriter, r *http.Request) (*content.Curriculum, *content.Lesson, int, bool) {
	c, _, _, ok := h.version(w, r)
	if !ok {
		return nil, nil, 0, false
	}
	ls := c.Lesson(r.PathValue("id"))
	if ls == nil {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return nil, nil, 0, false
	}
	i := ls.StepIndex(r.PathValue("step"))
	if i < 0 {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return nil, nil, 0, false
	}
	return c, ls, i, true
}

// subtitles serves what is said in a step's clip as WebVTT, timed from the
// clip's start, for the player's <track>.
func (h *Handler) subtitles(w http.ResponseWriter, r *http.Request, _ *session) {
	_, ls, i, ok := h.stepOf(w, r)
	if !ok {
		return
	}
	c := ls.Steps[i].Clip
	if c == nil || ls.Video == nil {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	cues := video.Within(ls.Video.Transcript, c.Start, c.Length)
	if len(cues) == 0 {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	w.Header().Set("Content-Type", "text/vtt; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-cache")
	_, _ = w.Write([]byte(content.WriteVTT(cues)))
}

// image serves a step's picture from its track folder, checked as the chat
// checks it before sending it.
func (h *Handler) image(w http.ResponseWriter, r *http.Request, _ *session) {
	c, ls, i, ok := h.stepOf(w, r)
	if !ok {
		return
	}
	src := ls.Steps[i].Image
	if src == "" || content.IsURL(src) {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	p, err := c.Track(ls.Track).MediaPath(src)
	if err != nil {
		h.refuse(w, r, http.StatusNotFound, "err_notfound")
		return
	}
	h.serveFile(w, r, p, "", "private, no-cache")
}

// clock writes d as m:ss or h:mm:ss, as the chat says a moment of a video.
func clock(d time.Duration) string {
	s := int64(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

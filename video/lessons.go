package video

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bottega-app/bottega/content"
)

// Transcriber turns the audio of a video into timed text.
type Transcriber interface {
	// Transcribe transcribes the audio file audio (MP3).
	Transcribe(ctx context.Context, audio string) ([]content.Cue, error)
	// Name names the model, so that another model transcribes again.
	Name() string
}

// Publisher prepares the videos of a curriculum for publishing: each
// lesson's video with chapters is cut into one clip per step, and its
// transcript read or made.
type Publisher struct {
	Cutter *Cutter
	// Transcriber, if set, transcribes the videos that have no transcript
	// file.
	Transcriber Transcriber
	// HTTP fetches videos given by URL.
	HTTP *http.Client
}

// Event is a step of the work, for progress reports.
type Event struct {
	Lesson string
	Stage  string // "download", "transcribe" or "cut"
	// Progress is the cutting's, during "cut".
	Progress Progress
}

// Report counts the clips of a Prepare.
type Report struct {
	Videos  int
	Encoded int
	Cached  int
}

// Prepare cuts the videos of c's lessons and sets each step's Clip, and
// each video's Source and Transcript. It is slow (minutes for a long
// video) and must run before the curriculum is published, outside any
// transaction. progress may be nil.
func (p *Publisher) Prepare(ctx context.Context, c *content.Curriculum, progress func(Event)) (Report, error) {
	if progress == nil {
		progress = func(Event) {}
	}
	var rep Report
	for _, t := range c.Tracks {
		for _, l := range t.Lessons {
			if l.Video == nil || len(l.Cuts(0)) == 0 {
				continue
			}
			if err := p.lesson(ctx, t, l, progress, &rep); err != nil {
				return rep, fmt.Errorf("lesson %s: video: %w", l.ID, err)
			}
			rep.Videos++
		}
	}
	return rep, nil
}

func (p *Publisher) lesson(ctx context.Context, t *content.Track, l *content.Lesson, progress func(Event), rep *Report) error {
	v := l.Video
	src, err := p.source(ctx, t, v, func() { progress(Event{Lesson: l.ID, Stage: "download"}) })
	if err != nil {
		return err
	}
	name := cmp.Or(v.File, v.URL)
	// A download that is no video is not kept: the next publish fetches
	// the URL again, once the file there is fixed.
	unusable := func(err error) error {
		if v.File == "" {
			_ = os.Remove(src) // a download of no use; the error says why
		}
		return err
	}
	hash, err := HashFile(src)
	if err != nil {
		return err
	}
	info, err := p.Cutter.Tools.Probe(ctx, src)
	if errors.Is(err, errUnreadable) {
		return unusable(fmt.Errorf("%s is not a video ffmpeg can read (a damaged or incomplete file?)", name))
	} else if err != nil {
		return err
	}
	if _, ok := info.Stream("video"); !ok {
		return unusable(fmt.Errorf("%s has no picture, only sound", name))
	}
	for _, ch := range v.Chapters {
		if info.Duration > 0 && ch.Start >= info.Duration {
			return fmt.Errorf("chapter %s starts at %s, but %s lasts %s: correct the chapter or the video", cmp.Or(ch.ID, ch.Title.Get("")), clock(ch.Start), name, clock(info.Duration))
		}
	}
	v.Source = hash
	if v.TranscriptFile == "" && p.Transcriber != nil {
		progress(Event{Lesson: l.ID, Stage: "transcribe"})
		if v.Transcript, err = p.transcript(ctx, src, hash); err != nil {
			return err
		}
	}
	lang := iso6392[firstOr(l.Locales, "it")]
	cuts := l.Cuts(info.Duration)
	vc := make([]Cut, len(cuts))
	for i, c := range cuts {
		vc[i] = Cut{Start: c.Start, Length: c.Length, Language: lang}
		if part := Within(v.Transcript, c.Start, c.Length); len(part) > 0 {
			vc[i].Subtitles = content.WriteVTT(part)
		}
	}
	clips, err := p.Cutter.CutAll(ctx, src, hash, vc, func(pr Progress) {
		progress(Event{Lesson: l.ID, Stage: "cut", Progress: pr})
	})
	if err != nil {
		return err
	}
	for i := range l.Steps {
		l.Steps[i].Clip = nil
	}
	for i, c := range cuts {
		l.Steps[c.Step].Clip = &content.Clip{Key: clips[i].Key, Start: c.Start, Length: c.Length}
		if clips[i].Encoded {
			rep.Encoded++
		} else {
			rep.Cached++
		}
	}
	return nil
}

// Within returns the cues of a transcript that fall in the part of the
// video from start for length, timed from start and cut to the part.
func Within(cues []content.Cue, start, length time.Duration) []content.Cue {
	var out []content.Cue
	end := start + length
	for _, c := range cues {
		if c.End <= start || c.Start >= end {
			continue
		}
		out = append(out, content.Cue{Start: max(c.Start, start) - start, End: min(c.End, end) - start, Text: c.Text})
	}
	return out
}

// iso6392 names the lessons' locales as MP4 files name a language.
var iso6392 = map[string]string{"it": "ita", "en": "eng", "es": "spa", "fr": "fra", "de": "deu", "pl": "pol"}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

// source returns the video file of v: in the track folder, or downloaded
// from its URL into the clip folder (once per URL).
func (p *Publisher) source(ctx context.Context, t *content.Track, v *content.Video, downloading func()) (string, error) {
	if v.File != "" {
		return t.MediaPath(v.File)
	}
	sum := sha256.Sum256([]byte(v.URL))
	dst := filepath.Join(p.Cutter.Dir, "sources", hex.EncodeToString(sum[:])+strings.ToLower(path.Ext(strings.SplitN(v.URL, "?", 2)[0])))
	if _, err := os.Stat(dst); err == nil {
		return dst, nil
	}
	downloading()
	if err := p.download(ctx, v.URL, dst); err != nil {
		return "", fmt.Errorf("download %s: %w", v.URL, err)
	}
	return dst, nil
}

func (p *Publisher) download(ctx context.Context, url, dst string) error {
	hc := p.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := hc.Do(req) // #nosec G107 G704 -- the URL is the lesson's video, which an admin published
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s", res.Status)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(dst), ".download-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	n, err := io.Copy(f, io.LimitReader(res.Body, content.MaxSourceVideoBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if n > content.MaxSourceVideoBytes {
		return fmt.Errorf("the video is over %d MB", content.MaxSourceVideoBytes>>20)
	}
	return os.Rename(f.Name(), dst)
}

// transcript returns the transcript of the video src whose bytes hash to
// hash, kept in the clip folder by source and model, so that publishing
// again asks the model nothing.
func (p *Publisher) transcript(ctx context.Context, src, hash string) ([]content.Cue, error) {
	sum := sha256.Sum256([]byte(hash + "\n" + p.Transcriber.Name()))
	keep := filepath.Join(p.Cutter.Dir, "transcripts", hex.EncodeToString(sum[:])+".json")
	if data, err := os.ReadFile(keep); err == nil { // #nosec G304 -- a file this package wrote, named by a hash
		var cues []content.Cue
		if json.Unmarshal(data, &cues) == nil {
			return cues, nil
		}
	}
	dir, err := os.MkdirTemp("", "bottega-audio-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	audio := filepath.Join(dir, "audio.mp3")
	if err := p.Cutter.Audio(ctx, src, audio); err != nil {
		return nil, err
	}
	cues, err := p.Transcriber.Transcribe(ctx, audio)
	if err != nil {
		return nil, fmt.Errorf("transcribe: %w", err)
	}
	data, err := json.Marshal(cues)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(keep), 0o750); err != nil {
		return nil, err
	}
	if err := os.WriteFile(keep, data, 0o600); err != nil {
		return nil, err
	}
	return cues, nil
}

// MaxAudioBytes is the largest file the speech-to-text endpoint takes.
const MaxAudioBytes = 25 << 20

// Audio writes the sound of the video src to dst as mono MP3 at 32 kbit/s,
// what speech-to-text needs: 25 MB hold about an hour and forty minutes.
func (c *Cutter) Audio(ctx context.Context, src, dst string) error {
	args := []string{"-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", src,
		"-vn", "-map", "0:a:0", "-ac", "1", "-ar", "16000", "-c:a", "libmp3lame", "-b:a", "32k", "-f", "mp3", dst}
	if err := c.run(ctx, args, 0, nil); err != nil {
		return fmt.Errorf("extract audio: %w", err)
	}
	fi, err := os.Stat(dst)
	if err != nil {
		return err
	}
	if fi.Size() > MaxAudioBytes {
		return fmt.Errorf("the audio is %d MB, over the %d MB speech-to-text takes: supply a transcript file (.vtt) instead", fi.Size()>>20, MaxAudioBytes>>20)
	}
	return nil
}

// CarryOver gives the lessons of c, as loaded (not prepared), the clips,
// source and transcript that cur's lessons of the same id have, where
// Prepare would make them again: the same video (the same bytes for a file,
// the same address for a URL, whose download is kept) and the same lesson
// otherwise. Compared with cur, such a lesson is then unchanged, as it is
// once published: a diff before cutting says what publishing would change.
func CarryOver(cur, c *content.Curriculum) {
	for _, t := range c.Tracks {
		for _, l := range t.Lessons {
			o := cur.Lesson(l.ID)
			v := l.Video
			if o == nil || o.Video == nil || v == nil || v.Source != "" || len(o.Steps) != len(l.Steps) {
				continue
			}
			if v.File != "" {
				src, err := t.MediaPath(v.File)
				if err != nil {
					continue
				}
				if hash, err := HashFile(src); err != nil || hash != o.Video.Source {
					continue
				}
			} else if v.URL != o.Video.URL {
				continue
			}
			// The lesson with cur's clips: kept only if then the same.
			lc, vc := *l, *v
			lc.Video, lc.Steps = &vc, slices.Clone(l.Steps)
			vc.Source = o.Video.Source
			if vc.TranscriptFile == "" {
				vc.Transcript = o.Video.Transcript
			}
			for i := range lc.Steps {
				lc.Steps[i].Clip = o.Steps[i].Clip
			}
			if lc.Hash() == o.Hash() {
				*l = lc
			}
		}
	}
}

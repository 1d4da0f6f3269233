package video_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bottega-app/bottega/assistant/llmtest"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/video"
	"github.com/bottega-app/bottega/video/videotest"
)

func transcriber(s *llmtest.Server) video.OpenAI {
	cfg := openai.DefaultConfig("test-key")
	cfg.BaseURL = s.URL()
	return video.OpenAI{Client: openai.NewClientWithConfig(cfg), Model: "whisper-1"}
}

// A lesson with a three-minute video and five chapters publishes to five
// clips that each play everywhere, with the transcript the model made;
// publishing again encodes nothing and asks the model nothing.
func TestPrepareLesson(t *testing.T) {
	tools := videotest.Tools(t)
	root := videotest.Folder(t, tools, t.TempDir(), "")
	llm := llmtest.New("")
	defer llm.Close()
	llm.SetTranscript([]llmtest.Segment{{Start: 12, End: 16, Text: "Benvenuti al roadshow."}, {Start: 135, End: 140.5, Text: "Il QR code della scheda va stampato sulla vetrina."}})

	ctx := context.Background()
	cutter := &video.Cutter{Tools: tools, Dir: t.TempDir(), Settings: videotest.Settings()}
	pub := &video.Publisher{Cutter: cutter, Transcriber: transcriber(llm)}
	load := func() *content.Curriculum {
		c, problems, err := content.LoadDir(root)
		if err != nil || len(problems) > 0 {
			t.Fatalf("load: %v %v", problems, err)
		}
		return c
	}
	c := load()
	var stages []string
	rep, err := pub.Prepare(ctx, c, func(e video.Event) {
		if len(stages) == 0 || stages[len(stages)-1] != e.Stage {
			stages = append(stages, e.Stage)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep != (video.Report{Videos: 1, Encoded: 5}) {
		t.Errorf("report %+v", rep)
	}
	if !slices.Equal(stages, []string{"transcribe", "cut"}) {
		t.Errorf("stages %v", stages)
	}
	l := c.Lesson("webinar")
	for i, s := range l.Steps {
		end := videotest.Length
		if i+1 < len(videotest.Starts) {
			end = videotest.Starts[i+1]
		}
		if s.Clip == nil || s.Clip.Start != videotest.Starts[i] || s.Clip.Length != end-videotest.Starts[i] {
			t.Fatalf("step %d clip %+v", i, s.Clip)
		}
		path, poster, err := cutter.Path(s.Clip.Key)
		if err != nil {
			t.Fatal(err)
		}
		info, err := tools.Probe(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := info.Stream("video")
		a, _ := info.Stream("audio")
		if v.Codec != "h264" || v.Profile != "Main" || a.Codec != "aac" {
			t.Errorf("step %d: video %+v audio %+v", i, v, a)
		}
		if d := info.Duration - s.Clip.Length; math.Abs(d.Seconds()) > 0.5 {
			t.Errorf("step %d: %s long, want %s", i, info.Duration, s.Clip.Length)
		}
		if info.Size > video.MaxClipBytes {
			t.Errorf("step %d: %d bytes", i, info.Size)
		}
		if fast, err := video.Faststart(path); !fast || err != nil {
			t.Errorf("step %d: faststart %v %v", i, fast, err)
		}
		if _, err := tools.Probe(ctx, poster); err != nil {
			t.Errorf("step %d: poster %v", i, err)
		}
		// The transcript's lines are soft subtitles of the clips they fall in.
		_, subs := info.Stream("subtitle")
		if want := i == 0 || i == 3; subs != want {
			t.Errorf("step %d: subtitles %v, want %v", i, subs, want)
		}
	}
	want := []content.Cue{{Start: 12 * time.Second, End: 16 * time.Second, Text: "Benvenuti al roadshow."}, {Start: 135 * time.Second, End: 140500 * time.Millisecond, Text: "Il QR code della scheda va stampato sulla vetrina."}}
	if !slices.Equal(l.Video.Transcript, want) || l.Video.Source == "" {
		t.Errorf("transcript %+v, source %q", l.Video.Transcript, l.Video.Source)
	}
	reqs := llm.TranscriptionRequests()
	if len(reqs) != 1 || reqs[0].Model != "whisper-1" || reqs[0].Format != "verbose_json" || !strings.HasSuffix(reqs[0].FileName, ".mp3") || !slices.Contains(reqs[0].Granularities, "segment") {
		t.Errorf("transcription requests %+v", reqs)
	}
	if step, at := l.ClipAt(135 * time.Second); step != 3 || at != 25*time.Second {
		t.Errorf("ClipAt(2:15) = %d, %s", step, at)
	}

	// Publishing again: the same curriculum, nothing encoded, nothing asked.
	c2 := load()
	rep, err = pub.Prepare(ctx, c2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep != (video.Report{Videos: 1, Cached: 5}) {
		t.Errorf("again: report %+v", rep)
	}
	if c2.Hash() != c.Hash() {
		t.Error("again: another curriculum")
	}
	if n := len(llm.TranscriptionRequests()); n != 1 {
		t.Errorf("again: %d transcription requests", n)
	}
}

// The transcription endpoint's errors stop the publish with what went
// wrong; a transcript file needs no model.
func TestPrepareTranscriptErrors(t *testing.T) {
	tools := videotest.Tools(t)
	llm := llmtest.New("")
	defer llm.Close()
	ctx := context.Background()
	dir := t.TempDir()
	root := videotest.Folder(t, tools, dir, "")
	c, _, err := content.LoadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	cutter := &video.Cutter{Tools: tools, Dir: t.TempDir(), Settings: videotest.Settings()}
	for _, m := range []llmtest.Mode{llmtest.ServerError, llmtest.RateLimited, llmtest.MalformedJSON} {
		llm.SetTranscriptionMode(m)
		_, err := (&video.Publisher{Cutter: cutter, Transcriber: transcriber(llm)}).Prepare(ctx, c, nil)
		if err == nil || !strings.Contains(err.Error(), "lesson webinar: video: transcribe:") {
			t.Errorf("mode %d: %v", m, err)
		}
		var apiErr *openai.APIError
		if m != llmtest.MalformedJSON && !errors.As(err, &apiErr) {
			t.Errorf("mode %d: %v is not the API's error", m, err)
		}
	}
	if n, err := cutter.Dir, error(nil); n == "" || err != nil {
		t.Fatal(err)
	}
}

// TestPrepareBadVideos: a video that does not fit its chapters, or is no
// video, stops the publish saying so in words, without the server's
// paths; a download that is no video is not kept, so the fixed file at the
// same address is fetched on the next publish.
func TestPrepareBadVideos(t *testing.T) {
	tools := videotest.Tools(t)
	ctx := context.Background()
	root := videotest.Folder(t, tools, t.TempDir(), "")
	videos := filepath.Join(root, "roadshow", "videos")
	load := func() *content.Curriculum {
		t.Helper()
		c, problems, err := content.LoadDir(root)
		if err != nil || len(problems) > 0 {
			t.Fatalf("load: %v %v", problems, err)
		}
		return c
	}
	pub := &video.Publisher{Cutter: &video.Cutter{Tools: tools, Dir: t.TempDir(), Settings: videotest.Settings()}}

	// The file is shorter than its chapters say.
	videotest.Make(t, tools, videos, "webinar.mp4", 40*time.Second)
	_, err := pub.Prepare(ctx, load(), nil)
	if err == nil || !strings.Contains(err.Error(), "starts at 1:10, but videos/webinar.mp4 lasts 0:40") {
		t.Errorf("a video shorter than its chapters: %v", err)
	}
	// A damaged file: an MP4 cut short, without its index.
	whole, err := os.ReadFile(filepath.Join(videos, "webinar.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(videos, "webinar.mp4"), whole[:len(whole)/3], 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = pub.Prepare(ctx, load(), nil)
	if err == nil || !strings.Contains(err.Error(), "videos/webinar.mp4 is not a video ffmpeg can read") || strings.Contains(err.Error(), root) {
		t.Errorf("a damaged video: %v", err)
	}

	// The same lesson with its video at an address, first a wrong file.
	good := videotest.Make(t, tools, t.TempDir(), "good.mp4", videotest.Length)
	var mu sync.Mutex
	serve := whole[:len(whole)/3]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Write(serve)
	}))
	defer srv.Close()
	file := filepath.Join(root, "roadshow", "webinar.yaml")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(src), "file: videos/webinar.mp4", "url: "+srv.URL+"/webinar.mp4", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := pub.Prepare(ctx, load(), nil); err == nil || !strings.Contains(err.Error(), "/webinar.mp4 is not a video ffmpeg can read") {
		t.Errorf("a damaged download: %v", err)
	}
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	serve = b
	mu.Unlock()
	if rep, err := pub.Prepare(ctx, load(), nil); err != nil || rep.Encoded != 5 {
		t.Errorf("the fixed file at the same address: %+v, %v", rep, err)
	}
}

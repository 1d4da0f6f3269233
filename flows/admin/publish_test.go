package admin_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows/admin"
	"github.com/bottega-app/bottega/video"
	"github.com/bottega-app/bottega/video/videotest"
)

// videoLesson is a lesson of the shop track with a video by URL, cut in
// five chapters, one for each step.
func videoLesson() []byte {
	l := strings.Replace(videotest.Lesson, "file: videos/webinar.mp4", "url: https://video.example.org/webinar.mp4", 1)
	l = strings.Replace(l, "%TRANSCRIPT%", "", 1)
	return []byte(strings.Replace(l, "order: 1\n", "order: 99\n", 1))
}

// fakeCutter stands for ffmpeg: it tells the progress of each clip in
// twentieths, each a tenth of a second later on the clock, and sets the
// steps' clips.
type fakeCutter struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeCutter) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeCutter) tick() {
	f.mu.Lock()
	f.now = f.now.Add(100 * time.Millisecond)
	f.mu.Unlock()
}

func (f *fakeCutter) prepare(ctx context.Context, c *content.Curriculum, progress func(video.Event)) (video.Report, error) {
	var rep video.Report
	for _, l := range c.Lessons() {
		progress(video.Event{Lesson: l.ID, Stage: "download"})
		f.tick()
		cuts := l.Cuts(0)
		for i, cut := range cuts {
			for k := 0; k <= 20; k++ {
				progress(video.Event{Lesson: l.ID, Stage: "cut", Progress: video.Progress{Clip: i, Clips: len(cuts), Done: float64(k) / 20}})
				f.tick()
			}
			l.Steps[cut.Step].Clip = &content.Clip{Key: fmt.Sprintf("clip-%d", i), Start: cut.Start, Length: cut.Length}
			rep.Encoded++
		}
		l.Video.Source = "cut"
		rep.Videos++
	}
	return rep, nil
}

// A lesson with a video uploaded through the chat is published after its
// video is cut into clips, in a task; the progress edits the preview at
// most once a second of the clock, and ends with the version published.
// Where messages cannot be edited, each clip is a message, not each step
// of its progress.
func TestUploadCutsVideosWithProgress(t *testing.T) {
	for _, noEdits := range []bool{false, true} {
		t.Run(fmt.Sprintf("noEdits=%v", noEdits), func(t *testing.T) {
			cut := &fakeCutter{now: time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)}
			r := newRig(t, func(o *admin.Options) {
				o.Videos = cut.prepare
				o.Clock = cut.clock
				o.NoEdits = func(platform string) bool { return noEdits && platform == telegram.Platform }
			})
			r.say(adminID, "/start")
			id := r.fake.AddFile("webinar.yaml", videoLesson())
			preview := last(t, r.do(bot.Update{UserID: strconv.Itoa(adminID), Document: &bot.File{Name: "webinar.yaml", ID: id}, Text: "bottega-digitale"}))
			if !strings.Contains(preview.Text(), "webinar") {
				t.Fatalf("the upload was not taken: %q", preview.Text())
			}
			before := len(r.fake.Sent())
			r.press(adminID, preview, button(t, preview, "Pubblica"))
			if err := r.d.Flush(bg, strconv.Itoa(adminID)); err != nil {
				t.Fatal(err)
			}
			var edits, sends []telegramtest.Call
			for _, c := range r.fake.Sent()[before:] {
				switch {
				case c.Method == "editMessageText" && c.MessageID == preview.MessageID:
					edits = append(edits, c)
				case strings.HasPrefix(c.Method, "send"):
					sends = append(sends, c)
				}
			}
			shown := append(append([]telegramtest.Call(nil), edits...), sends...)
			final := last(t, shown).Text()
			if want := r.texts.T("it", "admin_published_clips", map[string]any{"Version": 2, "Encoded": 5, "Cached": 0}); final != want {
				t.Errorf("the last message is %q, want %q", final, want)
			}
			if noEdits {
				// The preview says the videos are cut; then the download,
				// each of the 5 clips and the outcome.
				if len(edits) != 1 || len(sends) != 7 {
					t.Errorf("%d edits and %d messages, want 1 and 7: %v", len(edits), len(sends), texts(shown))
				}
			} else {
				// 5 clips of 2.1 s each on the clock, plus the download:
				// about 11 edits at one a second, more than 100 without
				// the limit.
				if len(sends) != 0 || len(edits) < 6 || len(edits) > 14 {
					t.Errorf("%d edits and %d messages, want 6 to 14 edits and none: %v", len(edits), len(sends), texts(shown))
				}
				pct := 0
				for _, e := range edits {
					if strings.Contains(e.Text(), "%") {
						pct++
					}
				}
				if pct == 0 {
					t.Errorf("no edit shows the percent done: %v", texts(edits))
				}
			}
			cur, version, err := r.lib.Current(bg)
			if err != nil || version != 2 {
				t.Fatalf("version %d (%v), want 2", version, err)
			}
			l := cur.Lesson("webinar")
			if l == nil {
				t.Fatal("the lesson was not published")
			}
			for i, s := range l.Steps {
				if s.Clip == nil || s.Clip.Key != fmt.Sprintf("clip-%d", i) {
					t.Errorf("step %s: clip %+v, want clip-%d", s.ID, s.Clip, i)
				}
			}
		})
	}
}

// A video that cannot be cut publishes nothing, and the admin is told why.
func TestUploadVideoFails(t *testing.T) {
	r := newRig(t, func(o *admin.Options) {
		o.Videos = func(ctx context.Context, c *content.Curriculum, progress func(video.Event)) (video.Report, error) {
			return video.Report{}, fmt.Errorf("ffmpeg not found: apt-get install ffmpeg")
		}
	})
	r.say(adminID, "/start")
	id := r.fake.AddFile("webinar.yaml", videoLesson())
	preview := last(t, r.do(bot.Update{UserID: strconv.Itoa(adminID), Document: &bot.File{Name: "webinar.yaml", ID: id}, Text: "bottega-digitale"}))
	r.press(adminID, preview, button(t, preview, "Pubblica"))
	if err := r.d.Flush(bg, strconv.Itoa(adminID)); err != nil {
		t.Fatal(err)
	}
	got := last(t, r.fake.Sent()).Text()
	if want := r.texts.T("it", "admin_video_failed", map[string]any{"Err": "ffmpeg not found: apt-get install ffmpeg"}); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, version, err := r.lib.Current(bg); err != nil || version != 1 {
		t.Errorf("version %d (%v), want 1", version, err)
	}
}

func texts(cs []telegramtest.Call) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Method+": "+c.Text())
	}
	return out
}

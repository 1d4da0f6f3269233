package flows_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows"
)

// clipFiles finds clips in a folder, named by their key.
type clipFiles string

func (d clipFiles) Path(key string) (string, string, error) {
	if key == "" || strings.ContainsAny(key, "/.") {
		return "", "", errors.New("bad key")
	}
	return filepath.Join(string(d), key+".mp4"), filepath.Join(string(d), key+".jpg"), nil
}

// withClips gives the steps of the vetrina lesson clips (the first two of
// them have a file) and its video a transcript.
func withClips(t *testing.T) (*content.Curriculum, clipFiles) {
	dir := t.TempDir()
	c := testCurriculum(false)
	ls := c.Lesson("vetrina")
	ls.Video.Transcript = []content.Cue{{Start: 2*time.Minute + 20*time.Second, End: 2*time.Minute + 25*time.Second, Text: "Spegnete il flash."}}
	starts := []time.Duration{0, 2*time.Minute + 15*time.Second, 4 * time.Minute}
	keys := []string{"aa11", "bb22", "cc33"}
	for i := range ls.Steps {
		end := ls.Video.Duration
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		ls.Steps[i].Clip = &content.Clip{Key: keys[i], Start: starts[i], Length: end - starts[i]}
		if i < 2 {
			if err := os.WriteFile(filepath.Join(dir, keys[i]+".mp4"), []byte("clip"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	return c, clipFiles(dir)
}

func buttonWith(r bot.Reply, label string) (bot.Button, bool) {
	for _, row := range r.Buttons {
		for _, b := range row {
			if strings.Contains(b.Label, label) {
				return b, true
			}
		}
	}
	return bot.Button{}, false
}

// A step with a clip shows it with the step's text as its caption; a
// learner who chose to read gets the text and a button for the clip; the
// transcript and a citation's moment come on demand.
func TestStepClips(t *testing.T) {
	cur, clips := withClips(t)
	c := newChat(t, func(o *flows.Options) { o.Clips = clips })
	c.lib.publish(cur)

	r := last(c.send("", flows.OpenLessonData("vetrina", "photo")))
	if r.Media == nil || r.Media.Kind != "video" || r.Media.Key != "clip:bb22" || r.Media.File != filepath.Join(string(clips), "bb22.mp4") || r.Media.Start != 0 {
		t.Fatalf("step photo: media %+v", r.Media)
	}
	if !strings.Contains(r.Text, "Fotografa vicino a una finestra") {
		t.Errorf("caption %q, want the step's text", r.Text)
	}
	if _, ok := buttonWith(r, "Guarda"); ok {
		t.Error("a watch button next to the clip")
	}
	tx, ok := buttonWith(r, "📝")
	if !ok {
		t.Fatalf("no transcript button: %+v", r.Buttons)
	}
	if r := last(c.send("", tx.Data)); !strings.Contains(r.Text, "2:20 Spegnete il flash.") {
		t.Errorf("transcript %q", r.Text)
	}
	// The step without a file on this server shows its text alone.
	if r := last(c.send("", flows.OpenLessonData("vetrina", "words"))); r.Media != nil {
		t.Errorf("a clip without a file: %+v", r.Media)
	}

	// Reading only.
	c.send("/settings", "")
	r = last(c.send("", "v1|o|vid"))
	if b, ok := buttonWith(r, "📖"); !ok || b.Data != "v1|c|vid|read" {
		t.Fatalf("video choices %+v", r.Buttons)
	}
	r = last(c.send("", "v1|c|vid|read"))
	if !strings.Contains(r.Text, "🎬 Video: 📖 Solo testo") {
		t.Errorf("settings after the choice: %q", r.Text)
	}
	r = last(c.send("", flows.OpenLessonData("vetrina", "photo")))
	if r.Media != nil {
		t.Errorf("reading only, the step came with %+v", r.Media)
	}
	watch, ok := buttonWith(r, "▶ Guarda la clip")
	if !ok {
		t.Fatalf("no button for the clip: %+v", r.Buttons)
	}
	if r := last(c.send("", watch.Data)); r.Media == nil || r.Media.Key != "clip:bb22" || r.Media.Start != 0 {
		t.Errorf("the clip on demand: %+v", r.Media)
	}

	// A citation's moment: 2:20 is 5 seconds into the clip of the step.
	r = last(c.send("", flows.WatchVideoData("vetrina", "photo", 140)))
	if r.Media == nil || r.Media.Key != "clip:bb22" || r.Media.Start != 5*time.Second || !strings.Contains(r.Text, "2:20") {
		t.Errorf("from 2:20: %+v %q", r.Media, r.Text)
	}
	// A moment outside the step's clip plays it from its start.
	if r := last(c.send("", flows.WatchVideoData("vetrina", "photo", 30))); r.Media == nil || r.Media.Start != 0 {
		t.Errorf("from 0:30: %+v", r.Media)
	}
	// Forged seconds change nothing.
	if r := last(c.send("", "v1|f|w|vetrina|photo|-3")); r.Media != nil {
		t.Errorf("forged time: %+v", r.Media)
	}
}

// last is the last reply, or an empty one.
func last(rs []bot.Reply) bot.Reply {
	if len(rs) == 0 {
		return bot.Reply{}
	}
	return rs[len(rs)-1]
}

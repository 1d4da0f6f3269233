package video_test

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega/video"
	"github.com/bottega-app/bottega/video/videotest"
)

func TestCutAll(t *testing.T) {
	tools := videotest.Tools(t)
	src := videotest.Make(t, tools, t.TempDir(), "talk.mp4", 3*time.Minute)
	hash, err := video.HashFile(src)
	if err != nil {
		t.Fatal(err)
	}
	c := &video.Cutter{Tools: tools, Dir: t.TempDir(), Settings: videotest.Settings()}
	starts := []time.Duration{0, 30 * time.Second, 70 * time.Second, 110 * time.Second, 150 * time.Second}
	var cuts []video.Cut
	for i, s := range starts {
		end := 3 * time.Minute
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		cuts = append(cuts, video.Cut{Start: s, Length: end - s})
	}
	cuts[1].Subtitles = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nBuongiorno a tutti\n"
	cuts[1].Language = "ita"

	var mu sync.Mutex
	var seen []video.Progress
	ctx := context.Background()
	clips, err := c.CutAll(ctx, src, hash, cuts, func(p video.Progress) {
		mu.Lock()
		seen = append(seen, p)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(clips) != len(cuts) {
		t.Fatalf("%d clips, want %d", len(clips), len(cuts))
	}
	keys := map[string]bool{}
	for i, clip := range clips {
		if !clip.Encoded {
			t.Errorf("clip %d: not encoded the first time", i)
		}
		keys[clip.Key] = true
		info, err := tools.Probe(ctx, clip.Path)
		if err != nil {
			t.Fatal(err)
		}
		v, ok := info.Stream("video")
		if !ok || v.Codec != "h264" || v.Profile != "Main" {
			t.Errorf("clip %d: video %+v, want h264 Main", i, v)
		}
		if a, ok := info.Stream("audio"); !ok || a.Codec != "aac" {
			t.Errorf("clip %d: audio %+v, want aac", i, a)
		}
		if d := info.Duration - cuts[i].Length; math.Abs(d.Seconds()) > 0.5 {
			t.Errorf("clip %d: %s long, want %s", i, info.Duration, cuts[i].Length)
		}
		if clip.Size > video.MaxClipBytes || info.Size != clip.Size {
			t.Errorf("clip %d: %d bytes (ffprobe %d), want at most %d", i, clip.Size, info.Size, video.MaxClipBytes)
		}
		if fast, err := video.Faststart(clip.Path); err != nil || !fast {
			t.Errorf("clip %d: faststart %v, %v", i, fast, err)
		}
		if _, err := tools.Probe(ctx, clip.Poster); err != nil {
			t.Errorf("clip %d: poster: %v", i, err)
		}
		s, hasSubs := info.Stream("subtitle")
		if hasSubs != (cuts[i].Subtitles != "") || (hasSubs && s.Codec != "mov_text") {
			t.Errorf("clip %d: subtitles %+v %v", i, s, hasSubs)
		}
	}
	if len(keys) != len(clips) {
		t.Errorf("%d distinct keys for %d clips", len(keys), len(clips))
	}
	// Progress: every clip, each ending at 1.
	last := map[int]float64{}
	for _, p := range seen {
		if p.Clips != len(cuts) || p.Cached {
			t.Fatalf("progress %+v", p)
		}
		if p.Done < last[p.Clip] {
			t.Errorf("progress of clip %d went back: %v after %v", p.Clip, p.Done, last[p.Clip])
		}
		last[p.Clip] = p.Done
	}
	for i := range cuts {
		if last[i] != 1 {
			t.Errorf("clip %d: progress ended at %v", i, last[i])
		}
	}

	// Again: nothing is encoded.
	again, err := c.CutAll(ctx, src, hash, cuts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, clip := range again {
		if clip.Encoded || clip.Key != clips[i].Key || clip.Size != clips[i].Size {
			t.Errorf("clip %d again: %+v, want the cached %+v", i, clip, clips[i])
		}
	}
	// Other settings make other clips.
	c2 := *c
	c2.Settings.AudioKbps = 48
	if c2.Key(hash, cuts[0]) == clips[0].Key {
		t.Error("the settings are not part of the key")
	}
}

func TestVideoBitrateFitsTheLimit(t *testing.T) {
	tools := videotest.Tools(t)
	c := &video.Cutter{Tools: tools, Dir: t.TempDir(), Settings: video.DefaultSettings()}
	_, err := c.CutAll(context.Background(), "/nonexistent.mp4", "x", []video.Cut{{Length: time.Hour}}, nil)
	if err == nil {
		t.Fatal("an hour-long clip was accepted")
	}
	t.Log(err)
}

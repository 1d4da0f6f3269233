package video

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindFFMPEG(t *testing.T) {
	dir := t.TempDir()
	ff := filepath.Join(dir, "ffmpeg")
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	// Only ffmpeg: ffprobe must be next to it.
	if err := os.WriteFile(ff, []byte("#!/bin/sh\n"), 0o700); err != nil { // #nosec G306 -- a test binary must be executable
		t.Fatal(err)
	}
	_, err := Find(env(map[string]string{"FFMPEG": ff}))
	if !errors.Is(err, ErrNoFFmpeg) || !strings.Contains(err.Error(), "apt-get install ffmpeg") || !strings.Contains(err.Error(), "ffprobe") {
		t.Fatalf("without ffprobe next to FFMPEG: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ffprobe"), []byte("#!/bin/sh\n"), 0o700); err != nil { // #nosec G306 -- a test binary must be executable
		t.Fatal(err)
	}
	tools, err := Find(env(map[string]string{"FFMPEG": ff}))
	if err != nil || tools.FFmpeg != ff || tools.FFprobe != filepath.Join(dir, "ffprobe") {
		t.Fatalf("Find = %+v, %v", tools, err)
	}

	// PATH without ffmpeg.
	t.Setenv("PATH", t.TempDir())
	_, err = Find(env(nil))
	if !errors.Is(err, ErrNoFFmpeg) || !strings.Contains(err.Error(), "apt-get install ffmpeg") {
		t.Fatalf("empty PATH: %v", err)
	}
}

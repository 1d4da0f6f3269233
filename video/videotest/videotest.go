// Package videotest makes test videos with ffmpeg's lavfi sources (a test
// pattern and a sine tone), so that tests of the video path need no video
// file in the repository and download none.
package videotest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega/video"
)

// Tools finds ffmpeg and ffprobe, failing the test with how to install them.
func Tools(t testing.TB) video.Tools {
	t.Helper()
	tools, err := video.Find(os.Getenv)
	if err != nil {
		t.Fatalf("%v (scripts/ensure-ffmpeg.sh installs it)", err)
	}
	return tools
}

// Make writes a video of the given length to dir/name: a 320×240 test
// pattern at 15 frames a second with a 440 Hz tone, in H.264 and AAC.
func Make(t testing.TB, tools video.Tools, dir, name string, length time.Duration) string {
	t.Helper()
	out := filepath.Join(dir, name)
	secs := strconv.FormatFloat(length.Seconds(), 'f', 3, 64)
	// #nosec G204 -- the ffmpeg found by video.Find, with fixed arguments
	cmd := exec.CommandContext(context.Background(), tools.FFmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
		"-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration="+secs,
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration="+secs,
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make test video: %v: %s", err, b)
	}
	return out
}

// Settings are fast encoding settings for tests: a small picture and
// the fastest x264 preset that still makes H.264 Main.
func Settings() video.Settings {
	s := video.DefaultSettings()
	s.MaxHeight = 120
	s.Preset = "superfast" // ultrafast turns off what makes a stream Main rather than Constrained Baseline
	s.AudioKbps = 64
	s.MaxVideoKbps = 300
	return s
}

// Starts are the chapters of the lesson Folder writes: five steps of a
// three-minute video.
var Starts = []time.Duration{0, 30 * time.Second, 70 * time.Second, 110 * time.Second, 150 * time.Second}

// Length is the length of the lesson's video.
const Length = 3 * time.Minute

// Lesson is the lesson Folder writes, in the track "roadshow"; its
// chapters are a list, one for each step.
const Lesson = `id: webinar
level: base
order: 1
roles: [shopkeeper, artisan, guide, municipal]
locales: [it, en]
minutes: 3
title: {it: Il webinar della vetrina, en: The shop window webinar}
summary: {it: Il webinar sulla vetrina online, a pezzi., en: The webinar on the online shop window, in pieces.}
keywords: {it: [webinar, vetrina], en: [webinar, window]}
video:
  file: videos/webinar.mp4
  duration: 3:00
%TRANSCRIPT%  chapters: |
    0:00 Benvenuti
    0:30 La scheda
    1:10 Le foto
    1:50 Le recensioni
    2:30 Per finire
steps:
  - {id: hello, text: {it: Chi siamo e cosa vedremo., en: Who we are and what we will see.}}
  - {id: profile, text: {it: La scheda dell'attività va tenuta aggiornata., en: Keep your business profile up to date.}}
  - {id: photos, text: {it: Foto luminose e vere., en: Bright and true photos.}}
  - {id: reviews, text: {it: Rispondere a ogni recensione con calma., en: Answer every review calmly.}}
  - {id: end, text: {it: Cosa fare domani mattina., en: What to do tomorrow morning.}}
quiz:
  - {id: q1, kind: truefalse, question: {it: "Le foto devono essere vere?", en: "Must the photos be true?"}, answer: true, explain: {it: Sì., en: Yes.}}
  - {id: q2, kind: truefalse, question: {it: "Si cancellano le recensioni?", en: "Do you delete reviews?"}, answer: false, explain: {it: No., en: No.}}
  - {id: q3, kind: truefalse, question: {it: "La scheda va aggiornata?", en: "Must the profile be updated?"}, answer: true, explain: {it: Sì., en: Yes.}}
  - {id: q4, kind: truefalse, question: {it: "Si risponde con rabbia?", en: "Do you answer angrily?"}, answer: false, explain: {it: No., en: No.}}
`

// Folder writes a curriculum folder under dir with one track, roadshow,
// holding Lesson and its video (made by Make), and, if transcript is not
// empty, a WebVTT transcript file for it. It returns the folder.
func Folder(t testing.TB, tools video.Tools, dir, transcript string) string {
	t.Helper()
	root := filepath.Join(dir, "curriculum")
	track := filepath.Join(root, "roadshow")
	if err := os.MkdirAll(filepath.Join(track, "videos"), 0o750); err != nil {
		t.Fatal(err)
	}
	lesson := Lesson
	tr := ""
	if transcript != "" {
		tr = "  transcript: videos/webinar.vtt\n"
		if err := os.WriteFile(filepath.Join(track, "videos", "webinar.vtt"), []byte(transcript), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	lesson = strings.Replace(lesson, "%TRANSCRIPT%", tr, 1)
	files := map[string]string{
		"track.yaml":   "id: roadshow\norder: 1\nroles: [shopkeeper, artisan, guide, municipal]\ntitle: {it: Roadshow, en: Roadshow}\nsummary: {it: I webinar registrati., en: The recorded webinars.}\n",
		"webinar.yaml": lesson,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(track, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	Make(t, tools, filepath.Join(track, "videos"), "webinar.mp4", Length)
	return root
}

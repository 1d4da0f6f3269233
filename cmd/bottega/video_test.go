package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/bottega-app/bottega/assistant/llmtest"
	"github.com/bottega-app/bottega/video/videotest"
)

// content publish cuts a lesson's video into clips, transcribed by the
// model, and says how far it is; publishing again encodes nothing.
func TestContentPublishCutsVideos(t *testing.T) {
	tools := videotest.Tools(t)
	lessons := videotest.Folder(t, tools, t.TempDir(), "")
	llm := llmtest.New("")
	defer llm.Close()
	llm.SetTranscript([]llmtest.Segment{{Start: 135, End: 140, Text: "Il QR code va stampato sulla vetrina."}})
	env := envFrom(map[string]string{"BOTTEGA_DATA_DIR": dataDir(t), "OPENAI_BASE_URL": llm.URL(), "OPENAI_TRANSCRIBE_MODEL": "whisper-1"})

	var out bytes.Buffer
	if err := run(context.Background(), []string{"content", "publish", lessons}, env, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"webinar: transcribing the video with whisper-1...", "webinar: encoding clip 1 of 5...", "webinar: clip 5 of 5: 100%", "Videos: 1, clips encoded: 5, already made: 0", "Published curriculum version"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := run(context.Background(), []string{"content", "publish", lessons}, env, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"webinar: clip 5 of 5 already made", "clips encoded: 0, already made: 5", "Nothing changed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("again: no %q in:\n%s", want, out.String())
		}
	}
	if n := len(llm.TranscriptionRequests()); n != 1 {
		t.Errorf("%d transcription requests, want 1", n)
	}
}

// Without ffmpeg, publishing a lesson with a video says what to install
// and publishes nothing.
func TestContentPublishWithoutFFmpeg(t *testing.T) {
	tools := videotest.Tools(t)
	lessons := videotest.Folder(t, tools, t.TempDir(), "")
	t.Setenv("PATH", t.TempDir())
	env := envFrom(map[string]string{"BOTTEGA_DATA_DIR": t.TempDir()})
	var out bytes.Buffer
	err := run(context.Background(), []string{"content", "publish", lessons}, env, strings.NewReader(""), &out, io.Discard)
	if code := exitCode(err, io.Discard); code != 2 || !strings.Contains(err.Error(), "apt-get install ffmpeg") {
		t.Fatalf("exit %d: %v", code, err)
	}
}

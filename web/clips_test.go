package web_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/video"
	"github.com/bottega-app/bottega/video/videotest"
)

// clipLesson has a 16-second video in four chapters with a transcript;
// picLesson a step with a picture.
const (
	clipLesson = `id: clipdemo
level: base
order: 1
roles: [shopkeeper, artisan, guide, municipal]
locales: [it, en]
minutes: 1
title: {it: La vetrina in video, en: The shop window on video}
summary: {it: Un video in due pezzi., en: A video in two parts.}
keywords: {it: [video], en: [video]}
video:
  file: videos/demo.mp4
  duration: 0:16
  transcript: videos/demo.vtt
  chapters: |
    0:00 Inizio
    0:04 Il bancone
    0:08 La luce
    0:12 Fine
steps:
  - {id: start, text: {it: Guarda come si comincia., en: See how it starts.}}
  - {id: counter, text: {it: Il bancone in ordine., en: A tidy counter.}}
  - {id: light, text: {it: La luce giusta., en: The right light.}}
  - {id: finish, text: {it: E come si finisce., en: And how it ends.}}
` + fourQuestions
	picLesson = `id: picdemo
level: base
order: 2
roles: [shopkeeper, artisan, guide, municipal]
locales: [it, en]
minutes: 1
title: {it: La foto giusta, en: The right photo}
summary: {it: Una foto., en: A photo.}
keywords: {it: [foto], en: [photo]}
steps:
  - {id: look, text: {it: Guarda questa foto., en: Look at this photo.}, image: pics/shop.png}
  - {id: two, text: {it: Secondo passo., en: Second step.}}
  - {id: three, text: {it: Terzo passo., en: Third step.}}
  - {id: four, text: {it: Quarto passo., en: Fourth step.}}
` + fourQuestions
	fourQuestions = `quiz:
  - {id: q1, kind: truefalse, question: {it: "Uno?", en: "One?"}, answer: true, explain: {it: Sì., en: Yes.}}
  - {id: q2, kind: truefalse, question: {it: "Due?", en: "Two?"}, answer: false, explain: {it: No., en: No.}}
  - {id: q3, kind: truefalse, question: {it: "Tre?", en: "Three?"}, answer: true, explain: {it: Sì., en: Yes.}}
  - {id: q4, kind: truefalse, question: {it: "Quattro?", en: "Four?"}, answer: false, explain: {it: No., en: No.}}
`
	demoVTT = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nBenvenuti nella vetrina.\n\n00:00:05.000 --> 00:00:07.500\nOra la foto del bancone.\n"
)

// publishClips publishes the built-in curriculum with a track, "video",
// of clipLesson (its video made with ffmpeg and cut into the console's
// clip folder) and picLesson.
func (r *rig) publishClips() *content.Curriculum {
	r.t.Helper()
	tools := videotest.Tools(r.t)
	track := filepath.Join(r.t.TempDir(), "curriculum", "video")
	for _, d := range []string{"videos", "pics"} {
		if err := os.MkdirAll(filepath.Join(track, d), 0o750); err != nil {
			r.t.Fatal(err)
		}
	}
	files := map[string]string{
		"track.yaml":      "id: video\norder: 99\nroles: [shopkeeper, artisan, guide, municipal]\ntitle: {it: Video, en: Video}\nsummary: {it: Lezioni in video., en: Video lessons.}\n",
		"clipdemo.yaml":   clipLesson,
		"picdemo.yaml":    picLesson,
		"videos/demo.vtt": demoVTT,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(track, name), []byte(data), 0o600); err != nil {
			r.t.Fatal(err)
		}
	}
	videotest.Make(r.t, tools, filepath.Join(track, "videos"), "demo.mp4", 16*time.Second)
	// #nosec G204 -- the ffmpeg video.Find found, fixed arguments
	if out, err := exec.Command(tools.FFmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x180",
		"-frames:v", "1", filepath.Join(track, "pics", "shop.png")).CombinedOutput(); err != nil {
		r.t.Fatalf("make picture: %v: %s", err, out)
	}
	up, problems, err := content.LoadDir(filepath.Dir(track))
	if err != nil || len(problems) > 0 {
		r.t.Fatalf("load: %v %v", problems, err)
	}
	ctx := context.Background()
	p := &video.Publisher{Cutter: &video.Cutter{Tools: tools, Dir: r.clips, Settings: videotest.Settings()}}
	if _, err := p.Prepare(ctx, up, nil); err != nil {
		r.t.Fatal(err)
	}
	c := &content.Curriculum{Tracks: append(append([]*content.Track(nil), r.cur.Tracks...), up.Tracks...)}
	if _, err := r.db.PublishCurriculum(ctx, c, store.PublishOptions{Source: "test"}); err != nil {
		r.t.Fatal(err)
	}
	return c
}

// TestLessonClipsAndTranscripts: a step with a clip shows it on the lesson
// page with its poster, subtitles and transcript; the clip is served with
// range requests, only to a signed-in admin.
func TestLessonClipsAndTranscripts(t *testing.T) {
	r := newRig(t)
	c := r.publishClips()
	ls := c.Lesson("clipdemo")
	key := ls.Steps[0].Clip.Key
	clipURL := "/console/clips/" + key + "/video"
	subs := "/console/lessons/clipdemo/steps/start/subtitles"

	// Not signed in: nothing is served.
	anon := r.client()
	for _, p := range []string{clipURL, "/console/clips/" + key + "/poster", subs, "/console/lessons/picdemo/steps/look/image"} {
		if code, body, _ := anon.do("GET", p, nil); code != http.StatusUnauthorized || strings.Contains(body, "WEBVTT") {
			t.Errorf("%s without signing in = %d", p, code)
		}
	}

	a := r.signIn()
	code, body, _ := a.do("GET", "/console/lessons/clipdemo?loc=en&screen=1", nil)
	if code != 200 {
		t.Fatalf("lesson page = %d\n%s", code, body)
	}
	for _, want := range []string{
		`<video controls playsinline preload="metadata" src="` + clipURL + `" poster="/console/clips/` + key + `/poster"`,
		`<track kind="subtitles" default src="` + subs + `?v=2" srclang="it"`,
		"The part of the video from 0:00 to 0:04",
		"Transcript of the video", "<time>0:01</time> Benvenuti nella vetrina.",
		"Step 1 🎬",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("lesson page without %q", want)
		}
	}
	// The learner gets the clip with the step, so no button to watch it.
	if strings.Contains(body, "Watch from") {
		t.Error("the step with a clip offers to watch the video")
	}
	if strings.Contains(body, "Ora la foto del bancone.") {
		t.Error("step 1's transcript has what is said in step 2")
	}
	if _, body, _ := a.do("GET", "/console/lessons/clipdemo?loc=en&screen=2", nil); !strings.Contains(body, "<time>0:05</time> Ora la foto del bancone.") {
		t.Errorf("step 2 without its transcript:\n%s", body)
	}

	// The whole clip, then a part of it, as a player asks.
	size := fileSize(t, r.clips, key)
	code, body, hdr := a.do("GET", clipURL, nil)
	if code != 200 || hdr.Get("Content-Type") != "video/mp4" || hdr.Get("Accept-Ranges") != "bytes" || int64(len(body)) != size {
		t.Errorf("clip = %d %v, %d bytes of %d", code, hdr, len(body), size)
	}
	req, err := http.NewRequest("GET", r.srv.URL+clipURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Range", "bytes=100-1123")
	code, body, hdr = a.send(req)
	if code != http.StatusPartialContent || len(body) != 1024 || hdr.Get("Content-Range") != "bytes 100-1123/"+itoa(int(size)) {
		t.Errorf("range = %d, %d bytes, %q", code, len(body), hdr.Get("Content-Range"))
	}
	if code, _, hdr := a.do("GET", "/console/clips/"+key+"/poster", nil); code != 200 || hdr.Get("Content-Type") != "image/jpeg" {
		t.Errorf("poster = %d %v", code, hdr)
	}
	code, body, hdr = a.do("GET", subs+"?v=2", nil)
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/vtt") || !strings.HasPrefix(body, "WEBVTT") ||
		!regexp.MustCompile(`00:00:01\.000 --> 00:00:03\.000\s+Benvenuti nella vetrina\.`).MatchString(body) {
		t.Errorf("subtitles = %d %v\n%s", code, hdr, body)
	}
	// Step 2's subtitles are timed from the start of its clip.
	if _, body, _ := a.do("GET", "/console/lessons/clipdemo/steps/counter/subtitles", nil); !strings.Contains(body, "00:00:01.000 --> 00:00:03.500") {
		t.Errorf("step 2's subtitles:\n%s", body)
	}

	// A picture in the track folder, on its screen and served.
	if _, body, _ := a.do("GET", "/console/lessons/picdemo?loc=en", nil); !strings.Contains(body, `<img src="/console/lessons/picdemo/steps/look/image?v=2"`) {
		t.Errorf("picture's screen without it:\n%s", body)
	}
	if code, _, hdr := a.do("GET", "/console/lessons/picdemo/steps/look/image?v=2", nil); code != 200 || hdr.Get("Content-Type") != "image/png" {
		t.Errorf("picture = %d %v", code, hdr)
	}

	for _, p := range []string{"/console/clips/nokey/video", "/console/clips/" + key + "/other", "/console/clips/" + strings.Repeat("0", 64) + "/video",
		"/console/lessons/clipdemo/steps/nostep/subtitles", "/console/lessons/reviews/steps/" + r.cur.Lesson("reviews").Steps[0].ID + "/subtitles",
		"/console/lessons/clipdemo/steps/start/image"} {
		if code, _, _ := a.do("GET", p, nil); code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", p, code)
		}
	}
}

func fileSize(t *testing.T, dir, key string) int64 {
	t.Helper()
	p, _, err := (&video.Cutter{Dir: dir}).Path(key)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

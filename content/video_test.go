package content

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// videoLesson has a video cut into one clip per step, its chapters given by
// %CHAPTERS%.
const videoLesson = `id: talk
level: base
order: 4
roles: [shopkeeper]
locales: [it, en]
minutes: 3
title: {it: Il webinar, en: The webinar}
summary: {it: Il webinar a pezzi., en: The webinar in pieces.}
keywords: {it: [webinar], en: [webinar]}
video:
  file: videos/talk.mp4
  duration: 3:00
  transcript: videos/talk.vtt
%CHAPTERS%
steps:
  - {id: one, text: {it: Uno., en: One.}}
  - {id: two, text: {it: Due., en: Two.}}
  - {id: three, text: {it: Tre., en: Three.}}
  - {id: four, text: {it: Quattro., en: Four.}}
  - {id: five, text: {it: Cinque., en: Five.}}
quiz:
  - {id: q1, kind: truefalse, question: {it: "A?", en: "A?"}, answer: true, explain: {it: Sì., en: Yes.}}
  - {id: q2, kind: truefalse, question: {it: "B?", en: "B?"}, answer: false, explain: {it: No., en: No.}}
  - {id: q3, kind: truefalse, question: {it: "C?", en: "C?"}, answer: true, explain: {it: Sì., en: Yes.}}
  - {id: q4, kind: truefalse, question: {it: "D?", en: "D?"}, answer: false, explain: {it: No., en: No.}}
`

const transcriptVTT = `WEBVTT

NOTE recorded at the roadshow

1
00:00:02.000 --> 00:00:05.500
<v Anna>Buongiorno a tutti.

00:02:15.000 --> 00:02:19.000 align:start
Il codice sconto si scrive &amp; si prova.
`

// videoFolder writes a curriculum with the shop track of testdata/valid and
// the video lesson, its chapters written as chapters, with files.
func videoFolder(t *testing.T, chapters string, files map[string]string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "curriculum")
	if err := os.CopyFS(root, os.DirFS("testdata/valid")); err != nil {
		t.Fatal(err)
	}
	shop := filepath.Join(root, "shop")
	all := map[string]string{
		"05-talk.yaml":    strings.Replace(videoLesson, "%CHAPTERS%", chapters, 1),
		"videos/talk.mp4": "\x00\x00\x00\x18ftypmp42 fake movie",
		"videos/talk.vtt": transcriptVTT,
	}
	for k, v := range files {
		all[k] = v
	}
	for name, data := range all {
		p := filepath.Join(shop, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestVideoChapterForms(t *testing.T) {
	starts := []time.Duration{0, 30 * time.Second, 70 * time.Second, 110 * time.Second, 150 * time.Second}
	forms := map[string]struct {
		chapters string
		files    map[string]string
	}{
		"list": {chapters: "  chapters: |\n    0:00 Introduzione\n    0:30 - Gli orari\n    1:10 Le foto\n    1:50 Le recensioni\n    2:30 Per finire\n"},
		"vtt":  {chapters: "  chapters: videos/chapters.vtt\n", files: map[string]string{"videos/chapters.vtt": "WEBVTT\n\n00:00.000 --> 00:30.000\nIntroduzione\n\n00:30.000 --> 01:10.000\nGli orari\n\n01:10.000 --> 01:50.000\nLe foto\n\n01:50.000 --> 02:30.000\nLe recensioni\n\n02:30.000 --> 03:00.000\nPer finire\n"}},
	}
	for name, f := range forms {
		t.Run(name, func(t *testing.T) {
			c, problems, err := LoadDir(videoFolder(t, f.chapters, f.files))
			if err != nil || len(problems) > 0 {
				t.Fatalf("%v %v", problems, err)
			}
			l := c.Lesson("talk")
			cuts := l.Cuts(0)
			if len(cuts) != 5 {
				t.Fatalf("cuts %+v", cuts)
			}
			for i, cut := range cuts {
				end := 3 * time.Minute
				if i+1 < len(starts) {
					end = starts[i+1]
				}
				if cut.Step != i || cut.Start != starts[i] || cut.Length != end-starts[i] {
					t.Errorf("cut %d = %+v", i, cut)
				}
			}
			if ch := l.ChapterOf(l.Steps[1]); ch == nil || ch.Title.Get("en") != "Gli orari" || ch.ID != "two" {
				t.Errorf("chapter of step two: %+v", ch)
			}
			want := []Cue{{2 * time.Second, 5500 * time.Millisecond, "Buongiorno a tutti."}, {135 * time.Second, 139 * time.Second, "Il codice sconto si scrive & si prova."}}
			if !slices.Equal(l.Video.Transcript, want) {
				t.Errorf("transcript %+v", l.Video.Transcript)
			}
		})
	}
}

func TestVideoChapterProblems(t *testing.T) {
	cases := map[string]struct {
		chapters string
		files    map[string]string
		want     string
	}{
		"too few": {chapters: "  chapters: |\n    0:00 Uno\n    0:30 Due\n",
			want: "shop/05-talk.yaml:14: video chapters: 2 chapters listed for 5 steps: a list gives one chapter to each step, in order"},
		"bad line": {chapters: "  chapters: |\n    0:00 Uno\n    mezzo minuto Due\n",
			want: `shop/05-talk.yaml:16: video chapters: "mezzo minuto Due": want a time and a title, like 1:20 Gli orari`},
		"bad vtt": {chapters: "  chapters: videos/chapters.vtt\n", files: map[string]string{"videos/chapters.vtt": "WEBVTT\n\n00:00.000 -> 00:30.000\nUno\n"},
			want: `shop/05-talk.yaml:14: video chapters "videos/chapters.vtt": line 3: want a timing like 00:01:20.000 --> 00:01:25.000`},
		"not vtt": {chapters: "  chapters: videos/chapters.vtt\n", files: map[string]string{"videos/chapters.vtt": "0:00 Uno\n"},
			want: `shop/05-talk.yaml:14: video chapters "videos/chapters.vtt": line 1: a WebVTT file starts with WEBVTT`},
		"missing": {chapters: "  chapters: videos/none.vtt\n",
			want: `shop/05-talk.yaml:14: video chapters "videos/none.vtt": no such file in the track folder`},
		"bad transcript": {chapters: "", files: map[string]string{"videos/talk.vtt": "WEBVTT\n\n00:00:09.000 --> 00:00:03.000\nAl contrario\n"},
			want: `shop/05-talk.yaml:13: video transcript "videos/talk.vtt": line 3: the cue ends (00:00:03.000) before it starts (00:00:09.000)`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, problems, err := LoadDir(videoFolder(t, tc.chapters, tc.files))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range problems {
				got = append(got, p.String())
			}
			if !slices.Contains(got, tc.want) {
				t.Errorf("problems %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestWriteVTTRoundTrip(t *testing.T) {
	cues := []Cue{{Start: 1500 * time.Millisecond, End: 4 * time.Second, Text: "Uno"}, {Start: time.Hour + 2*time.Second, End: time.Hour + 3*time.Second, Text: "Due\ndue"}}
	got, err := ParseVTT([]byte(WriteVTT(cues)))
	if err != nil || !slices.Equal(got, cues) {
		t.Fatalf("%+v %v", got, err)
	}
}

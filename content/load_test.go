package content

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func loadValid(t *testing.T) *Curriculum {
	t.Helper()
	c, problems, err := LoadDir("testdata/valid")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("problem: %s", p)
	}
	return c
}

func TestLoadValid(t *testing.T) {
	c := loadValid(t)

	if got := len(c.Tracks); got != 2 || c.Tracks[0].ID != "shop" || c.Tracks[1].ID != "town" {
		t.Fatalf("tracks = %d, want shop then town", got)
	}
	l := c.Lesson("hours")
	if l == nil {
		t.Fatal("lesson hours not found")
	}
	if dir := c.Track("shop").Dir; l.Track != "shop" || l.File != "shop/01-hours.yaml" || !filepath.IsAbs(dir) || !strings.HasSuffix(dir, filepath.FromSlash("testdata/valid/shop")) {
		t.Errorf("track %q, file %q, dir %q", l.Track, l.File, c.Track("shop").Dir)
	}
	if got, want := l.Steps[0].Text["it"], "Perché gli orari contano.\n\nUna seconda riga."; got != want {
		t.Errorf("step text = %q, want %q (inner line breaks kept, ends trimmed)", got, want)
	}
	if l.Video.Duration != 6*time.Minute+30*time.Second || l.Video.Chapters[1].Start != 80*time.Second {
		t.Errorf("video duration %v, chapter start %v", l.Video.Duration, l.Video.Chapters[1].Start)
	}
	if d := c.Lesson("photos").Video.Duration; d != time.Hour+2*time.Minute+3*time.Second {
		t.Errorf("photos duration = %v", d)
	}
	for _, tt := range []struct {
		id      string
		correct int
	}{
		{"q1", 0}, // correct: 1 in the file
		{"q2", 0}, // answer: true
		{"q3", 1}, // answer: false
		{"q4", 1}, // correct: 2
		{"q5", 1}, // a scenario, correct: 2
	} {
		for _, q := range l.Quiz {
			if q.ID == tt.id && q.Correct != tt.correct {
				t.Errorf("%s: correct = %d, want %d", q.ID, q.Correct, tt.correct)
			}
		}
	}
	if l.Steps[2].Image != "images/holidays.png" || l.Steps[1].Task["en"] != "Open it now." {
		t.Errorf("step 3 image %q, step 2 task %q", l.Steps[2].Image, l.Steps[1].Task["en"])
	}
	if q := l.Questions; len(q["it"]) != 2 || q["en"][0] != "how do I change my Christmas hours?" {
		t.Errorf("questions = %q", q)
	}
	if l.Reviewed != "2026-11-20" || len(l.Sources) != 1 || l.Sources[0] != "Guida di Google Business Profile: Modificare gli orari" {
		t.Errorf("reviewed %q, sources %q", l.Reviewed, l.Sources)
	}
	if q := l.Quiz[4]; q.Kind != Scenario || !q.HasOptions() || len(q.Wrong) != 2 || q.Wrong[0]["en"] != "They will get it wrong again." || q.Wrong[2]["it"] != "Il problema sono gli orari." {
		t.Errorf("scenario %q, wrong %v (keys count from 0)", q.Kind, q.Wrong)
	}
	if d := l.Steps[3].Document; d["it"] != "templates/orari.txt" || d["en"] != "templates/hours.csv" || d.Get("fr") != "templates/orari.txt" {
		t.Errorf("document %v, want clean names and Italian for other locales", d)
	}
	if c.Track("nope") != nil || c.Lesson("nope") != nil {
		t.Error("lookup of a missing id found something")
	}
}

func TestLoadBroken(t *testing.T) {
	_, problems, err := LoadDir("testdata/broken")
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(problems))
	for i, p := range problems {
		got[i] = p.String()
	}

	tests := []struct {
		rule string
		want string
	}{
		{"yaml outside a track folder", "stray.yaml: a lesson must be inside a track folder"},
		{"track.yaml missing", "no-track: track.yaml is missing: every track folder needs one"},
		{"track.yaml syntax", "syntax-track/track.yaml:3: invalid YAML: did not find expected ',' or '}'"},
		{"track unknown field", `bad-track/track.yaml:4: unknown field "colour" in track`},
		{"track id slug", `bad-track/track.yaml:1: id "Bad Track" is not a slug: use a-z, 0-9 and -, at most 24 bytes`},
		{"track role", `bad-track/track.yaml:3: unknown role "chef": want shopkeeper, artisan, guide or municipal`},
		{"track locale", "bad-track/track.yaml:6: summary: unknown locale xx: want it, en, es, fr, de or pl"},
		{"track without lessons", "bad-track/track.yaml:1: track has no lessons"},
		{"track without lessons", "dup-track/track.yaml:1: track has no lessons"},
		{"duplicate track id", "dup-track/track.yaml:1: track id t is also used by t/track.yaml:1"},
		{"duplicate track order", "dup-track/track.yaml:2: order 9 is also used by bad-track/track.yaml:2"},
		{".yml file", "t/notes.yml: lesson files end in .yaml, not .yml"},

		{"unknown field", `t/01-unknown.yaml:10: unknown field "colour" in lesson`},
		{"unknown video field", `t/01-unknown.yaml:14: unknown field "poster" in video`},
		{"unknown chapter field", `t/01-unknown.yaml:18: unknown field "end" in chapter intro`},
		{"unknown step field", `t/01-unknown.yaml:22: unknown field "txt" in step a`},
		{"unknown question field", `t/01-unknown.yaml:28: unknown field "hint" in question q1`},
		{"repeated field", `t/25-repeated.yaml:8: field "title" repeated in lesson`},

		{"duplicate chapter id", "t/02-dup-ids.yaml:15: chapter intro: chapter id repeated"},
		{"duplicate step id", "t/02-dup-ids.yaml:19: step b: step id repeated"},
		{"duplicate question id", "t/02-dup-ids.yaml:24: question q2: question id repeated"},
		{"duplicate lesson id", "t/03-dup-lesson.yaml:1: lesson id unknown-fields is also used by t/01-unknown.yaml:1"},
		{"duplicate lesson order", "t/03-dup-lesson.yaml:3: order 1 is also used by t/01-unknown.yaml:3"},

		{"lesson id slug", `t/04-slugs.yaml:1: id "Bad_Id" is not a slug`},
		{"step id slug", `t/04-slugs.yaml:11: step this-step-id-is-far-too-long: id "this-step-id-is-far-too-long" is not a slug`},
		{"step id missing", "t/04-slugs.yaml:12: step #2: id is missing"},
		{"question id slug", `t/04-slugs.yaml:16: question Q1: id "Q1" is not a slug`},

		{"level", `t/05-enums.yaml:2: level "advanced": want base or intermediate`},
		{"role", `t/05-enums.yaml:4: unknown role "chef"`},
		{"locale twice", "t/05-enums.yaml:5: locale it listed twice"},
		{"unknown locale", "t/06-locale-xx.yaml:5: unknown locale xx: want it, en, es, fr, de or pl"},
		{"no locales", "t/07-no-locales.yaml:5: locales is missing: declare at least one of it, en, es, fr, de, pl"},

		{"title locale", "t/08-missing-locales.yaml:7: title: missing locale en"},
		{"summary undeclared locale", "t/08-missing-locales.yaml:8: summary: locale es is not in the lesson's locales"},
		{"keywords locale", "t/08-missing-locales.yaml:9: keywords: missing locale en"},
		{"chapter title locale", "t/08-missing-locales.yaml:16: chapter intro title: missing locale en"},
		{"tip locale", "t/08-missing-locales.yaml:20: step a tip: missing locale en"},
		{"task undeclared locale", "t/08-missing-locales.yaml:21: step b task: locale de is not in the lesson's locales"},
		{"question locale", "t/08-missing-locales.yaml:27: question q1 question: missing locale en"},
		{"option locale", "t/08-missing-locales.yaml:30: question q1 option 2: missing locale en"},
		{"explain locale", "t/08-missing-locales.yaml:32: question q1 explain: missing locale en"},
		{"explain missing", "t/08-missing-locales.yaml:35: question q4 explain is missing"},

		{"too few steps", "t/09-few-steps.yaml:10: want 4 to 8 steps, got 3"},
		{"too many steps", "t/10-many-steps.yaml:10: want 4 to 8 steps, got 9"},
		{"long step", "t/11-long-step.yaml:15: step b: text, task and tip are 1001 characters in it, max 1000"},
		{"no quiz", "t/12-no-quiz.yaml:1: quiz is missing: want at least 4 questions"},
		{"few questions", "t/13-few-questions.yaml:15: quiz: want at least 4 questions, got 3"},

		{"one option", "t/14-answers.yaml:16: question q1: want 2 to 4 options, got 1"},
		{"five options", "t/14-answers.yaml:17: question q2: want 2 to 4 options, got 5"},
		{"correct too big", "t/14-answers.yaml:18: question q3: correct is 3, want the number of an option, 1 to 2"},
		{"correct zero", "t/14-answers.yaml:19: question q4: correct is 0, want the number of an option, 1 to 2"},
		{"correct missing", "t/14-answers.yaml:20: question q5: correct is missing"},
		{"answer missing", "t/14-answers.yaml:21: question q6: answer is missing: want true or false"},
		{"answer not boolean", `t/14-answers.yaml:22: question q7 answer: want true or false, got "yes"`},
		{"answer on choice", "t/14-answers.yaml:23: question q8: answer is for truefalse questions"},
		{"correct on truefalse", "t/14-answers.yaml:24: question q9: correct is for choice questions"},
		{"options on truefalse", "t/14-answers.yaml:25: question q10: a truefalse question has no options"},
		{"unknown kind", `t/14-answers.yaml:26: question q11: kind "multi": want choice, scenario or truefalse`},
		{"kind missing", "t/14-answers.yaml:27: question q12: kind is missing"},
		{"correct not a number", `t/14-answers.yaml:28: question q13 correct: want a whole number, got "two"`},

		{"long title", "t/15-lengths.yaml:7: title: 121 characters in it, max 120"},
		{"long summary", "t/15-lengths.yaml:8: summary: 201 characters in it, max 200"},
		{"long question", "t/15-lengths.yaml:18: question q1 question: 301 characters in it, max 300"},
		{"explain missing", "t/15-lengths.yaml:21: question q2 explain is missing"},
		{"long explain", "t/15-lengths.yaml:26: question q3 explain: 401 characters in it, max 400"},
		{"option too many bytes", "t/15-lengths.yaml:32: question q4 option 2: 62 bytes in it, max 60 to fit a button"},

		{"button data", `t/16-button.yaml:16: question a-very-long-question-id-too: button data "v1|q|a-very-long-lesson-id-for-buttons|a-very-long-question-id-too|2" is 68 bytes, max 64`},
		{"long lesson id", `t/16-button.yaml:1: id "a-very-long-lesson-id-for-buttons" is not a slug`},
		{"long question id", `t/16-button.yaml:16: question a-very-long-question-id-too: id "a-very-long-question-id-too" is not a slug`},

		{"bad chapter start", `t/17-chapters.yaml:14: chapter c1 start: "1:2" is not a time like 1:20 (m:ss) or 1:02:03 (h:mm:ss)`},
		{"chapter not increasing", "t/17-chapters.yaml:16: chapter c3: starts at 1:00, not after the chapter before (2:00)"},
		{"chapter beyond duration", "t/17-chapters.yaml:17: chapter c4: starts at 7:00, after the video ends (6:30)"},
		{"chapter start missing", "t/17-chapters.yaml:18: chapter c5: start is missing"},
		{"chapter start missing", "t/17-chapters.yaml:18: chapter c5: starts at 0:00, not after the chapter before (7:00)"},
		{"unknown chapter", "t/17-chapters.yaml:21: step b: chapter nope is not a chapter of the video"},
		{"chapter without video", "t/18-no-video.yaml:11: step a: chapter intro, but the lesson has no video"},
		{"video url and file", "t/19-video-both.yaml:10: video: want a url or a file, not both"},
		{"bad duration", `t/19-video-both.yaml:13: video duration: "6 minutes" is not a duration like 6m30s or 6:30`},
		{"video file missing", `t/19-video-both.yaml:12: video file "videos/v.mp4": no such file in the track folder`},
		{"video without url or file", "t/20-video-empty.yaml:10: video: want a url or a file"},
		{"video without duration", "t/20-video-empty.yaml:10: video: duration is missing"},

		{"lesson syntax", "t/21-syntax.yaml:3: invalid YAML: did not find expected ',' or '}'"},
		{"order type", `t/22-types.yaml:3: order: want a whole number, got "abc"`},
		{"roles type", `t/22-types.yaml:4: roles: want a list, got "shopkeeper"`},
		{"minutes type", `t/22-types.yaml:6: minutes: want a whole number, got "2.5"`},
		{"text type", `t/22-types.yaml:7: title: want texts by locale, like {it: ..., en: ...}, got "Titolo"`},
		{"text type", "t/22-types.yaml:7: title is missing"},
		{"empty file", "t/23-empty.yaml: file is empty"},
		{"two documents", "t/24-two-docs.yaml: want one YAML document per file"},
		{"alias", "t/26-alias.yaml:8: summary: want texts by locale, like {it: ..., en: ...}, got an alias"},
		{"alias", "t/26-alias.yaml:8: summary is missing"},

		{"question repeated", "t/27-questions.yaml:13: questions it #2: the same as #1"},
		{"long question", "t/27-questions.yaml:14: questions it #3: 201 characters, max 200"},
		{"questions undeclared locale", "t/27-questions.yaml:15: questions: locale en is not in the lesson's locales"},
		{"questions not a list", `t/27-questions.yaml:16: questions de: want a list, got "wie?"`},
		{"step question repeats the lesson's", "t/27-questions.yaml:23: step b questions it #1: the same as questions #1"},
		{"step question repeats another step's", "t/27-questions.yaml:24: step b questions it #2: the same as step a questions #1"},
		{"long step question", "t/27-questions.yaml:25: step b questions it #3: 201 characters, max 200"},
		{"step questions unknown locale", "t/27-questions.yaml:26: step b questions: unknown locale xx: want it, en, es, fr, de or pl"},
		{"step questions not a list", `t/27-questions.yaml:27: step b questions fr: want a list, got "combien ?"`},
		{"reviewed not a date", `t/28-review.yaml:10: reviewed: "2 dicembre 2026" is not a date like 2026-12-02 (YYYY-MM-DD)`},
		{"sources not a list", "t/28-review.yaml:11: sources: want a list, got a mapping"},
		{"document locale", "t/28-review.yaml:13: step a document: locale de is not in the lesson's locales"},
		{"wrong for the right option", "t/28-review.yaml:26: question q1 wrong: option 2 is the right answer: its explanation is explain"},
		{"wrong out of range", "t/28-review.yaml:27: question q1 wrong: option 5 does not exist, want 1 to 4"},
		{"wrong locale", "t/28-review.yaml:28: question q1 wrong 4: missing locale en"},
		{"wrong key", `t/28-review.yaml:29: question q1 wrong: want the number of an option, from 1, got "uno"`},
		{"wrong on truefalse", "t/28-review.yaml:35: question q2: a truefalse question has one wrong answer, explained by explain: wrong is for choice and scenario questions"},
		{"wrong type", "t/28-review.yaml:36: question q3 wrong: want texts by option number, like {1: {it: ..., en: ...}}, got a list"},
		{"answer on scenario", "t/28-review.yaml:37: question q4: answer is for truefalse questions; a scenario question has correct"},
	}
	matched := make([]bool, len(got))
	for _, tt := range tests {
		found := false
		for i, g := range got {
			if strings.Contains(g, tt.want) {
				found, matched[i] = true, true
			}
		}
		if !found {
			t.Errorf("%s: no problem %q", tt.rule, tt.want)
		}
	}
	for i, g := range got {
		if !matched[i] {
			t.Errorf("unexpected problem %q", g)
		}
	}
}

func TestYAMLErrorLine(t *testing.T) {
	// yaml.v3 counts lines from 0 or from 1 depending on the error; see yamlError.
	tests := []struct {
		name, file string
		line       int
	}{
		{"parser, flow mapping", "id: x\nlevel: base\ntitle: {it: a\n", 3},
		{"parser, expected key", "a: b\nc: d\n- e\n", 3},
		{"parser, bad indent", "a: 1\nb:\n  - x\n - y\n", 4},
		{"scanner, mapping value", "id: x\n  bad: y\nz: 1\n", 2},
		{"scanner, tab", "id: x\n\tid: y\n", 2},
		{"scanner, bad token", "a: 1\nb: 2\nc: @x\n", 3},
		{"scanner, no colon", "a: 1\n\n\nkey with no colon\nb: 2\n", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDecoder("f.yaml")
			if d.parse([]byte(tt.file)) != nil || len(d.problems) != 1 {
				t.Fatalf("parse: problems %v, want one", d.problems)
			}
			if p := d.problems[0]; p.Line != tt.line || !strings.HasPrefix(p.Msg, "invalid YAML: ") {
				t.Errorf("got %s, want line %d", p, tt.line)
			}
		})
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "a/b.yaml", Line: 3, Msg: "bad"}, "a/b.yaml:3: bad"},
		{Problem{File: "a", Msg: "bad"}, "a: bad"},
		{Problem{Msg: "bad"}, "bad"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.p, got, tt.want)
		}
	}
}

func TestLoadIOError(t *testing.T) {
	_, _, err := LoadDir("testdata/does-not-exist")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want not exist", err)
	}
}

func TestLoadRoot(t *testing.T) {
	// The same files under another root load the same, with paths under that root.
	fsys := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS("testdata/valid"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path.Join("testdata/valid", p))
		fsys[path.Join("some/where", p)] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	c, problems, err := Load(fsys, "some/where")
	if err != nil || len(problems) > 0 {
		t.Fatalf("load: %v %v", err, problems)
	}
	if got := c.Lesson("hours").File; got != "some/where/shop/01-hours.yaml" {
		t.Errorf("file = %q", got)
	}
	if c.Hash() != loadValid(t).Hash() {
		t.Error("hash depends on where the files are")
	}
}

const fuzzTrack = "id: t\norder: 1\nroles: [shopkeeper]\ntitle: {it: T, en: T}\nsummary: {it: S, en: S}\n"

func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"testdata/valid/shop", "testdata/valid/town", "testdata/broken/t"} {
		files, err := fs.Glob(os.DirFS(dir), "*.yaml")
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			data, err := os.ReadFile(path.Join(dir, name))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"t/track.yaml": {Data: []byte(fuzzTrack)},
			"t/01-x.yaml":  {Data: data},
		}
		c, problems, err := Load(fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			if p.File == "" || p.Line < 0 || p.Msg == "" {
				t.Errorf("bad problem %#v", p)
			}
		}
		_ = c.Hash()
		for _, l := range c.Lessons() {
			for _, s := range l.Steps {
				l.ChapterOf(s)
			}
			for _, q := range l.Quiz {
				q.OptionCount()
			}
		}
	})
}

// TestUnreadableLessonIsNoEmptyTrack: a track whose only lesson file is not
// YAML has that problem, not "track has no lessons" besides.
func TestUnreadableLessonIsNoEmptyTrack(t *testing.T) {
	fsys := fstest.MapFS{
		"t/track.yaml":  {Data: []byte("id: t\norder: 1\nroles: [shopkeeper]\ntitle: {it: Prova, en: Try}\nsummary: {it: Prova, en: Try}\n")},
		"t/01-x.yaml":   {Data: []byte("id: x\ntitle: {it: [\n")},
		"u/track.yaml":  {Data: []byte("id: u\norder: 2\nroles: [shopkeeper]\ntitle: {it: Vuoto, en: Empty}\nsummary: {it: Vuoto, en: Empty}\n")},
		"u/notes.md":    {Data: []byte("not a lesson")},
		"u/images/a.md": {Data: []byte("nor this")},
	}
	_, problems, err := Load(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	if !strings.Contains(all, "t/01-x.yaml:") || !strings.Contains(all, "invalid YAML") {
		t.Errorf("the unreadable lesson is not reported:\n%s", all)
	}
	if strings.Contains(all, "t/track.yaml:1: track has no lessons") {
		t.Errorf("a track with an unreadable lesson is said to have none:\n%s", all)
	}
	if !strings.Contains(all, "u/track.yaml:1: track has no lessons") {
		t.Errorf("a track with no lesson file is not reported:\n%s", all)
	}

	// The track folder given for the folder of tracks.
	if _, problems, err = Load(fsys, "t"); err != nil {
		t.Fatal(err)
	}
	// That is the one problem: a line for each of its lessons ("must be
	// inside a track folder") would bury it.
	if len(problems) != 1 || problems[0].String() != "t/track.yaml: this folder is a track: give the folder that holds the track folders (its parent)" {
		t.Errorf("a track folder given as the curriculum: %v", problems)
	}

	// An empty folder (a mistyped path, a folder not filled yet) has no
	// curriculum: published, it would leave the learners no lesson.
	if _, problems, err = Load(fstest.MapFS{"notes/readme.txt": {Data: []byte("x")}}, "notes"); err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !strings.HasPrefix(problems[0].String(), "no track folder here") {
		t.Errorf("an empty folder: %v", problems)
	}
}

// TestUnknownLocaleReportedOnce: a lesson that declares a locale the bot
// has no texts for gets that one problem, not one for every text that
// lacks it.
func TestUnknownLocaleReportedOnce(t *testing.T) {
	src, err := fs.ReadFile(BuiltinFS(), "curriculum/bottega-digitale/07-reviews.yaml")
	if err != nil {
		t.Fatal(err)
	}
	track, err := fs.ReadFile(BuiltinFS(), "curriculum/bottega-digitale/track.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"b/track.yaml":      {Data: track},
		"b/07-reviews.yaml": {Data: regexp.MustCompile(`(?m)^(locales: \[.*)\]$`).ReplaceAll(src, []byte("$1, xx]"))},
	}
	templates, err := fs.ReadDir(BuiltinFS(), "curriculum/bottega-digitale/templates")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range templates {
		b, err := fs.ReadFile(BuiltinFS(), "curriculum/bottega-digitale/templates/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		fsys["b/templates/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	_, problems, err := Load(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !strings.Contains(problems[0].String(), "unknown locale xx") {
		t.Errorf("problems: %v", problems)
	}
}

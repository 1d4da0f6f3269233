package content

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestBuiltinDrills(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tr := c.Track("comune-social")
	if tr == nil || len(tr.Drills) < 3 {
		t.Fatalf("want at least 3 drills in comune-social, got %v", tr)
	}
	for _, id := range []string{"allerta-scuole", "acqua-voce", "festa-annullata"} {
		d := c.Drill(id)
		if d == nil {
			t.Errorf("drill %s is missing", id)
			continue
		}
		for _, lang := range []string{"it", "en"} {
			if !strings.Contains(strings.Join(d.Locales, ","), lang) {
				t.Errorf("drill %s is not in %s", id, lang)
			}
		}
	}
}

// validDrill is a small drill that loads without problems next to the built-in lesson
// emergency-during; each case of TestDrillProblems breaks one thing in it.
const validDrill = `id: prova
order: 1
locales: [it, en]
minutes: 5
title: {it: Prova, en: Test}
summary: {it: Una prova., en: A test.}
scenario: {it: Sei in Comune., en: You are at the town hall.}
official: ["0345 620 100"]
tasks:
  - id: post
    kind: post
    channel: facebook
    limit: 5m
    events:
      - at: 0:00
        text: {it: Allerta arancione., en: Orange alert.}
      - at: 1:00
        text: {it: Scuole chiuse., en: Schools closed.}
    prompt: {it: Scrivi il post., en: Write the post.}
    rubric:
      elements:
        - id: alert
          name: {it: allerta, en: alert}
          points: 2
          match: {it: ['arancione'], en: ['orange']}
        - id: schools
          name: {it: scuole, en: schools}
          match: {it: ['scuol'], en: ['school']}
    model: {it: "Allerta arancione: scuole chiuse.", en: "Orange alert: schools closed."}
    review:
      - {lesson: emergency-during, step: four, questions: [q1], element: alert}
    branches:
      - missing: schools
        text: {it: "Le scuole?", en: "The schools?"}
        then: reply
  - id: reply
    kind: reply
    channel: chat
    limit: 2m
    events:
      - at: 0:00
        text: {it: Un commento., en: A comment.}
    prompt: {it: Rispondi., en: Reply.}
    rubric:
      elements:
        - id: schools
          name: {it: scuole, en: schools}
          match: {it: ['scuol'], en: ['school']}
        - id: closed
          name: {it: chiuse, en: closed}
          match: {it: ['chius'], en: ['closed']}
    model: {it: Scuole chiuse., en: Schools closed.}
`

// drillFS is the comune-social track with only the lesson emergency-during, and the
// given drill file.
func drillFS(t *testing.T, drill string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{"t/drills/prova.yaml": {Data: []byte(drill)}}
	for _, name := range []string{"track.yaml", "10-emergency-during.yaml", "templates/kit-messaggi-emergenza.txt", "templates/emergency-message-kit.txt"} {
		data, err := fs.ReadFile(BuiltinFS(), "curriculum/comune-social/"+name)
		if err != nil {
			t.Fatal(err)
		}
		fsys["t/"+name] = &fstest.MapFile{Data: data}
	}
	return fsys
}

// drillProblems loads the drill and returns the problems of its file.
func drillProblems(t *testing.T, drill string) (*Curriculum, []string) {
	t.Helper()
	c, problems, err := Load(drillFS(t, drill), ".")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range problems {
		if p.File == "t/drills/prova.yaml" {
			out = append(out, p.String())
		}
	}
	return c, out
}

func TestValidDrill(t *testing.T) {
	c, problems := drillProblems(t, validDrill)
	if len(problems) > 0 {
		t.Fatalf("problems in a valid drill:\n%s", strings.Join(problems, "\n"))
	}
	d := c.Drill("prova")
	if d == nil || d.Track != "comune-social" || len(d.Tasks) != 2 || d.Tasks[0].Limit != 5*time.Minute || d.Tasks[0].Events[1].At != time.Minute {
		t.Fatalf("drill read wrong: %+v", d)
	}
	if !d.FollowUp("reply") || d.FollowUp("post") {
		t.Error("reply is the follow-up of a branch, post is not")
	}
	if got := d.Tasks[0].Rubric.Elements[0]; got.Points != 2 || got.Match["en"][0] != "orange" {
		t.Errorf("element read wrong: %+v", got)
	}
	if got := d.Tasks[1].Rubric.Elements[0].Points; got != 1 {
		t.Errorf("points default to 1, got %d", got)
	}
}

func TestDrillProblems(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		want           string // "line: message" fragment
	}{
		{"syntax", "minutes: 5", "minutes: [5", "4: invalid YAML"},
		{"unknown field", "minutes: 5", "minutes: 5\ncolour: red", `5: unknown field "colour" in drill`},
		{"bad id", "id: prova", "id: Prova!", `1: id "Prova!" is not a slug`},
		{"no minutes", "minutes: 5\n", "", "minutes is 0"},
		{"missing locale", "scenario: {it: Sei in Comune., en: You are at the town hall.}", "scenario: {it: Sei in Comune.}", "7: scenario: missing locale en"},
		{"unknown kind", "kind: post", "kind: story", `11: task post: kind "story"`},
		{"unknown channel", "channel: facebook", "channel: tiktok", `12: task post: channel "tiktok"`},
		{"bad limit", "limit: 5m", "limit: 5 minuti", "13: task post limit:"},
		{"limit too long", "limit: 5m", "limit: 2h", "13: task post: limit is 2:00:00"},
		{"first event late", "      - at: 0:00\n        text: {it: Allerta", "      - at: 0:10\n        text: {it: Allerta", "15: task post event 1: the first event opens the task"},
		{"events out of order", "at: 1:00", "at: 0:00", "17: task post event 2: arrives at 0:00, not after"},
		{"event after the limit", "at: 1:00", "at: 6:00", "17: task post event 2: arrives at 6:00, when the time to answer (5:00) is over"},
		{"no prompt", "    prompt: {it: Scrivi il post., en: Write the post.}\n", "", "task post prompt is missing"},
		{"bad regexp", "match: {it: ['arancione'], en: ['orange']}", "match: {it: ['arancione('], en: ['orange']}", `25: task post element alert match it: "arancione(" is not a regular expression`},
		{"pattern missing in a locale", "match: {it: ['arancione'], en: ['orange']}", "match: {it: ['arancione']}", "22: task post element alert: match: missing locale en"},
		{"too few elements", "        - id: schools\n          name: {it: scuole, en: schools}\n          match: {it: ['scuol'], en: ['school']}\n    model: {it: \"Allerta", "    model: {it: \"Allerta", "want at least 2 elements, got 1"},
		{"unknown lesson", "lesson: emergency-during, step: four", "lesson: emergenza, step: four", "31: task post review 1: lesson emergenza does not exist"},
		{"unknown step", "step: four", "step: five", "31: task post review 1: lesson emergency-during has no step five"},
		{"unknown question", "questions: [q1]", "questions: [q99]", "31: task post review 1: lesson emergency-during has no quiz question q99"},
		{"branch on no element", "missing: schools", "missing: bridge", "33: task post branch 1: element bridge is not an element"},
		{"branch to an unknown task", "then: reply", "then: risposta", "35: task post branch 1: then names task risposta, which does not exist"},
		{"repeated task", "  - id: reply", "  - id: post", "36: task post: task id repeated"},
		{"branch backwards", "then: reply", "then: post", "35: task post branch 1: then names task post, which is not after this one"},
		{"no tasks", validDrill[strings.Index(validDrill, "tasks:"):], "tasks: []\n", "want 1 to 8 tasks, got 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(validDrill, tc.old) {
				t.Fatalf("the valid drill has no %q", tc.old)
			}
			_, problems := drillProblems(t, strings.Replace(validDrill, tc.old, tc.new, 1))
			all := strings.Join(problems, "\n")
			if !strings.Contains(all, tc.want) {
				t.Errorf("want a problem with %q, got:\n%s", tc.want, all)
			}
		})
	}
}

func TestDrillFileNames(t *testing.T) {
	fsys := drillFS(t, validDrill)
	fsys["t/drills/other.yml"] = &fstest.MapFile{Data: []byte(validDrill)}
	_, problems, err := Load(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, p := range problems {
		if p.File == "t/drills/other.yml" && strings.Contains(p.Msg, "end in .yaml") {
			found = true
		}
	}
	if !found {
		t.Errorf("a .yml drill file is not reported: %v", problems)
	}
	// The same drill twice.
	fsys = drillFS(t, validDrill)
	fsys["t/drills/copy.yaml"] = &fstest.MapFile{Data: []byte(validDrill)}
	_, problems, _ = Load(fsys, ".")
	var dup bool
	for _, p := range problems {
		if strings.Contains(p.Msg, "drill id prova is also used by") {
			dup = true
		}
	}
	if !dup {
		t.Errorf("a repeated drill id is not reported: %v", problems)
	}
}

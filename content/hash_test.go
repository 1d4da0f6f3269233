package content

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// clone copies c through JSON, as the curriculum goes through Postgres.
func clone(t *testing.T, c *Curriculum) *Curriculum {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var out Curriculum
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func TestJSONRoundTrip(t *testing.T) {
	c := loadValid(t)
	back := clone(t, c)

	// Line positions are for problems only and do not travel.
	for _, tr := range c.Tracks {
		tr.pos = nil
		for _, l := range tr.Lessons {
			l.pos = nil
		}
	}
	if !reflect.DeepEqual(c, back) {
		a, _ := json.MarshalIndent(c, "", " ")
		b, _ := json.MarshalIndent(back, "", " ")
		t.Fatalf("round trip changed the curriculum:\n%s\n---\n%s", a, b)
	}
	if c.Hash() != back.Hash() {
		t.Error("round trip changed the hash")
	}
	if problems := Validate(back); len(problems) > 0 {
		t.Errorf("curriculum read back from JSON has problems: %v", problems)
	}

	b, err := json.Marshal(c.Lesson("hours").Video)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"chapters":[{"id":"intro","start":0,"title":{"en":"Introduction","it":"Introduzione"}}`; !strings.Contains(string(b), want) {
		t.Errorf("video JSON = %s, want it to contain %s", b, want)
	}
}

func TestValidateWithoutFiles(t *testing.T) {
	// Read back from JSON, problems keep their file but have no line.
	c := clone(t, loadValid(t))
	c.Lesson("alerts").Quiz[0].Correct = 5
	want := "town/01-alerts.yaml: question q1: correct is 5, want 0 (true) or 1 (false)"
	if problems := Validate(c); len(problems) != 1 || problems[0].String() != want {
		t.Errorf("problems = %v, want [%s]", problems, want)
	}

	// Built in code, they name the lesson.
	c.Lesson("alerts").File = ""
	want = "lesson alerts: question q1: correct is 5, want 0 (true) or 1 (false)"
	if problems := Validate(c); len(problems) != 1 || problems[0].String() != want {
		t.Errorf("problems = %v, want [%s]", problems, want)
	}
}

func TestHash(t *testing.T) {
	c := loadValid(t)
	h := c.Hash()
	if len(h) != 64 || h != loadValid(t).Hash() {
		t.Fatalf("hash %q is not stable", h)
	}
	tests := []struct {
		name   string
		change func(c *Curriculum)
		same   bool
	}{
		{"file moved", func(c *Curriculum) { c.Lesson("hours").File = "x.yaml"; c.Tracks[0].Dir = "x" }, true},
		{"text", func(c *Curriculum) { c.Lesson("hours").Steps[0].Text["it"] += "!" }, false},
		{"correct answer", func(c *Curriculum) { c.Lesson("photos").Quiz[0].Correct = 1 }, false},
		{"track title", func(c *Curriculum) { c.Tracks[1].Title["en"] = "Town" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := loadValid(t)
			lh := c.Lesson("hours").Hash()
			tt.change(c)
			if got := c.Hash() == h; got != tt.same {
				t.Errorf("curriculum hash unchanged = %v, want %v", got, tt.same)
			}
			if tt.name == "text" && c.Lesson("hours").Hash() == lh {
				t.Error("lesson hash did not change with its text")
			}
		})
	}
}

func TestDiff(t *testing.T) {
	before := loadValid(t)
	after := clone(t, before)
	after.Lesson("hours").Quiz[1].Explain["en"] = "Yes, always."
	town := after.Track("town")
	added := *town.Lessons[0]
	added.ID, added.Order = "floods", 2
	town.Lessons = append(town.Lessons, &added)
	shop := after.Track("shop")
	shop.Lessons = shop.Lessons[:1] // photos removed

	gotAdded, gotChanged, gotRemoved := Diff(before, after)
	for _, tt := range []struct {
		name      string
		got, want []string
	}{
		{"added", gotAdded, []string{"floods"}},
		{"changed", gotChanged, []string{"hours"}},
		{"removed", gotRemoved, []string{"photos"}},
	} {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}

	if a, c, r := Diff(before, clone(t, before)); a != nil || c != nil || r != nil {
		t.Errorf("diff of identical curricula = %v %v %v", a, c, r)
	}
	if a, _, _ := Diff(nil, before); !slices.Equal(a, []string{"hours", "photos", "alerts"}) {
		t.Errorf("diff from nothing added %v", a)
	}
}

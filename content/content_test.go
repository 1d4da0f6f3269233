package content

import (
	"slices"
	"testing"
	"time"
)

func TestTextGet(t *testing.T) {
	tests := []struct {
		name string
		text Text
		lang string
		want string
	}{
		{"asked locale", Text{"it": "ciao", "en": "hi", "de": "hallo"}, "de", "hallo"},
		{"falls back to it", Text{"it": "ciao", "en": "hi"}, "pl", "ciao"},
		{"blank counts as missing", Text{"it": " ", "en": "hi", "pl": ""}, "pl", "hi"},
		{"then en", Text{"en": "hi", "fr": "salut"}, "de", "hi"},
		{"then any, always the same", Text{"fr": "salut", "es": "hola"}, "de", "hola"},
		{"empty", nil, "it", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.text.Get(tt.lang); got != tt.want {
				t.Errorf("Get(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
	if !(Text{"it": "x"}).Has("it") || (Text{"it": "  "}).Has("it") || (Text{}).Has("en") {
		t.Error("Has is wrong")
	}
}

func TestLessons(t *testing.T) {
	c := loadValid(t)
	var ids []string
	for _, l := range c.Lessons() {
		ids = append(ids, l.ID)
	}
	if want := []string{"hours", "photos", "alerts"}; !slices.Equal(ids, want) {
		t.Errorf("Lessons() = %v, want %v", ids, want)
	}

	// Order comes from the order fields, not from how the slices happen to be sorted.
	c.Tracks[0], c.Tracks[1] = c.Tracks[1], c.Tracks[0]
	shop := c.Track("shop")
	shop.Lessons[0], shop.Lessons[1] = shop.Lessons[1], shop.Lessons[0]
	ids = ids[:0]
	for _, l := range c.Lessons() {
		ids = append(ids, l.ID)
	}
	if want := []string{"hours", "photos", "alerts"}; !slices.Equal(ids, want) {
		t.Errorf("Lessons() after shuffling = %v, want %v", ids, want)
	}
}

func TestNearestStep(t *testing.T) {
	l := &Lesson{Steps: []Step{{ID: "a"}, {ID: "c"}, {ID: "d"}, {ID: "new"}}}
	old := []string{"a", "b", "c", "d"}
	tests := []struct {
		name     string
		oldIndex int
		oldIDs   []string
		want     int
	}{
		{"same step", 2, old, 1},
		{"same step, first", 0, old, 0},
		{"removed step resumes at the nearest earlier one", 1, old, 0},
		{"finished stays finished", 4, old, 4},
		{"nothing left before", 0, []string{"gone", "a"}, 0},
		{"several removed", 3, []string{"a", "x", "y", "z"}, 0},
		{"moved step follows its id", 0, []string{"d", "a"}, 2},
		{"negative", -1, old, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.NearestStep(tt.oldIndex, tt.oldIDs); got != tt.want {
				t.Errorf("NearestStep(%d, %v) = %d, want %d", tt.oldIndex, tt.oldIDs, got, tt.want)
			}
		})
	}
	if l.StepIndex("d") != 2 || l.StepIndex("b") != -1 {
		t.Error("StepIndex is wrong")
	}
}

func TestChapterOf(t *testing.T) {
	l := loadValid(t).Lesson("hours")
	tests := []struct {
		step int
		want string
	}{
		{0, "intro"},
		{1, "edit"},
		{2, ""}, // no chapter
	}
	for _, tt := range tests {
		got := ""
		if ch := l.ChapterOf(l.Steps[tt.step]); ch != nil {
			got = ch.ID
		}
		if got != tt.want {
			t.Errorf("step %d: chapter %q, want %q", tt.step, got, tt.want)
		}
	}
	if ch := l.ChapterOf(l.Steps[1]); ch.Start != 80*time.Second || ch.Title.Get("en") != "Editing" {
		t.Errorf("chapter edit = %+v", ch)
	}
	noVideo := &Lesson{}
	if noVideo.ChapterOf(Step{Chapter: "intro"}) != nil {
		t.Error("chapter found in a lesson without video")
	}
}

func TestOptionCount(t *testing.T) {
	tests := []struct {
		q    Question
		want int
	}{
		{Question{Kind: TrueFalse}, 2},
		{Question{Kind: Choice, Options: []Text{{}, {}, {}}}, 3},
	}
	for _, tt := range tests {
		if got := tt.q.OptionCount(); got != tt.want {
			t.Errorf("%s: OptionCount() = %d, want %d", tt.q.Kind, got, tt.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"6m30s", 6*time.Minute + 30*time.Second, false},
		{"1h", time.Hour, false},
		{"0:00", 0, false},
		{"1:20", 80 * time.Second, false},
		{"75:00", 75 * time.Minute, false},
		{"1:02:03", time.Hour + 2*time.Minute + 3*time.Second, false},
		{"1:2", 0, true},
		{"1:60", 0, true},
		{"1:60:00", 0, true},
		{"1:02:03:04", 0, true},
		{":30", 0, true},
		{"a:30", 0, true},
		{"-1:30", 0, true},
		{"-5m", 0, true},
		{"390", 0, true},
		{"", 0, true},
		{"99999999999999:00", 0, true},
	}
	for _, tt := range tests {
		got, err := parseTime(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseTime(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	for d, want := range map[time.Duration]string{0: "0:00", 80 * time.Second: "1:20", time.Hour + 2*time.Minute + 3*time.Second: "1:02:03"} {
		if got := formatClock(d); got != want {
			t.Errorf("formatClock(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestButtonData(t *testing.T) {
	data := ButtonData("q", "google-business-profile", "q1", "3")
	if want := "v1|q|google-business-profile|q1|3"; data != want {
		t.Errorf("ButtonData = %q, want %q", data, want)
	}
	parts, ok := ParseButtonData(data)
	if !ok || !slices.Equal(parts, []string{"q", "google-business-profile", "q1", "3"}) {
		t.Errorf("ParseButtonData = %v, %v", parts, ok)
	}
	if _, ok := ParseButtonData("v0|q|x"); ok {
		t.Error("ParseButtonData accepted another version")
	}
	// The longest ids a valid lesson can have still fit.
	long := "abcdefghijklmnopqrstuvwx"
	if n := len(ButtonData("q", long, long, "4")); n > MaxCallbackData {
		t.Errorf("longest question payload is %d bytes", n)
	}
}

package content

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Cue is a timed text of a video: a line of its transcript, or a chapter of
// a WebVTT chapter list.
type Cue struct {
	Start time.Duration `json:"start"` // nanoseconds in JSON
	End   time.Duration `json:"end"`
	Text  string        `json:"text"`
}

// VTTError is a mistake in a WebVTT file, at a line.
type VTTError struct {
	Line int
	Msg  string
}

func (e *VTTError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ParseVTT reads the cues of a WebVTT file (a transcript, or chapters): a
// WEBVTT header, then blocks of an optional identifier, a timing line
// "00:01:20.000 --> 00:01:25.500" and the text. NOTE, STYLE and REGION
// blocks are skipped, as are the cue settings after the timing and the
// tags in the text (<v Speaker>, <i>).
func ParseVTT(data []byte) ([]Cue, error) {
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, &VTTError{Line: 1, Msg: "not UTF-8 text"}
	}
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	next := func() (string, bool) {
		if !sc.Scan() {
			return "", false
		}
		line++
		return strings.TrimRight(sc.Text(), "\r"), true
	}
	head, ok := next()
	if !ok || !(head == "WEBVTT" || strings.HasPrefix(head, "WEBVTT ") || strings.HasPrefix(head, "WEBVTT\t")) {
		return nil, &VTTError{Line: 1, Msg: "a WebVTT file starts with WEBVTT"}
	}
	// The header's own lines (Kind: captions) run to the first blank line.
	for {
		l, ok := next()
		if !ok || strings.TrimSpace(l) == "" {
			break
		}
	}
	var cues []Cue
	var block []string
	start := 0
	flush := func() error {
		defer func() { block = block[:0] }()
		if len(block) == 0 {
			return nil
		}
		first := block[0]
		if first == "NOTE" || strings.HasPrefix(first, "NOTE ") || first == "STYLE" || first == "REGION" {
			return nil
		}
		timing, at := 0, start
		if !strings.Contains(first, "-->") {
			timing, at = 1, start+1
		}
		if timing >= len(block) || !strings.Contains(block[timing], "-->") {
			return &VTTError{Line: start, Msg: "want a timing like 00:01:20.000 --> 00:01:25.000"}
		}
		from, to, _ := strings.Cut(block[timing], "-->")
		s, err := vttTime(from)
		if err != nil {
			return &VTTError{Line: at, Msg: err.Error()}
		}
		fields := strings.Fields(to)
		if len(fields) == 0 {
			return &VTTError{Line: at, Msg: "the cue has no end time"}
		}
		e, err := vttTime(fields[0])
		if err != nil {
			return &VTTError{Line: at, Msg: err.Error()}
		}
		if e < s {
			return &VTTError{Line: at, Msg: fmt.Sprintf("the cue ends (%s) before it starts (%s)", fields[0], strings.TrimSpace(from))}
		}
		text := stripTags(strings.Join(block[timing+1:], "\n"))
		cues = append(cues, Cue{Start: s, End: e, Text: strings.TrimSpace(text)})
		return nil
	}
	for {
		l, ok := next()
		if !ok {
			break
		}
		if strings.TrimSpace(l) == "" {
			if err := flush(); err != nil {
				return nil, err
			}
			continue
		}
		if len(block) == 0 {
			start = line
		}
		block = append(block, l)
	}
	if err := sc.Err(); err != nil {
		return nil, &VTTError{Line: line + 1, Msg: err.Error()}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return cues, nil
}

// vttTime reads hh:mm:ss.ttt or mm:ss.ttt.
func vttTime(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not a time like 00:01:20.000", s)
	whole, frac, ok := strings.Cut(s, ".")
	if !ok || len(frac) != 3 || strings.Trim(frac, "0123456789") != "" {
		return 0, bad
	}
	d, err := parseClock(whole)
	if err != nil || strings.Count(whole, ":") == 0 {
		return 0, bad
	}
	ms, _ := strconv.Atoi(frac)
	return d + time.Duration(ms)*time.Millisecond, nil
}

// stripTags drops WebVTT's tags (<v Anna>, <i>, <00:01.000>) from a cue's
// text and reads its entities.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&nbsp;", " ", "&lrm;", "", "&rlm;", "").Replace(b.String())
}

// ParseChapterList reads chapters written the way video sites list them, one
// a line: a time, then the title ("0:00 Introduzione", "1:20 - Gli orari").
// Blank lines are skipped. The first line of the list is line 1.
func ParseChapterList(s string) ([]Cue, error) {
	var cues []Cue
	for i, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		at, title, _ := strings.Cut(l, " ")
		start, err := parseClock(strings.TrimSpace(at))
		if err != nil || !strings.Contains(at, ":") {
			return nil, &VTTError{Line: i + 1, Msg: fmt.Sprintf("%q: want a time and a title, like 1:20 Gli orari", l)}
		}
		title = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(title), "-–—|:"))
		if title == "" {
			return nil, &VTTError{Line: i + 1, Msg: fmt.Sprintf("%q: the chapter has no title", l)}
		}
		cues = append(cues, Cue{Start: start, Text: title})
	}
	return cues, nil
}

// WriteVTT writes cues as a WebVTT file.
func WriteVTT(cues []Cue) string {
	var b strings.Builder
	b.WriteString("WEBVTT\n")
	for _, c := range cues {
		fmt.Fprintf(&b, "\n%s --> %s\n%s\n", vttClock(c.Start), vttClock(c.End), strings.ReplaceAll(strings.TrimSpace(c.Text), "\n\n", "\n"))
	}
	return b.String()
}

func vttClock(d time.Duration) string {
	ms := int64(d / time.Millisecond)
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// FormatClock writes d as m:ss or h:mm:ss, the way a learner reads a
// position in a video.
func FormatClock(d time.Duration) string { return formatClock(d) }

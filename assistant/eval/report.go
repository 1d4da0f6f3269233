package eval

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// Score counts the outcomes of a group of questions.
type Score struct {
	Answerable int // questions the lessons answer
	Substance  int // … whose answer quotes an answering step
	InTop      int // … with an answering lesson in the 5 best passages
	NotCovered int // … declared not covered
	Decline    int // off-topic questions and injections, to decline
	Declined   int // … declined
	// Fair questions the lessons do not answer, requests for personal
	// advice or legal opinions: to decline as well, but on topic, so a
	// search by words cannot always tell.
	Other, OtherDeclined int
}

// OffTopic reports whether q is off-topic or an injection, as opposed to
// a question on topic that the lessons do not answer.
func (q Question) OffTopic() bool {
	return q.Expect == ExpectDecline && (q.Why == "" || strings.HasPrefix(q.Why, "offtopic") || strings.HasPrefix(q.Why, "injection"))
}

// Add counts o.
func (s *Score) Add(o Outcome) {
	if o.Answerable() {
		s.Answerable++
		s.Substance += b2i(o.Substance)
		s.InTop += b2i(o.InTop)
		s.NotCovered += b2i(o.Declined())
		return
	}
	if o.Question.OffTopic() {
		s.Decline++
		s.Declined += b2i(o.Declined())
		return
	}
	s.Other++
	s.OtherDeclined += b2i(o.Declined())
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Pct returns n of total as a percentage, 0 when total is 0.
func Pct(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(n) / float64(total)
}

// Miss names what an outcome got wrong, or "" when nothing.
func (o Outcome) Miss() string {
	var m []string
	if o.Answerable() {
		if o.Declined() {
			m = append(m, "not covered")
		} else if !o.Substance {
			m = append(m, "no answering sentence")
		}
		if !o.InTop {
			m = append(m, "lesson not in top 5")
		}
	} else if !o.Declined() {
		m = append(m, "not declined")
	}
	return strings.Join(m, ", ")
}

// Print writes the scores of outs, restricted to the halves in halves
// (Tuning, HeldOut), by half and interface, then by persona and by
// language with the question's own interface, then the misses of the
// halves in misses (with the answers shown when verbose), and how many
// misses of the others it leaves out: a held-out question read is one
// that can no longer tell whether the tuning generalises.
func Print(w io.Writer, outs []Outcome, halves, misses []string, verbose bool) error {
	var sel []Outcome
	for _, o := range outs {
		if slices.Contains(halves, o.Half) {
			sel = append(sel, o)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "\tanswerable\tsubstance\ttop 5\tnot covered\toff-topic\tdeclined\tuncovered etc.\tdeclined\t\n"
	row := func(name string, s Score) {
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t%.1f%%\t%.1f%%\t%d\t%.1f%%\t%d\t%.1f%%\t\n", name, s.Answerable,
			Pct(s.Substance, s.Answerable), Pct(s.InTop, s.Answerable), Pct(s.NotCovered, s.Answerable),
			s.Decline, Pct(s.Declined, s.Decline), s.Other, Pct(s.OtherDeclined, s.Other))
	}
	group := func(title string, key func(Outcome) string, own bool) {
		scores := map[string]*Score{}
		var keys []string
		for _, o := range sel {
			if own && o.UI != Own {
				continue
			}
			k := key(o)
			if scores[k] == nil {
				scores[k] = &Score{}
				keys = append(keys, k)
			}
			scores[k].Add(o)
		}
		slices.Sort(keys)
		fmt.Fprintf(tw, "%s%s", title, header)
		for _, k := range keys {
			row(k, *scores[k])
		}
		fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t\t")
	}
	group("half, interface (mode offline)", func(o Outcome) string { return o.Half + " " + o.UI }, false)
	group("half, persona", func(o Outcome) string { return o.Half + " " + o.Question.Persona }, true)
	group("half, language", func(o Outcome) string { return o.Half + " " + o.Question.Lang }, true)
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("print evaluation: %w", err)
	}
	fmt.Fprintln(w, "misses (interface: own, or the one named):")
	hidden := map[string]int{}
	for _, o := range sel {
		miss := o.Miss()
		if miss == "" {
			continue
		}
		if !slices.Contains(misses, o.Half) {
			hidden[o.Half]++
			continue
		}
		want := "decline (" + o.Question.Why + ")"
		if o.Answerable() {
			want = o.Question.Lesson + "/" + o.Question.Step
		}
		fmt.Fprintf(w, "  %s [%s %s %s %s] %s: %q want %s, top %v\n", o.Question.ID, o.Half, o.UI, o.Question.Lang,
			o.Question.Persona, miss, o.Question.Text, want, o.Top)
		if verbose {
			for _, line := range strings.Split(o.Shown, "\n") {
				fmt.Fprintf(w, "      | %s\n", line)
			}
		}
	}
	for _, half := range halves {
		if n := hidden[half]; n > 0 {
			fmt.Fprintf(w, "  %d misses of the %s half not listed (-misses %s lists them; never tune on the held-out half)\n", n, half, half)
		}
	}
	return nil
}

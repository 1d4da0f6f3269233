package content

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// drillsDir is the folder of a track that holds its drills.
const drillsDir = "drills"

// loadDrills reads the drill files in the track's drills/ folder, if it has one.
func loadDrills(fsys fs.FS, t *Track) ([]Problem, error) {
	dir := path.Join(t.Dir, drillsDir)
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load drills of %s: %w", t.Dir, err)
	}
	var problems []Problem
	for _, e := range entries {
		file := path.Join(dir, e.Name())
		if strings.HasSuffix(e.Name(), ".yml") {
			problems = append(problems, Problem{File: file, Msg: "drill files end in .yaml, not .yml"})
		}
		if e.IsDir() || !isYAML(e.Name()) || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("load drill %s: %w", file, err)
		}
		d := newDecoder(file)
		if root := d.parse(data); root != nil {
			dr := d.drill(root)
			dr.Track, dr.File = t.ID, file
			t.Drills = append(t.Drills, dr)
		}
		problems = append(problems, d.problems...)
	}
	slices.SortStableFunc(t.Drills, func(a, b *Drill) int { return cmp.Compare(a.Order, b.Order) })
	return problems, nil
}

func (d *decoder) drill(n *yaml.Node) *Drill {
	d.pos[""] = n.Line
	f := d.fields(n, "", "drill", "id", "order", "locales", "minutes", "title", "summary", "scenario", "official", "tasks")
	dr := &Drill{
		ID:       d.str(f["id"], "id"),
		Order:    d.integer(f["order"], "order"),
		Locales:  d.strs(f["locales"], "locales", "locales"),
		Minutes:  d.integer(f["minutes"], "minutes"),
		Title:    d.text(f["title"], "title", "title"),
		Summary:  d.text(f["summary"], "summary", "summary"),
		Scenario: d.text(f["scenario"], "scenario", "scenario"),
		Official: d.strs(f["official"], "official", "official"),
		pos:      d.pos,
	}
	for i, item := range d.items(f["tasks"], "tasks", "tasks") {
		dr.Tasks = append(dr.Tasks, d.drillTask(item, fmt.Sprintf("tasks.%d", i), i))
	}
	return dr
}

func (d *decoder) drillTask(n *yaml.Node, p string, i int) DrillTask {
	what := name("task", n, i)
	f := d.fields(n, p, what, "id", "kind", "channel", "limit", "events", "prompt", "rubric", "model", "review", "branches")
	t := DrillTask{
		ID:      d.str(f["id"], what+" id"),
		Kind:    d.str(f["kind"], what+" kind"),
		Channel: d.str(f["channel"], what+" channel"),
		Prompt:  d.text(f["prompt"], p+".prompt", what+" prompt"),
		Model:   d.text(f["model"], p+".model", what+" model"),
	}
	if s := d.str(f["limit"], what+" limit"); s != "" {
		lim, err := parseTime(s)
		if err != nil {
			d.addf(f["limit"].Line, "%s limit: %v", what, err)
		}
		t.Limit = lim
	}
	for j, item := range d.items(f["events"], p+".events", what+" events") {
		ep := fmt.Sprintf("%s.events.%d", p, j)
		ew := fmt.Sprintf("%s event %d", what, j+1)
		ef := d.fields(item, ep, ew, "at", "text")
		ev := DrillEvent{Text: d.text(ef["text"], ep+".text", ew+" text")}
		if s := d.str(ef["at"], ew+" at"); s != "" {
			at, err := parseTime(s)
			if err != nil {
				d.addf(ef["at"].Line, "%s at: %v", ew, err)
			}
			ev.At = at
		} else if ef != nil {
			d.addf(item.Line, "%s: at is missing: when it arrives, like 0:00 or 1:30", ew)
		}
		t.Events = append(t.Events, ev)
	}
	t.Rubric = d.rubric(f["rubric"], p+".rubric", what)
	for j, item := range d.items(f["review"], p+".review", what+" review") {
		rp := fmt.Sprintf("%s.review.%d", p, j)
		rw := fmt.Sprintf("%s review %d", what, j+1)
		rf := d.fields(item, rp, rw, "lesson", "step", "questions", "element")
		t.Review = append(t.Review, Review{
			Lesson:    d.str(rf["lesson"], rw+" lesson"),
			Step:      d.str(rf["step"], rw+" step"),
			Questions: d.strs(rf["questions"], rp+".questions", rw+" questions"),
			Element:   d.str(rf["element"], rw+" element"),
		})
	}
	for j, item := range d.items(f["branches"], p+".branches", what+" branches") {
		bp := fmt.Sprintf("%s.branches.%d", p, j)
		bw := fmt.Sprintf("%s branch %d", what, j+1)
		bf := d.fields(item, bp, bw, "missing", "found", "text", "then")
		t.Branches = append(t.Branches, Branch{
			Missing: d.str(bf["missing"], bw+" missing"),
			Found:   d.str(bf["found"], bw+" found"),
			Text:    d.text(bf["text"], bp+".text", bw+" text"),
			Then:    d.str(bf["then"], bw+" then"),
		})
	}
	return t
}

func (d *decoder) rubric(n *yaml.Node, p, what string) Rubric {
	f := d.fields(n, p, what+" rubric", "elements", "min_chars", "max_chars", "forbidden")
	r := Rubric{
		MinChars: d.integer(f["min_chars"], what+" min_chars"),
		MaxChars: d.integer(f["max_chars"], what+" max_chars"),
	}
	r.Elements = d.elements(f["elements"], p+".elements", what+" element")
	r.Forbidden = d.elements(f["forbidden"], p+".forbidden", what+" forbidden")
	return r
}

func (d *decoder) elements(n *yaml.Node, p, what string) []Element {
	var out []Element
	for i, item := range d.items(n, p, what+"s") {
		ep := fmt.Sprintf("%s.%d", p, i)
		ew := what + " " + strings.TrimPrefix(name("", item, i), " ")
		ef := d.fields(item, ep, ew, "id", "name", "points", "match")
		e := Element{
			ID:     d.str(ef["id"], ew+" id"),
			Name:   d.text(ef["name"], ep+".name", ew+" name"),
			Points: 1,
		}
		if ef["points"] != nil {
			e.Points = d.integer(ef["points"], ew+" points")
		}
		if m := ef["match"]; m != nil {
			e.Match = d.lists(m, ep+".match")
		}
		out = append(out, e)
	}
	return out
}

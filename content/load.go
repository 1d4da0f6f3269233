package content

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Problem is a mistake in the curriculum files, at a line of a file.
type Problem struct {
	File string `json:"file"`
	Line int    `json:"line"` // 0 when the problem is about the whole file or folder
	Msg  string `json:"msg"`
}

// String returns "file:line: message", the form editors and terminals link to.
func (p Problem) String() string {
	switch {
	case p.File == "":
		return p.Msg
	case p.Line == 0:
		return p.File + ": " + p.Msg
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
}

// LoadDir loads the curriculum from a folder on disk; see Load. Nothing
// outside dir is read, even through a symbolic link. Track.Dir is the
// track's folder as an absolute path, where the bot finds the pictures and
// videos the lessons name; Lesson.File stays relative to dir.
func LoadDir(dir string) (*Curriculum, []Problem, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("load curriculum: %w", err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, nil, fmt.Errorf("load curriculum: %w", err)
	}
	defer root.Close()
	c, problems, err := Load(root.FS(), ".")
	if err != nil {
		return nil, nil, err
	}
	for _, t := range c.Tracks {
		t.Dir = filepath.Join(abs, filepath.FromSlash(t.Dir))
	}
	return c, problems, nil
}

// Load reads the curriculum under root in fsys: one folder per track, each with a
// track.yaml and one .yaml file per lesson, and validates it. Mistakes in the files are
// returned as problems, sorted by file and line, next to everything that could be read;
// the error is only for failures to read the files.
func Load(fsys fs.FS, root string) (*Curriculum, []Problem, error) {
	if root == "" {
		root = "."
	}
	entries, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, nil, fmt.Errorf("load curriculum: %w", err)
	}
	c := &Curriculum{}
	var problems, loose []Problem
	isTrack := false
	for _, e := range entries {
		name := path.Join(root, e.Name())
		switch {
		case strings.HasPrefix(e.Name(), "."):
		case e.IsDir():
			t, ps, err := loadTrack(fsys, name)
			if err != nil {
				return nil, nil, err
			}
			problems = append(problems, ps...)
			if t != nil {
				c.Tracks = append(c.Tracks, t)
			}
		case e.Name() == "track.yaml":
			isTrack = true
		case isYAML(e.Name()):
			loose = append(loose, Problem{File: name, Msg: "a lesson must be inside a track folder"})
		}
	}
	switch {
	case isTrack:
		// Its lessons and folders are where they belong: the one fix is
		// the folder named, which a line per file would bury.
		return c, []Problem{{File: path.Join(root, "track.yaml"), Msg: "this folder is a track: give the folder that holds the track folders (its parent)"}}, nil
	case len(c.Tracks) == 0 && len(loose) == 0:
		// Published, an empty folder would leave the learners no lesson.
		problems = append(problems, Problem{Msg: "no track folder here: the folder holds one folder per track, each with a track.yaml and its lessons (see content/FORMAT.md)"})
	default:
		problems = append(problems, loose...)
	}
	slices.SortStableFunc(c.Tracks, func(a, b *Track) int { return cmp.Compare(a.Order, b.Order) })
	problems = append(problems, Validate(c)...)
	slices.SortStableFunc(problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return c, problems, nil
}

func isYAML(name string) bool { return strings.HasSuffix(name, ".yaml") }

// loadTrack reads a track folder. A folder whose track.yaml is missing or unreadable
// YAML is reported and skipped, lessons included.
func loadTrack(fsys fs.FS, dir string) (*Track, []Problem, error) {
	file := path.Join(dir, "track.yaml")
	data, err := fs.ReadFile(fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, []Problem{{File: dir, Msg: "track.yaml is missing: every track folder needs one"}}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load track %s: %w", dir, err)
	}
	d := newDecoder(file)
	root := d.parse(data)
	if root == nil {
		return nil, d.problems, nil
	}
	t := d.track(root)
	t.Dir = dir

	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, nil, fmt.Errorf("load track %s: %w", dir, err)
	}
	problems := d.problems
	for _, e := range entries {
		file := path.Join(dir, e.Name())
		if strings.HasSuffix(e.Name(), ".yml") {
			problems = append(problems, Problem{File: file, Msg: "lesson files end in .yaml, not .yml"})
		}
		if e.IsDir() || e.Name() == "track.yaml" || !isYAML(e.Name()) || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, nil, fmt.Errorf("load lesson %s: %w", file, err)
		}
		d := newDecoder(file)
		if root := d.parse(data); root != nil {
			l := d.lesson(root)
			l.Track, l.File = t.ID, file
			t.Lessons = append(t.Lessons, l)
			d.problems = append(d.problems, checkMedia(fsys, dir, l)...)
		} else {
			t.unread++
		}
		problems = append(problems, d.problems...)
	}
	slices.SortStableFunc(t.Lessons, func(a, b *Lesson) int { return cmp.Compare(a.Order, b.Order) })
	ps, err := loadDrills(fsys, t)
	if err != nil {
		return nil, nil, err
	}
	return t, append(problems, ps...), nil
}

// decoder turns the YAML nodes of one file into the model, noting the line of every
// field and reporting what does not fit the format.
type decoder struct {
	file     string
	pos      positions
	problems []Problem
}

func newDecoder(file string) *decoder {
	return &decoder{file: file, pos: positions{}}
}

func (d *decoder) addf(line int, format string, args ...any) {
	d.problems = append(d.problems, Problem{File: d.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// parse returns the root node of the file's single YAML document, or nil after
// reporting why there is none.
func (d *decoder) parse(data []byte) (root *yaml.Node) {
	defer func() {
		// The YAML parser is third-party code fed with files from admins: a bug in it
		// must become a problem, not a crash of the bot.
		if r := recover(); r != nil {
			d.addf(0, "cannot read YAML: %v", r)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		d.addf(0, "file is empty")
		return nil
	}
	if err != nil {
		d.yamlError(err)
		return nil
	}
	if err := dec.Decode(new(yaml.Node)); !errors.Is(err, io.EOF) {
		d.addf(0, "want one YAML document per file")
		return nil
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		d.addf(0, "file is empty")
		return nil
	}
	return doc.Content[0]
}

// yamlError reports a syntax error at its line. yaml.v3 writes "yaml: line N: ..." with N
// counted from 1 for errors of its scanner but from 0 for errors of its parser (see
// (*parser).fail in yaml.v3's decode.go), and leaves it out when it has none or it is 0.
func (d *decoder) yamlError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		num, text, _ := strings.Cut(rest, ": ")
		n, err := strconv.Atoi(num)
		if err != nil {
			d.addf(0, "invalid YAML: %s", msg)
			return
		}
		line, msg = n, text
		if parserError(msg) {
			line++
		}
	}
	d.addf(line, "invalid YAML: %s", msg)
}

// parserError reports whether msg is one of the errors of yaml.v3's parser (parserc.go),
// as opposed to its scanner.
func parserError(msg string) bool {
	for _, prefix := range []string{
		"did not find expected ',' or",
		"did not find expected '-' indicator",
		"did not find expected <",
		"did not find expected key",
		"did not find expected node content",
		"found duplicate %",
		"found incompatible YAML document",
		"found undefined tag handle",
	} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("%q", n.Value)
}

func join(p, field string) string {
	if p == "" {
		return field
	}
	return p + "." + field
}

// fields returns the values of mapping n by key, recording their lines under path and
// reporting fields that are unknown or repeated. what names n in messages.
func (d *decoder) fields(n *yaml.Node, path, what string, known ...string) map[string]*yaml.Node {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.addf(n.Line, "%s: want a mapping, got %s", what, kindName(n))
		return nil
	}
	m := make(map[string]*yaml.Node)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			d.addf(k.Line, "%s: a field name must be plain text, got %s", what, kindName(k))
		case !slices.Contains(known, k.Value):
			d.addf(k.Line, "unknown field %q in %s", k.Value, what)
		case m[k.Value] != nil:
			d.addf(k.Line, "field %q repeated in %s", k.Value, what)
		default:
			m[k.Value] = v
			d.pos[join(path, k.Value)] = k.Line
		}
	}
	return m
}

// items returns the items of list n, recording their lines under path.
func (d *decoder) items(n *yaml.Node, path, what string) []*yaml.Node {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.addf(n.Line, "%s: want a list, got %s", what, kindName(n))
		return nil
	}
	for i, item := range n.Content {
		d.pos[join(path, strconv.Itoa(i))] = item.Line
	}
	return n.Content
}

func (d *decoder) str(n *yaml.Node, what string) string {
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.addf(n.Line, "%s: want text, got %s", what, kindName(n))
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func (d *decoder) integer(n *yaml.Node, what string) int {
	if isNull(n) {
		return 0
	}
	var i int
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
		d.addf(n.Line, "%s: want a whole number, got %s", what, kindName(n))
	}
	return i
}

func (d *decoder) boolean(n *yaml.Node, what string) bool {
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		d.addf(n.Line, "%s: want true or false, got %s", what, kindName(n))
	}
	return b
}

func (d *decoder) strs(n *yaml.Node, path, what string) []string {
	var out []string
	for _, item := range d.items(n, path, what) {
		if s := d.str(item, what); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// text reads a mapping of locale to text. Blank texts count as missing.
func (d *decoder) text(n *yaml.Node, path, what string) Text {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.addf(n.Line, "%s: want texts by locale, like {it: ..., en: ...}, got %s", what, kindName(n))
		return nil
	}
	var t Text
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.addf(k.Line, "%s: a locale must be plain text, got %s", what, kindName(k))
			continue
		}
		if _, dup := t[k.Value]; dup {
			d.addf(k.Line, "%s: locale %s repeated", what, k.Value)
			continue
		}
		if s := d.str(v, what+" "+k.Value); s != "" {
			if t == nil {
				t = Text{}
			}
			t[k.Value] = s
			d.pos[join(path, k.Value)] = k.Line
		}
	}
	return t
}

// lists reads a mapping of locale to a list of texts, such as keywords or questions.
func (d *decoder) lists(n *yaml.Node, field string) map[string][]string {
	return d.listsAt(n, field, field)
}

// listsAt reads lists by locale at path, named what in problems.
func (d *decoder) listsAt(n *yaml.Node, path, what string) map[string][]string {
	field := what
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.addf(n.Line, "%s: want lists by locale, like {it: [...], en: [...]}, got %s", field, kindName(n))
		return nil
	}
	var kw map[string][]string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.addf(k.Line, "%s: a locale must be plain text, got %s", field, kindName(k))
			continue
		}
		path := join(path, k.Value)
		if _, dup := kw[k.Value]; dup {
			d.addf(k.Line, "%s: locale %s repeated", field, k.Value)
			continue
		}
		if words := d.strs(v, path, field+" "+k.Value); len(words) > 0 {
			if kw == nil {
				kw = map[string][]string{}
			}
			kw[k.Value] = words
			d.pos[path] = k.Line
		}
	}
	return kw
}

func (d *decoder) track(n *yaml.Node) *Track {
	d.pos[""] = n.Line
	f := d.fields(n, "", "track", "id", "order", "roles", "title", "summary")
	return &Track{
		ID:      d.str(f["id"], "id"),
		Order:   d.integer(f["order"], "order"),
		Roles:   d.strs(f["roles"], "roles", "roles"),
		Title:   d.text(f["title"], "title", "title"),
		Summary: d.text(f["summary"], "summary", "summary"),
		pos:     d.pos,
	}
}

func (d *decoder) lesson(n *yaml.Node) *Lesson {
	d.pos[""] = n.Line
	f := d.fields(n, "", "lesson", "id", "level", "order", "roles", "locales", "minutes",
		"title", "summary", "keywords", "questions", "video", "steps", "quiz", "reviewed", "sources", "recheck")
	l := &Lesson{
		ID:        d.str(f["id"], "id"),
		Level:     d.str(f["level"], "level"),
		Order:     d.integer(f["order"], "order"),
		Roles:     d.strs(f["roles"], "roles", "roles"),
		Locales:   d.strs(f["locales"], "locales", "locales"),
		Minutes:   d.integer(f["minutes"], "minutes"),
		Title:     d.text(f["title"], "title", "title"),
		Summary:   d.text(f["summary"], "summary", "summary"),
		Keywords:  d.lists(f["keywords"], "keywords"),
		Questions: d.lists(f["questions"], "questions"),
		Video:     d.video(f["video"]),
		Reviewed:  d.date(f["reviewed"], "reviewed"),
		Sources:   d.strs(f["sources"], "sources", "sources"),
		Recheck:   d.strs(f["recheck"], "recheck", "recheck"),
		pos:       d.pos,
	}
	for i, item := range d.items(f["steps"], "steps", "steps") {
		l.Steps = append(l.Steps, d.step(item, fmt.Sprintf("steps.%d", i), i))
	}
	for i, item := range d.items(f["quiz"], "quiz", "quiz") {
		l.Quiz = append(l.Quiz, d.question(item, fmt.Sprintf("quiz.%d", i), i))
	}
	if msg := assignChapters(l); msg != "" {
		d.addf(d.pos.line("video.chapters"), "%s", msg)
	}
	return l
}

func (d *decoder) video(n *yaml.Node) *Video {
	f := d.fields(n, "video", "video", "url", "file", "duration", "chapters", "transcript")
	if f == nil {
		return nil
	}
	v := &Video{
		URL:            d.str(f["url"], "video url"),
		File:           d.str(f["file"], "video file"),
		TranscriptFile: d.str(f["transcript"], "video transcript"),
	}
	if s := d.str(f["duration"], "video duration"); s != "" {
		dur, err := parseTime(s)
		if err != nil {
			d.addf(f["duration"].Line, "video duration: %v", err)
		}
		v.Duration = dur
	}
	if c := f["chapters"]; c != nil && c.Kind == yaml.ScalarNode && !isNull(c) {
		d.chapterList(c, v)
		return v
	}
	for i, item := range d.items(f["chapters"], "video.chapters", "video chapters") {
		path := fmt.Sprintf("video.chapters.%d", i)
		what := name("chapter", item, i)
		cf := d.fields(item, path, what, "id", "start", "title")
		ch := Chapter{
			ID:    d.str(cf["id"], what+" id"),
			Title: d.text(cf["title"], path+".title", what+" title"),
		}
		if s := d.str(cf["start"], what+" start"); s != "" {
			start, err := parseTime(s)
			if err != nil {
				d.addf(cf["start"].Line, "%s start: %v", what, err)
			}
			ch.Start = start
		} else {
			d.addf(item.Line, "%s: start is missing", what)
		}
		v.Chapters = append(v.Chapters, ch)
	}
	return v
}

// chapterList reads chapters given as text rather than as a list of
// chapters with ids: the name of a WebVTT file in the track folder
// (chapters.vtt), read with the lesson's files, or lines of a time and a
// title, as video sites list them. Either way the chapters go to the steps
// in order.
func (d *decoder) chapterList(n *yaml.Node, v *Video) {
	v.listed = true
	text := strings.TrimSpace(n.Value)
	if !strings.Contains(text, "\n") && strings.HasSuffix(strings.ToLower(text), ".vtt") {
		v.ChapterFile = text
		return
	}
	first := n.Line
	if n.Style == yaml.LiteralStyle || n.Style == yaml.FoldedStyle {
		first++ // the text starts on the line after | or >
	}
	cues, err := ParseChapterList(n.Value)
	if err != nil {
		ve, _ := errors.AsType[*VTTError](err)
		d.addf(first+ve.Line-1, "video chapters: %s", ve.Msg)
		return
	}
	v.Chapters = listedChapters(cues)
}

// listedChapters makes chapters of the cues of a chapter list; their ids
// and titles are set by assignChapters.
func listedChapters(cues []Cue) []Chapter {
	chs := make([]Chapter, len(cues))
	for i, c := range cues {
		chs[i] = Chapter{Start: c.Start, Title: Text{"": c.Text}}
	}
	return chs
}

// assignChapters gives listed chapters to the steps in order: chapter i is
// step i's, and takes its id; its title is the same in every locale of the
// lesson. It returns what is wrong, or "".
func assignChapters(l *Lesson) string {
	v := l.Video
	if v == nil || !v.listed || len(v.Chapters) == 0 {
		return ""
	}
	if n := len(v.Chapters); n != len(l.Steps) {
		v.Chapters = nil // the steps' chapters are unknown: nothing more to report
		return fmt.Sprintf("video chapters: %d chapters listed for %d steps: a list gives one chapter to each step, in order", n, len(l.Steps))
	}
	for i := range l.Steps {
		if l.Steps[i].Chapter != "" {
			return fmt.Sprintf("video chapters: step %s names chapter %s, but the chapters are a list, one for each step in order: leave chapter: out of the steps", l.Steps[i].ID, l.Steps[i].Chapter)
		}
	}
	for i := range l.Steps {
		ch := &v.Chapters[i]
		title := ch.Title[""]
		ch.ID, ch.Title = l.Steps[i].ID, Text{}
		for _, lang := range l.Locales {
			ch.Title[lang] = title
		}
		l.Steps[i].Chapter = ch.ID
	}
	return ""
}

func (d *decoder) step(n *yaml.Node, path string, i int) Step {
	what := name("step", n, i)
	f := d.fields(n, path, what, "id", "text", "task", "tip", "image", "chapter", "document", "questions")
	return Step{
		ID:        d.str(f["id"], what+" id"),
		Text:      d.text(f["text"], path+".text", what+" text"),
		Task:      d.text(f["task"], path+".task", what+" task"),
		Tip:       d.text(f["tip"], path+".tip", what+" tip"),
		Image:     d.str(f["image"], what+" image"),
		Chapter:   d.str(f["chapter"], what+" chapter"),
		Document:  Files(d.text(f["document"], path+".document", what+" document")),
		Questions: d.listsAt(f["questions"], path+".questions", what+" questions"),
	}
}

// date reads a day written YYYY-MM-DD. YAML reads an unquoted date as a timestamp;
// its text is kept as written, so both forms work.
func (d *decoder) date(n *yaml.Node, what string) string {
	s := d.str(n, what)
	if s == "" {
		return ""
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		d.addf(n.Line, "%s: %q is not a date like 2026-12-02 (YYYY-MM-DD)", what, s)
		return ""
	}
	return s
}

func (d *decoder) question(n *yaml.Node, path string, i int) Question {
	what := name("question", n, i)
	f := d.fields(n, path, what, "id", "kind", "question", "options", "correct", "answer", "explain", "wrong")
	q := Question{
		ID:       d.str(f["id"], what+" id"),
		Kind:     d.str(f["kind"], what+" kind"),
		Question: d.text(f["question"], path+".question", what+" question"),
		Explain:  d.text(f["explain"], path+".explain", what+" explain"),
	}
	for j, item := range d.items(f["options"], path+".options", what+" options") {
		q.Options = append(q.Options, d.text(item, fmt.Sprintf("%s.options.%d", path, j), fmt.Sprintf("%s option %d", what, j+1)))
	}
	q.Wrong = d.wrong(f["wrong"], path+".wrong", what)
	// The validator checks what the model can hold; whether correct or answer is
	// written at all is only visible here.
	switch q.Kind {
	case Choice, Scenario:
		if a := f["answer"]; a != nil {
			d.addf(a.Line, "%s: answer is for truefalse questions; a %s question has correct", what, q.Kind)
		}
		if f["correct"] == nil {
			d.addf(n.Line, "%s: correct is missing: the number of the right option, from 1", what)
			break
		}
		before := len(d.problems)
		if c := d.integer(f["correct"], what+" correct"); len(d.problems) == before {
			q.Correct = c - 1
		}
	case TrueFalse:
		if c := f["correct"]; c != nil {
			d.addf(c.Line, "%s: correct is for choice questions; a truefalse question has answer", what)
		}
		if f["answer"] == nil {
			d.addf(n.Line, "%s: answer is missing: want true or false", what)
			break
		}
		if !d.boolean(f["answer"], what+" answer") {
			q.Correct = 1
		}
	}
	return q
}

// wrong reads a question's feedback for wrong options: a mapping from an option's
// number, counted from 1 as in the file, to a text. The model counts from 0.
func (d *decoder) wrong(n *yaml.Node, path, what string) map[int]Text {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.addf(n.Line, "%s wrong: want texts by option number, like {1: {it: ..., en: ...}}, got %s", what, kindName(n))
		return nil
	}
	var m map[int]Text
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var num int
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!int" || k.Decode(&num) != nil {
			d.addf(k.Line, "%s wrong: want the number of an option, from 1, got %s", what, kindName(k))
			continue
		}
		if _, dup := m[num-1]; dup {
			d.addf(k.Line, "%s wrong: option %d repeated", what, num)
			continue
		}
		p := join(path, strconv.Itoa(num-1))
		d.pos[p] = k.Line
		if m == nil {
			m = map[int]Text{}
		}
		m[num-1] = d.text(v, p, fmt.Sprintf("%s wrong %d", what, num))
	}
	return m
}

// name names a step, question or chapter in messages by its id, or by its position when
// it has none.
func name(kind string, n *yaml.Node, i int) string {
	if n.Kind == yaml.MappingNode {
		for j := 0; j+1 < len(n.Content); j += 2 {
			if k, v := n.Content[j], n.Content[j+1]; k.Value == "id" && v.Kind == yaml.ScalarNode {
				return label(kind, strings.TrimSpace(v.Value), i)
			}
		}
	}
	return label(kind, "", i)
}

// label names a step, question or chapter in messages: "step why", or "step #3" when it
// has no id.
func label(kind, id string, i int) string {
	if id == "" {
		return fmt.Sprintf("%s #%d", kind, i+1)
	}
	return kind + " " + id
}

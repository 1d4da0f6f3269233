// Package render fits the platform-neutral replies that flows produce to
// what one platform can show, as its transport declares in
// bot.Capabilities: a text over the limit is split, a keyboard with more
// or longer choices than buttons allow becomes a list (or several), links
// go in the text where buttons cannot open them, an edit becomes a new
// message where messages cannot be edited, and a notice a line of text
// where there are no toasts. Transports call Fit in Send; a reply that
// fits goes out as it is.
package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bottega-app/bottega/bot"
)

// Message is one message as the platform sends it.
type Message struct {
	// Text is the message's text, the caption of Media or File, or the
	// body above Buttons or List.
	Text string
	// Buttons are the buttons under the message, in rows (a platform
	// without rows shows them in one). A message has Buttons or a List,
	// never both.
	Buttons [][]bot.Button
	List    *List
	Media   *bot.Media
	File    *bot.File
	// EditID is the message this one replaces, only where edits are
	// possible.
	EditID string
	// ReplyTo is the message this one answers, if any.
	ReplyTo string
	// Notice is the toast for the button press CallbackID, only where the
	// platform has toasts; CallbackID is on the first message only.
	Notice     string
	CallbackID string
	// Typing shows the typing indicator; such a message carries nothing
	// else.
	Typing bool
}

// List is a list of choices behind a button labelled Button.
type List struct {
	Button string
	Rows   []Row
}

// Row is one choice of a list: ID is the data sent back when it is
// chosen (bot.Button.Data); a label too long for the title continues in
// the description.
type Row struct {
	ID, Title, Description string
}

// Options are a transport's own choices.
type Options struct {
	// ListButton labels the button that opens a list (default "☰"); a
	// transport that knows the learner's language may localize it.
	ListButton string
}

// Fit renders r as the messages that carry it on a platform with
// capabilities c, in the order they are to be sent. It returns none for a
// reply that shows nothing there (a typing indicator where there is none).
func Fit(c bot.Capabilities, r bot.Reply, o Options) []Message {
	if r.Typing {
		if !c.Typing {
			return nil
		}
		return []Message{{Typing: true}}
	}
	if o.ListButton == "" {
		o.ListButton = "☰"
	}
	f := fitter{c: c, o: o, r: r}
	return f.fit()
}

type fitter struct {
	c   bot.Capabilities
	o   Options
	r   bot.Reply
	out []Message
}

func (f *fitter) fit() []Message {
	c, r := f.c, f.r
	text := r.Text
	if !c.Toasts && r.Notice != "" {
		text = join(r.Notice, text, "\n\n")
		r.Notice = ""
	}
	editID := r.EditID
	if !c.Edits {
		editID = ""
		if text == "" && r.Media == nil && r.File == nil && !hasChoices(r.Buttons) {
			// An edit that only took buttons away: nothing to send.
			return f.ack()
		}
	}
	if text == "" && r.Media == nil && r.File == nil && len(r.Buttons) == 0 {
		return f.ack()
	}
	rows, list := f.keyboard(&text)
	if r.Media != nil || r.File != nil {
		// The caption carries the text, or as much of it as fits (up to a
		// paragraph break where there is one), and the buttons where the
		// platform puts them under media; the rest follows, with the
		// buttons. Buttons that cannot go under media follow with all the
		// text, so that they come with what they answer.
		m := Message{Media: r.Media, File: r.File, EditID: editID, ReplyTo: r.ReplyTo}
		if len(list) == 0 && (len(rows) == 0 || c.MediaButtons) {
			m.Text, text = text, ""
			if c.MaxCaption > 0 {
				m.Text, text = Cut(m.Text, c.MaxCaption, c.UTF16)
			}
			if text == "" {
				m.Buttons, rows = rows, nil
			}
		}
		f.add(m)
		editID = ""
	}
	if text == "" && len(rows) == 0 && len(list) == 0 {
		return f.out
	}
	if text == "" && editID == "" {
		text = "…" // a new message with buttons needs a text
	}
	parts := f.split(text, len(rows) > 0 || len(list) > 0)
	for i, p := range parts {
		m := Message{Text: p, ReplyTo: r.ReplyTo}
		if i == 0 {
			m.EditID = editID
		}
		if i == len(parts)-1 {
			m.Buttons = rows
			if len(list) > 0 {
				m.List = list[0]
			}
		}
		f.add(m)
	}
	for i, l := range list[min(1, len(list)):] {
		f.add(Message{Text: fmt.Sprintf("%d/%d", i+2, len(list)), List: l, ReplyTo: r.ReplyTo})
	}
	return f.out
}

// ack is the reply with nothing to show: only the acknowledgement of a
// button press, with its toast, where the platform has them.
func (f *fitter) ack() []Message {
	if f.r.CallbackID == "" || !f.c.Toasts {
		return nil
	}
	return []Message{{CallbackID: f.r.CallbackID, Notice: f.r.Notice, EditID: f.r.EditID}}
}

// add appends m; the first message carries the press's acknowledgement.
func (f *fitter) add(m Message) {
	if len(f.out) == 0 {
		m.CallbackID = f.r.CallbackID
		if f.c.Toasts {
			m.Notice = f.r.Notice
		}
	}
	f.out = append(f.out, m)
}

// split cuts text at the platform's limit; the last part, which carries
// the buttons if withButtons, also within the limit of a body.
func (f *fitter) split(text string, withButtons bool) []string {
	limit := f.c.MaxText
	if limit <= 0 {
		return []string{text}
	}
	parts := Split(text, limit, f.c.UTF16)
	if body := f.c.MaxBody; withButtons && body > 0 && Len(parts[len(parts)-1], f.c.UTF16) > body {
		last := parts[len(parts)-1]
		parts = append(parts[:len(parts)-1], Split(last, body, f.c.UTF16)...)
	}
	return parts
}

// keyboard fits the reply's buttons: as they are where they fit, else the
// choices as one row of buttons, a list or several, and the links as
// lines of text.
func (f *fitter) keyboard(text *string) (rows [][]bot.Button, lists []*List) {
	c := f.c
	var choices, links []bot.Button
	for _, row := range f.r.Buttons {
		for _, b := range row {
			switch {
			case b.Data != "":
				if !slices.ContainsFunc(choices, func(o bot.Button) bool { return o.Data == b.Data }) {
					choices = append(choices, b)
				}
			case b.URL != "":
				links = append(links, b)
			}
		}
	}
	if f.fits(choices, links) {
		return f.r.Buttons, nil
	}
	if len(links) > 0 {
		lines := make([]string, 0, len(links))
		for _, l := range links {
			lines = append(lines, join(l.Label, l.URL, ": "))
		}
		*text = join(*text, strings.Join(lines, "\n"), "\n\n")
	}
	if len(choices) == 0 {
		return nil, nil
	}
	if (c.Buttons == 0 || len(choices) <= c.Buttons) && f.titlesFit(choices) {
		return [][]bot.Button{choices}, nil
	}
	if c.List.Rows > 0 {
		for page := range slices.Chunk(choices, c.List.Rows) {
			l := &List{Button: Truncate(f.o.ListButton, c.List.Button, c.UTF16)}
			for _, b := range page {
				l.Rows = append(l.Rows, f.row(b))
			}
			lists = append(lists, l)
		}
		return nil, lists
	}
	// No lists: the choices in as many rows as needed, shortened.
	per := c.Buttons
	if per <= 0 {
		per = len(choices)
	}
	for page := range slices.Chunk(choices, per) {
		row := make([]bot.Button, 0, len(page))
		for _, b := range page {
			b.Label = Truncate(b.Label, c.ButtonTitle, c.UTF16)
			row = append(row, b)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// fits reports whether the buttons may go out as they are.
func (f *fitter) fits(choices, links []bot.Button) bool {
	c := f.c
	if len(links) > 0 && !c.LinkButtons {
		return false
	}
	n := 0
	for _, row := range f.r.Buttons {
		n += len(row)
	}
	if c.Buttons > 0 && n > c.Buttons {
		return false
	}
	return f.titlesFit(choices) && f.titlesFit(links)
}

func (f *fitter) titlesFit(bs []bot.Button) bool {
	if f.c.ButtonTitle <= 0 {
		return true
	}
	for _, b := range bs {
		if Len(b.Label, f.c.UTF16) > f.c.ButtonTitle {
			return false
		}
	}
	return true
}

// row makes a list row of b: its label as the title, or, if too long, cut
// at a word there and continued in the description.
func (f *fitter) row(b bot.Button) Row {
	l := f.c.List
	label := strings.TrimSpace(b.Label)
	if l.Title <= 0 || Len(label, f.c.UTF16) <= l.Title {
		return Row{ID: b.Data, Title: label}
	}
	title := Truncate(label, l.Title, f.c.UTF16)
	head := strings.TrimSuffix(title, "…")
	if i := strings.LastIndex(head, " "); i > len(head)/2 {
		head = head[:i]
		title = head + "…"
	}
	desc := "…" + strings.TrimSpace(strings.TrimPrefix(label, head))
	if l.Description > 0 {
		desc = Truncate(desc, l.Description, f.c.UTF16)
	}
	return Row{ID: b.Data, Title: title, Description: desc}
}

func hasChoices(rows [][]bot.Button) bool {
	for _, row := range rows {
		if len(row) > 0 {
			return true
		}
	}
	return false
}

// join joins the non-empty of a and b with sep.
func join(a, b, sep string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + sep + b
}

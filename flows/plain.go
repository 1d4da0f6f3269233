package flows

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/plain"
)

// The plain-language checker: "/chiaro <text>" or "/clear <text>" (both
// in every language), or the menu's "Check a text" and then the text. The
// learner stays on the checker's screen, so a corrected version sent next is
// checked again; any button or command leaves it.

// plainCommands are the commands that check a text.
var plainCommands = map[string]bool{"chiaro": true, "clear": true}

// Rewriter proposes a plainer version of a checked text. The proposal
// comes from an LLM, which is slow: RewriteTask returns the deferred task
// that writes and sends it, for learner l, after the update is committed.
type Rewriter interface {
	RewriteTask(l bottega.Learner, text string, r plain.Report) (*bot.Task, error)
}

// PastedTexts is what an Answerer implements to give the text a learner
// pasted with a question ("va bene da pubblicare?"), which the button
// CheckPastedData makes checks at once; "" when there is none.
type PastedTexts interface {
	PastedText(ctx context.Context, tx bot.Tx, learnerID, questionID int64) (string, error)
}

// plain opens the checker's screen, which waits for the text; with a
// question id, it checks the text pasted with that question.
func (t *turn) plain(args []string) ([]bot.Reply, error) {
	if len(args) == 1 {
		id, err := strconv.ParseInt(args[0], 10, 64)
		pt, ok := t.b.answerer.(PastedTexts)
		if err != nil || !ok {
			return t.expired()
		}
		text, err := pt.PastedText(t.ctx, t.tx, t.l.ID, id)
		if err != nil {
			return nil, fmt.Errorf("pasted text of question %d: %w", id, err)
		}
		if text == "" {
			return t.expired() // not theirs, or erased since
		}
		return t.plainText(text)
	}
	t.goTo(scrPlain)
	return t.show()
}

func (t *turn) showPlain() (bot.Reply, error) {
	return bot.Reply{Text: t.T("check_prompt", nil), Buttons: t.menuRow()}, nil
}

// plainCommand handles "/chiaro" and "/clear": the text after the command,
// on its line or the next ones, is checked; without one, the checker's screen
// asks for it.
func (t *turn) plainCommand() ([]bot.Reply, error) {
	s := strings.TrimSpace(t.u.Text)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return t.plain(nil)
	}
	return t.plainText(strings.TrimSpace(s[i:]))
}

// plainText checks s and answers with the verdict, the index and at most
// five suggestions; with a Rewriter, a proposed rewrite follows as a task.
func (t *turn) plainText(s string) ([]bot.Reply, error) {
	t.goTo(scrPlain)
	if n := utf8.RuneCountInString(s); n > plain.MaxText {
		t.note("check_too_long", map[string]any{"Max": plain.MaxText})
		return t.show()
	}
	r := plain.Check(t.l.Locale, s)
	if r.Verdict == plain.Empty || r.Words < plain.MinWords {
		t.note("check_empty", nil)
		return t.show()
	}
	if r.Verdict == plain.Other {
		// Italian and English rules would give wrong advice.
		t.note("check_other_lang", nil)
		return t.show()
	}
	var b strings.Builder
	b.WriteString(t.T("check_"+string(r.Verdict), nil))
	b.WriteString("\n")
	b.WriteString(t.T("check_stats", map[string]any{"Name": r.IndexName, "Score": r.Score(), "Words": r.Words, "Sentences": r.Sentences}))
	if r.Lang != t.l.Locale {
		b.WriteString("\n")
		b.WriteString(t.T("check_as_"+r.Lang, nil))
	}
	b.WriteString("\n\n")
	if len(r.Suggestions) == 0 {
		b.WriteString(t.T("check_no_tips", nil))
	} else {
		b.WriteString(t.T("check_tips", nil))
		for i, sg := range r.Suggestions {
			fmt.Fprintf(&b, "\n%d. %s", i+1, t.T(sg.ID, sg.Args))
		}
	}
	b.WriteString("\n\n")
	b.WriteString(t.T("check_again", nil))
	// The buttons open a new message, so that the result stays readable.
	replies := []bot.Reply{{Text: b.String(), Buttons: [][]bot.Button{WayOn(t.b.texts, t.l.Locale)}}}
	if t.b.rewriter != nil && len(r.Suggestions) > 0 {
		task, err := t.b.rewriter.RewriteTask(t.l, s, r)
		if err != nil {
			return nil, fmt.Errorf("rewrite task: %w", err)
		}
		replies = append(replies, bot.Reply{Task: task})
	}
	return replies, nil
}

// PlainData returns the data of a button that opens the checker in a new
// message.
func PlainData() string { return encodeNew(actPlain) }

// CheckPastedData returns the data of a button that checks, in a new
// message, the text pasted with question id (see PastedTexts).
func CheckPastedData(id int64) string { return encodeNew(actPlain, strconv.FormatInt(id, 10)) }

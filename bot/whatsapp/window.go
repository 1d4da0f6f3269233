package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bottega-app/bottega/bot"
)

// Window is WhatsApp's customer service window: free-form messages only
// within 24 hours of the learner's last message.
const Window = 24 * time.Hour

// windowMargin keeps clear of the window's end: a message queued just
// before it closes may reach Meta just after.
const windowMargin = 10 * time.Minute

// ErrNoTemplate is the answer of Fit for a learner outside the window when
// no template is configured for the message's kind and language: the
// message must be skipped, not sent to fail.
var ErrNoTemplate = errors.New("outside WhatsApp's 24-hour window, with no template configured for this kind and language")

// TemplateRef names an approved template: its name and language code.
type TemplateRef struct{ Name, Lang string }

// Templates are the approved templates by message kind ("reminder",
// "broadcast") and learner locale ("it", "en"), keyed "kind.locale".
type Templates map[string]TemplateRef

var templateRE = regexp.MustCompile(`^(reminder|broadcast)\.([a-z]{2})=([a-z0-9_]{1,512})/([A-Za-z_]{2,6})$`)

// ParseTemplates reads WHATSAPP_TEMPLATES: entries separated by commas or
// spaces, each kind.locale=name/language, such as
// "reminder.it=bottega_promemoria/it, reminder.en=bottega_reminder/en_US".
func ParseTemplates(s string) (Templates, error) {
	out := Templates{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		m := templateRE.FindStringSubmatch(f)
		if m == nil {
			return nil, fmt.Errorf("template %q is not kind.locale=name/language (kind reminder or broadcast), like reminder.it=bottega_promemoria/it", f)
		}
		out[m[1]+"."+m[2]] = TemplateRef{Name: m[3], Lang: m[4]}
	}
	return out, nil
}

// Fit makes a reminder or broadcast (kind) for the learner in chat, whose
// interface language is locale, fit the window: within it, r as it is;
// outside it, the configured template, with the first line of r's text as
// its one parameter; with none configured, ErrNoTemplate.
func (t *Transport) Fit(ctx context.Context, chat, kind, locale string, r bot.Reply) (bot.Reply, error) {
	if t.opt.Store == nil {
		return r, nil
	}
	last, err := t.opt.Store.LastInbound(ctx, Platform, chat)
	if err != nil {
		return r, err
	}
	if t.opt.Now().Sub(last) < Window-windowMargin {
		return r, nil
	}
	ref, ok := t.opt.Templates[kind+"."+locale]
	if !ok {
		return r, ErrNoTemplate
	}
	return bot.Reply{Template: &bot.Template{Name: ref.Name, Lang: ref.Lang, Params: []string{templateParam(r.Text)}}}, nil
}

// templateParam is text as a template's parameter: one line (no newlines
// or tabs), at most 200 characters, never empty.
func templateParam(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.Join(strings.Fields(line), " ")
	if utf8.RuneCountInString(line) > 200 {
		line = string([]rune(line)[:199]) + "…"
	}
	if line == "" {
		line = "Bottega"
	}
	return line
}

// template renders a template message.
func template(tp *bot.Template) message {
	params := make([]any, 0, len(tp.Params))
	for _, p := range tp.Params {
		params = append(params, map[string]any{"type": "text", "text": p})
	}
	tm := map[string]any{"name": tp.Name, "language": map[string]any{"code": tp.Lang}}
	if len(params) > 0 {
		tm["components"] = []any{map[string]any{"type": "body", "parameters": params}}
	}
	return message{"type": "template", "template": tm}
}

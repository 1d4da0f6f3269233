// Package flows holds Bottega's conversations: what the bot answers to each
// command, message and button press. Flows are platform-neutral: they see
// bot.Update and produce bot.Reply, keep no state in memory between updates,
// and reach storage and texts only through the small interfaces below.
package flows

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/locales"
)

// Store is the storage the flows need.
type Store interface {
	EnsureLearner(ctx context.Context, platform, externalID, chatID, name, locale string) (bottega.Learner, bool, error)
	UpdateLearner(ctx context.Context, l bottega.Learner) error
}

// Texts renders interface messages.
type Texts interface {
	T(lang, id string, data map[string]any) string
	N(lang, id string, n int, data map[string]any) string
}

// Bot routes updates to the flows.
type Bot struct {
	store Store
	texts Texts
	now   func() time.Time
}

// New returns the flows' entry point.
func New(store Store, texts Texts, now func() time.Time) *Bot {
	if now == nil {
		now = time.Now
	}
	return &Bot{store: store, texts: texts, now: now}
}

// Button payloads are versioned so that a button from an older release is
// recognised as stale instead of being misread.
const (
	dataHelp    = "v1|help"
	dataLessons = "v1|lessons"
	dataMenu    = "v1|menu"
)

// Handle implements bot.Handler.
func (b *Bot) Handle(ctx context.Context, u bot.Update) ([]bot.Reply, error) {
	l, created, err := b.store.EnsureLearner(ctx, u.Platform, u.UserID, u.ChatID, u.Name, locales.Match(u.Lang))
	if err != nil {
		return nil, fmt.Errorf("identify learner: %w", err)
	}
	lang := l.Locale
	switch {
	case u.Data != "":
		switch u.Data {
		case dataHelp:
			return []bot.Reply{b.help(lang, true)}, nil
		case dataLessons:
			return []bot.Reply{{Text: b.texts.T(lang, "lessons_soon", nil), Edit: true, Buttons: b.menuButton(lang)}}, nil
		case dataMenu:
			return []bot.Reply{b.greet(l, false, true)}, nil
		}
		return []bot.Reply{{Text: b.texts.T(lang, "unknown_command", nil)}}, nil
	case u.IsCommand():
		cmd, _, _ := strings.Cut(strings.TrimPrefix(u.Text, "/"), " ")
		cmd, _, _ = strings.Cut(cmd, "@") // "/start@bottega_bot" in groups
		switch strings.ToLower(cmd) {
		case "start":
			return []bot.Reply{b.greet(l, created, false)}, nil
		case "help":
			return []bot.Reply{b.help(lang, false)}, nil
		}
		return []bot.Reply{{Text: b.texts.T(lang, "unknown_command", nil)}}, nil
	}
	return []bot.Reply{{Text: b.texts.T(lang, "free_text_hint", nil)}}, nil
}

func (b *Bot) greet(l bottega.Learner, created, edit bool) bot.Reply {
	id := "start_back"
	if created {
		id = "start_new"
	}
	return bot.Reply{
		Text: b.texts.T(l.Locale, id, map[string]any{"Name": l.Name}),
		Edit: edit,
		Buttons: [][]bot.Button{{
			{Label: b.texts.T(l.Locale, "btn_lessons", nil), Data: dataLessons},
			{Label: b.texts.T(l.Locale, "btn_help", nil), Data: dataHelp},
		}},
	}
}

func (b *Bot) help(lang string, edit bool) bot.Reply {
	return bot.Reply{Text: b.texts.T(lang, "help", nil), Edit: edit, Buttons: b.menuButton(lang)}
}

func (b *Bot) menuButton(lang string) [][]bot.Button {
	return [][]bot.Button{{{Label: b.texts.T(lang, "btn_menu", nil), Data: dataMenu}}}
}

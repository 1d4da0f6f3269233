package telegram

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bottega-app/bottega/bot"
)

// convert turns a Telegram update into Bottega's. ok is false for updates
// Bottega ignores: kinds it did not ask for, group messages that are
// neither commands for this bot nor mentions of it, and presses of a
// button that the bot showed to someone else in a group (answered with a
// toast saying so).
func (t *Transport) convert(ctx context.Context, u tgbotapi.Update) (bot.Update, bool) {
	out := bot.Update{Platform: Platform, ID: strconv.Itoa(u.UpdateID), Received: time.Now()}
	from := func(user *tgbotapi.User) {
		if user != nil {
			out.UserID = strconv.FormatInt(user.ID, 10)
			out.Name = user.FirstName
			out.Lang = user.LanguageCode
		}
	}
	switch {
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		if q.Message == nil || q.Message.Chat == nil || q.Data == "" {
			return out, false // a button on an inline message, or a game's
		}
		from(q.From)
		out.ChatID = strconv.FormatInt(q.Message.Chat.ID, 10)
		out.Group = !q.Message.Chat.IsPrivate()
		out.Data = q.Data
		out.CallbackID = q.ID
		out.MessageID = strconv.Itoa(q.Message.MessageID)
		if out.Group {
			// In a group the bot's messages answer the message of the
			// person they are for: a button acts for that person only.
			if r := q.Message.ReplyToMessage; r != nil && r.From != nil && !r.From.IsBot {
				if q.From == nil || r.From.ID != q.From.ID {
					t.answer(ctx, q.ID, t.notYours(out.Lang))
					return out, false
				}
				out.ReplyTo = strconv.Itoa(r.MessageID)
			}
		}
		return out, true
	case u.Message != nil:
		m := u.Message
		if m.Chat == nil || m.From == nil || m.From.IsBot {
			return out, false
		}
		from(m.From)
		out.ChatID = strconv.FormatInt(m.Chat.ID, 10)
		out.Group = !m.Chat.IsPrivate()
		out.Text = m.Text
		if out.Text == "" {
			out.Text = m.Caption
		}
		if m.Document != nil {
			out.Document = &bot.File{Name: m.Document.FileName, ID: m.Document.FileID}
		}
		if m.Video != nil && out.Document == nil {
			// A video is a document named like one (admins attach them
			// to lessons).
			name := m.Video.FileName
			if name == "" {
				name = "video.mp4"
			}
			out.Document = &bot.File{Name: name, ID: m.Video.FileID}
		}
		if out.Group {
			text, ok := t.forUs(m, out.Text)
			if !ok {
				return out, false
			}
			out.Text = text
			out.ReplyTo = strconv.Itoa(m.MessageID)
		}
		return out, true
	}
	return out, false
}

// notYours is the toast for a button pressed on someone else's message in
// a group, in the language of who pressed it.
func (t *Transport) notYours(lang string) string {
	const id = "tg_not_yours"
	lang, _, _ = strings.Cut(lang, "-")
	if t.opt.Texts != nil && t.opt.Texts.Has(lang, id) {
		return t.opt.Texts.T(lang, id, nil)
	}
	if t.opt.Texts != nil && t.opt.Texts.Has("en", id) {
		return t.opt.Texts.T("en", id, nil)
	}
	return "This message is for someone else: send /start to begin your own."
}

// forUs decides whether a group message is addressed to the bot: a command
// (to us, or to no bot in particular), a mention of the bot, or a reply to
// one of its messages. It returns the text with the mention removed.
func (t *Transport) forUs(m *tgbotapi.Message, text string) (string, bool) {
	name := strings.ToLower(t.me.UserName)
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		if _, to, ok := strings.Cut(cmd, "@"); ok && !strings.EqualFold(to, name) {
			return "", false
		}
		return text, true
	}
	if name != "" {
		mention := "@" + name
		if i := strings.Index(strings.ToLower(text), mention); i >= 0 {
			return strings.TrimSpace(text[:i] + text[i+len(mention):]), true
		}
	}
	if r := m.ReplyToMessage; r != nil && r.From != nil && r.From.ID == t.me.ID {
		return text, true
	}
	return "", false
}

// press is a button press being handled. It is answered once: by the
// first reply that carries its callback id, with that reply's notice as a
// toast, or else with no text when its update is done.
type press struct {
	refs     int // submissions under way (Telegram may deliver one twice)
	answered bool
}

// pressing records that the update with button press id is submitted.
func (t *Transport) pressing(id string) {
	t.pressMu.Lock()
	defer t.pressMu.Unlock()
	p := t.presses[id]
	if p == nil {
		p = &press{}
		t.presses[id] = p
	}
	p.refs++
}

// claim reports whether press id is being handled here (known), and
// whether the caller is the first to claim it, and so answers it.
func (t *Transport) claim(id string) (known, first bool) {
	t.pressMu.Lock()
	defer t.pressMu.Unlock()
	p := t.presses[id]
	if p == nil {
		return false, false
	}
	first = !p.answered
	p.answered = true
	return true, first
}

// pressed records that an update with press id is done, and reports
// whether the press still needs an answer: not when the update failed, as
// it is delivered again and answered then.
func (t *Transport) pressed(id string, err error) (answer bool) {
	t.pressMu.Lock()
	defer t.pressMu.Unlock()
	p := t.presses[id]
	if p == nil {
		return false
	}
	answer = err == nil && !p.answered
	p.answered = p.answered || answer
	if p.refs--; p.refs == 0 {
		delete(t.presses, id)
	}
	return answer
}

// answer answers button press id, with text as a toast if any. The call
// goes out in the background, alongside the reply that usually follows, so
// that neither the learner's spinner nor the chat's worker waits for the
// other.
func (t *Transport) answer(ctx context.Context, id, text string) {
	cfg := tgbotapi.NewCallback(id, truncate(text, maxNotice))
	ctx = context.WithoutCancel(ctx)
	go func() {
		if _, err := t.c.call(ctx, config("answerCallbackQuery", cfg)); err != nil {
			// An old or already answered query is expected after a restart.
			if codeOf(err) == http.StatusBadRequest {
				t.log.Debug("callback not answered", "err", err)
			} else {
				t.log.Warn("callback not answered", "err", err)
			}
		}
	}()
}

// submit hands u to sink; done runs when it is handled, after the button
// press (if any) is answered.
func (t *Transport) submit(ctx context.Context, sink bot.Sink, u bot.Update, done func(error)) {
	if u.CallbackID == "" {
		sink.Submit(ctx, u, done)
		return
	}
	t.pressing(u.CallbackID)
	sink.Submit(ctx, u, func(err error) {
		if t.pressed(u.CallbackID, err) {
			t.answer(ctx, u.CallbackID, "")
		}
		done(err)
	})
}

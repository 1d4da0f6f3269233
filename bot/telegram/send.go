package telegram

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/render"
)

const parseMode = tgbotapi.ModeHTML

// uploadTimeout bounds a call that uploads a file (bots may upload 50 MB).
const uploadTimeout = 5 * time.Minute

// Send implements bot.Sender. The reply is fitted to Telegram by
// bot/render (see Capabilities): text over the limit goes out in several
// messages, the keyboard on the last; a caption too long for a photo, video
// or document follows it as messages. It is rendered as HTML with an inline
// keyboard. The button press r answers (r.CallbackID) is acknowledged
// first, with r.Notice as its toast, if no earlier reply did; a press this
// process no longer knows (from before a restart) is too old to answer, so
// a notice for it is a line of text. The returned id is that of the last
// message sent or edited. A learner who blocked the bot is marked in the
// store, and the error wraps bot.ErrBlocked.
func (t *Transport) Send(ctx context.Context, chatID string, r bot.Reply) (string, error) {
	chat, err := strconv.ParseInt(chatID, 10, 64)
	if err != nil {
		return "", bot.Reject(fmt.Errorf("telegram: chat id %q is not a number", chatID))
	}
	if r.Typing {
		// Best effort: the indicator only says that an answer is coming.
		if _, err := t.c.call(ctx, config("sendChatAction", tgbotapi.NewChatAction(chat, tgbotapi.ChatTyping))); err != nil {
			t.log.Debug("typing indicator not shown", "err", err)
		}
		return "", nil
	}
	c := Capabilities()
	pressed := false
	if r.CallbackID != "" {
		var first bool
		if pressed, first = t.claim(r.CallbackID); first {
			t.answer(ctx, r.CallbackID, r.Notice)
		}
	}
	if !pressed {
		c.Toasts = false
	}
	id := r.EditID // nothing to show: only the toast, if any
	for _, m := range render.Fit(c, r, render.Options{}) {
		if m.Text == "" && m.Media == nil && m.File == nil && m.Buttons == nil {
			continue // the press's acknowledgement, answered above
		}
		sent, err := t.sendMessage(ctx, chat, m)
		if err != nil {
			return "", t.failed(ctx, chatID, err)
		}
		id = strconv.Itoa(sent)
	}
	return id, nil
}

// sendMessage sends or edits one fitted message and returns its id.
func (t *Transport) sendMessage(ctx context.Context, chat int64, m render.Message) (int, error) {
	markup, err := keyboard(m.Buttons)
	if err != nil {
		return 0, bot.Reject(err)
	}
	to := out{chat: chat}
	if id, err := strconv.Atoi(m.ReplyTo); err == nil && id > 0 && m.EditID == "" {
		to.replyTo = id
	}
	switch {
	case m.Media != nil:
		return t.sendMedia(ctx, to, m.Media, m.Text, markup)
	case m.File != nil:
		return t.sendDocument(ctx, to, m.File, m.Text, markup)
	case m.EditID != "":
		return t.edit(ctx, chat, m, markup)
	}
	return t.message(ctx, to, m.Text, markup)
}

// out is where new messages go: a chat, and the message they answer (0:
// none).
type out struct {
	chat    int64
	replyTo int
}

// base is the common part of the library's send configs.
func (o out) base(markup *tgbotapi.InlineKeyboardMarkup) tgbotapi.BaseChat {
	b := tgbotapi.BaseChat{ChatID: o.chat, ReplyToMessageID: o.replyTo}
	// The message goes out anyway if the one it answers was deleted.
	b.AllowSendingWithoutReply = o.replyTo != 0
	if markup != nil {
		b.ReplyMarkup = markup
	}
	return b
}

// failed turns a 403 into bot.ErrBlocked, after marking the learner.
func (t *Transport) failed(ctx context.Context, chatID string, err error) error {
	if codeOf(err) != http.StatusForbidden {
		return fmt.Errorf("send to chat %s: %w", chatID, err)
	}
	if t.opt.Store != nil {
		if merr := t.opt.Store.MarkBlocked(context.WithoutCancel(ctx), Platform, chatID); merr != nil {
			t.log.Warn("mark learner blocked", "chat", chatID, "err", merr)
		}
	}
	return fmt.Errorf("send to chat %s: %w (%v)", chatID, bot.ErrBlocked, err)
}

func keyboard(rows [][]bot.Button) (*tgbotapi.InlineKeyboardMarkup, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	m := &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: make([][]tgbotapi.InlineKeyboardButton, 0, len(rows))}
	for _, row := range rows {
		out := make([]tgbotapi.InlineKeyboardButton, 0, len(row))
		for _, b := range row {
			label := b.Label
			if label == "" {
				label = "·" // Telegram rejects empty labels
			}
			switch {
			case b.URL != "":
				out = append(out, tgbotapi.NewInlineKeyboardButtonURL(label, b.URL))
			case len(b.Data) > maxData:
				return nil, fmt.Errorf("button %q: callback data is %d bytes, Telegram allows %d", b.Label, len(b.Data), maxData)
			default:
				out = append(out, tgbotapi.NewInlineKeyboardButtonData(label, b.Data))
			}
		}
		if len(out) > 0 {
			m.InlineKeyboard = append(m.InlineKeyboard, out)
		}
	}
	return m, nil
}

// limited returns the rate-limit wait run before each attempt of a call.
func (t *Transport) limited(chat int64, k kind) func(context.Context) error {
	return func(ctx context.Context) error { return t.lim.wait(ctx, chat, k) }
}

// send makes a call that sends or edits a message in chat, under the rate
// limits of k, and returns the message.
func (t *Transport) send(ctx context.Context, chat int64, k kind, r request) (tgbotapi.Message, error) {
	r.wait = t.limited(chat, k)
	var m tgbotapi.Message
	res, err := t.c.call(ctx, r)
	if err != nil {
		return m, err
	}
	return m, decode(r.method, res, &m)
}

func (t *Transport) message(ctx context.Context, to out, text string, markup *tgbotapi.InlineKeyboardMarkup) (int, error) {
	cfg := tgbotapi.MessageConfig{BaseChat: to.base(markup), Text: escapeHTML(text), ParseMode: parseMode}
	m, err := t.send(ctx, to.chat, kindSend, config("sendMessage", cfg))
	if err != nil && codeOf(err) == http.StatusBadRequest && descriptionHas(err, "parse entities") {
		// Should not happen with escaped text; plain text is better than
		// nothing.
		cfg.Text, cfg.ParseMode = text, ""
		m, err = t.send(ctx, to.chat, kindSend, config("sendMessage", cfg))
	}
	return m.MessageID, err
}

// edit replaces the text and keyboard of message m.EditID. If Telegram
// cannot edit it (too old, deleted, a photo), m is sent as a new message
// instead.
func (t *Transport) edit(ctx context.Context, chat int64, m render.Message, markup *tgbotapi.InlineKeyboardMarkup) (int, error) {
	msgID, err := strconv.Atoi(m.EditID)
	if err != nil {
		return t.message(ctx, out{chat: chat}, m.Text, markup)
	}
	if m.Text == "" {
		if markup == nil {
			markup = &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
		}
		cfg := tgbotapi.NewEditMessageReplyMarkup(chat, msgID, *markup)
		_, err := t.send(ctx, chat, kindEdit, config("editMessageReplyMarkup", cfg))
		if err != nil && !notModified(err) {
			return 0, err
		}
		return msgID, nil
	}
	cfg := tgbotapi.NewEditMessageText(chat, msgID, escapeHTML(m.Text))
	cfg.ParseMode = parseMode
	cfg.ReplyMarkup = markup
	_, err = t.send(ctx, chat, kindEdit, config("editMessageText", cfg))
	switch {
	case err == nil || notModified(err):
		return msgID, nil
	case codeOf(err) == http.StatusBadRequest:
		t.log.Debug("edit failed, sending instead", "chat", chat, "err", err)
		return t.message(ctx, out{chat: chat}, m.Text, markup)
	}
	return 0, err
}

func notModified(err error) bool {
	return codeOf(err) == http.StatusBadRequest && descriptionHas(err, "not modified")
}

// sendMedia sends a photo or a video, from its cached file_id when Telegram
// has seen it before, with caption and markup.
func (t *Transport) sendMedia(ctx context.Context, to out, m *bot.Media, caption string, markup *tgbotapi.InlineKeyboardMarkup) (int, error) {
	src, key, cached, err := t.source(ctx, m)
	if err != nil {
		return 0, err
	}
	sent, err := t.sendFile(ctx, to, m.Kind, src, caption, markup, m.Start)
	if err != nil && cached && codeOf(err) == http.StatusBadRequest {
		// Telegram forgot the file (or it came from another bot): send the
		// original again.
		if ferr := t.opt.Store.ForgetMediaID(ctx, Platform, key); ferr != nil {
			t.log.Warn("forget file id", "err", ferr)
		}
		var fresh string
		if src, fresh, cached, err = t.sourceFresh(m); err == nil {
			if m.Key == "" {
				key = fresh
			}
			sent, err = t.sendFile(ctx, to, m.Kind, src, caption, markup, m.Start)
		}
	}
	if err != nil {
		return 0, err
	}
	if !cached && key != "" && t.opt.Store != nil {
		if id := fileID(sent); id != "" {
			if err := t.opt.Store.SaveMediaID(ctx, Platform, key, id); err != nil {
				t.log.Warn("cache file id", "err", err)
			}
		}
	}
	return sent.MessageID, nil
}

// fileID is the file_id of the file message m carries.
func fileID(m tgbotapi.Message) string {
	switch {
	case len(m.Photo) > 0:
		return m.Photo[len(m.Photo)-1].FileID // the largest size
	case m.Video != nil:
		return m.Video.FileID
	case m.Document != nil:
		return m.Document.FileID
	}
	return ""
}

// sendFile sends one photo, video or document.
func (t *Transport) sendFile(ctx context.Context, to out, kind string, src tgbotapi.RequestFileData, caption string, markup *tgbotapi.InlineKeyboardMarkup, start time.Duration) (tgbotapi.Message, error) {
	base := tgbotapi.BaseFile{BaseChat: to.base(markup), File: src}
	pm := ""
	if caption != "" {
		caption, pm = escapeHTML(caption), parseMode
	}
	var r request
	switch {
	case kind == "photo":
		r = config("sendPhoto", tgbotapi.PhotoConfig{BaseFile: base, Caption: caption, ParseMode: pm})
	case kind == "video" && start >= time.Second:
		// start_timestamp is newer than the library.
		p := tgbotapi.Params{"chat_id": strconv.FormatInt(to.chat, 10), "supports_streaming": "true",
			"start_timestamp": strconv.Itoa(int(start / time.Second))}
		p.AddNonEmpty("caption", caption)
		p.AddNonEmpty("parse_mode", pm)
		p.AddNonZero("reply_to_message_id", to.replyTo)
		p.AddBool("allow_sending_without_reply", to.replyTo != 0)
		if err := p.AddInterface("reply_markup", markup); err != nil {
			return tgbotapi.Message{}, fmt.Errorf("encode keyboard: %w", err)
		}
		r = params("sendVideo", p, tgbotapi.RequestFile{Name: "video", Data: src})
	case kind == "video":
		r = config("sendVideo", tgbotapi.VideoConfig{BaseFile: base, Caption: caption, ParseMode: pm, SupportsStreaming: true})
	default:
		r = config("sendDocument", tgbotapi.DocumentConfig{BaseFile: base, Caption: caption, ParseMode: pm})
	}
	if src.NeedsUpload() {
		r.timeout = uploadTimeout
	}
	return t.send(ctx, to.chat, kindSend, r)
}

// sendDocument sends f: its bytes, or Telegram's own file by its id.
func (t *Transport) sendDocument(ctx context.Context, to out, f *bot.File, caption string, markup *tgbotapi.InlineKeyboardMarkup) (int, error) {
	var src tgbotapi.RequestFileData = tgbotapi.FileBytes{Name: filepath.Base(f.Name), Bytes: f.Data}
	if len(f.Data) == 0 && f.ID != "" {
		src = tgbotapi.FileID(f.ID)
	}
	sent, err := t.sendFile(ctx, to, "document", src, caption, markup, 0)
	if err != nil {
		return 0, err
	}
	return sent.MessageID, nil
}

// fileStamp identifies a version of a local file cheaply.
type fileStamp struct {
	path string
	size int64
	mod  time.Time
}

// source locates a medium for Telegram: its cached file_id, else its URL or
// its bytes. key names it in the file_id cache ("" when not cached).
func (t *Transport) source(ctx context.Context, m *bot.Media) (src tgbotapi.RequestFileData, key string, cached bool, err error) {
	if m.ID != "" {
		return tgbotapi.FileID(m.ID), "", false, nil // Telegram's own: nothing to cache
	}
	if t.opt.Store == nil {
		src, _, _, err = t.sourceFresh(m)
		return src, "", false, err
	}
	switch {
	case m.Key != "":
		// A name the flows gave the file (a clip's content address).
		key = m.Kind + ":" + m.Key
		id, err := t.opt.Store.MediaID(ctx, Platform, key)
		if err != nil {
			t.log.Warn("read file id cache", "err", err)
		} else if id != "" {
			return tgbotapi.FileID(id), key, true, nil
		}
		src, _, _, err = t.sourceFresh(m)
		return src, key, false, err
	case m.URL != "":
		key = m.Kind + ":url:" + m.URL
	case m.File != "":
		fi, err := os.Stat(m.File)
		if err != nil {
			return nil, "", false, fmt.Errorf("media file: %w", err)
		}
		stamp := fileStamp{m.File, fi.Size(), fi.ModTime()}
		t.memoMu.Lock()
		sum, ok := t.memo[stamp]
		t.memoMu.Unlock()
		if ok {
			key = m.Kind + ":sha256:" + sum
		}
	default:
		return nil, "", false, errors.New("media without URL or file")
	}
	if key != "" {
		id, err := t.opt.Store.MediaID(ctx, Platform, key)
		if err != nil {
			t.log.Warn("read file id cache", "err", err)
		} else if id != "" {
			return tgbotapi.FileID(id), key, true, nil
		}
	}
	src, key, _, err = t.sourceFresh(m)
	if err != nil || m.URL != "" {
		return src, key, false, err
	}
	// A local file seen for the first time in this process: it may still
	// be cached under its content hash.
	if id, err := t.opt.Store.MediaID(ctx, Platform, key); err == nil && id != "" {
		return tgbotapi.FileID(id), key, true, nil
	}
	return src, key, false, nil
}

// sourceFresh locates a medium without the cache: by URL, or by reading the
// local file (and remembering its hash).
func (t *Transport) sourceFresh(m *bot.Media) (tgbotapi.RequestFileData, string, bool, error) {
	if m.URL != "" {
		return tgbotapi.FileURL(m.URL), m.Kind + ":url:" + m.URL, false, nil
	}
	f, err := os.Open(m.File)
	if err != nil {
		return nil, "", false, fmt.Errorf("media file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, "", false, fmt.Errorf("media file: %w", err)
	}
	data := make([]byte, fi.Size())
	if _, err := f.ReadAt(data, 0); err != nil {
		return nil, "", false, fmt.Errorf("read media file: %w", err)
	}
	h := sha256.Sum256(data)
	sum := hex.EncodeToString(h[:])
	t.memoMu.Lock()
	t.memo[fileStamp{m.File, fi.Size(), fi.ModTime()}] = sum
	t.memoMu.Unlock()
	return tgbotapi.FileBytes{Name: filepath.Base(m.File), Bytes: data}, m.Kind + ":sha256:" + sum, false, nil
}

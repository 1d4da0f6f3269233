package whatsapp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/render"
)

// The Cloud API's limits (characters).
const (
	maxText        = 4096
	maxBody        = 1024 // interactive body
	maxCaption     = 1024
	maxButtons     = 3
	maxButtonTitle = 20
	maxRows        = 10
	maxRowTitle    = 24
	maxRowDesc     = 72
	maxListButton  = 20
	maxVideo       = 16 << 20
	maxImage       = 5 << 20
)

// message is a request to /messages.
type message map[string]any

// Send implements bot.Sender. The reply is fitted to WhatsApp by
// bot/render (see Capabilities): no edits, so an edit is a new message;
// no toasts, so a notice is a line of text; up to 3 reply buttons, else
// lists; links in the text; long text split. Media go by uploaded id,
// cached by content, or, for a medium with a key (a lesson's clip), by its
// key in the media store, so that it is uploaded once. The returned id is
// the last message's wamid; a reply that shows nothing here sends nothing
// and returns r.EditID.
func (t *Transport) Send(ctx context.Context, chatID string, r bot.Reply) (string, error) {
	if r.Typing {
		t.typing(ctx, chatID)
		return "", nil
	}
	if r.Template != nil {
		if err := t.admit(chatID, 1); err != nil {
			return "", err
		}
		return t.send(ctx, chatID, template(r.Template))
	}
	msgs, err := t.render(ctx, chatID, render.Fit(Capabilities(), r, render.Options{}))
	if err != nil {
		return "", err
	}
	if len(msgs) == 0 {
		return r.EditID, nil
	}
	// The learner's pair rate is taken for the whole reply at once, so
	// that it is not cut halfway.
	if err := t.admit(chatID, len(msgs)); err != nil {
		return "", err
	}
	// The last message carries the reply's reference: WhatsApp's status
	// for it confirms the whole reply (bot.ConfirmStore).
	if ref := bot.RefOf(ctx); ref != "" && len(msgs) > 0 {
		msgs[len(msgs)-1]["biz_opaque_callback_data"] = ref
	}
	id := ""
	for i, m := range msgs {
		for try := 0; ; try++ {
			id, err = t.send(ctx, chatID, m)
			if err == nil {
				break
			}
			// Once part of the reply is out, sending it all again later
			// would repeat that part: the rest waits here for the pair
			// rate instead.
			wait := bot.RecipientRetryIn(err)
			if i == 0 || wait <= 0 || wait > time.Minute || try >= 2 {
				return "", err
			}
			t.log.Debug("pair rate hit halfway through a reply; waiting", "chat", chatID, "in", wait)
			select {
			case <-ctx.Done():
				return "", err
			case <-time.After(wait):
			}
			t.mu.Lock()
			delete(t.paced, chatID)
			t.mu.Unlock()
		}
	}
	return id, nil
}

// send sends one message to chat and returns its wamid. The caller has
// taken the learner's pair rate (admit).
func (t *Transport) send(ctx context.Context, chat string, m message) (string, error) {
	if err := t.wait(ctx); err != nil {
		return "", err
	}
	m["messaging_product"] = "whatsapp"
	m["recipient_type"] = "individual"
	if isUserID(chat) {
		m["recipient"] = chat
	} else {
		m["to"] = chat
	}
	var res sendResult
	err := t.c.post(ctx, "messages", m, &res)
	t.answered(chat)
	if err != nil {
		return "", t.failed(ctx, chat, err)
	}
	return res.id(), nil
}

// isUserID tells a business-scoped user id ("IT.1502576394655843") from a
// phone number.
func isUserID(chat string) bool { return strings.Contains(chat, ".") }

// render turns fitted messages into requests to /messages.
func (t *Transport) render(ctx context.Context, chat string, fitted []render.Message) ([]message, error) {
	out := make([]message, 0, len(fitted))
	listButton := ""
	for _, m := range fitted {
		switch {
		case m.Media != nil || m.File != nil:
			kind, obj, err := t.mediaObject(ctx, m.Media, m.File)
			if err != nil {
				return nil, err
			}
			switch {
			case len(m.Buttons) > 0:
				// The medium heads a message with the buttons, so
				// that the learner gets one message, not two.
				var header map[string]any
				if obj != nil {
					header = map[string]any{"type": kind, kind: obj}
				}
				out = append(out, buttonsMessage(header, m))
			case obj != nil:
				if m.Text != "" {
					obj["caption"] = m.Text
				}
				out = append(out, message{"type": kind, kind: obj})
			case m.Text != "":
				out = append(out, text(m.Text))
			}
		case len(m.Buttons) > 0:
			out = append(out, buttonsMessage(nil, m))
		case m.List != nil:
			if listButton == "" {
				listButton = t.listButton(ctx, chat, m.List.Button)
			}
			rows := make([]any, 0, len(m.List.Rows))
			for _, r := range m.List.Rows {
				row := map[string]any{"id": r.ID, "title": r.Title}
				if r.Description != "" {
					row["description"] = r.Description
				}
				rows = append(rows, row)
			}
			out = append(out, message{"type": "interactive", "interactive": map[string]any{
				"type": "list", "body": map[string]any{"text": m.Text},
				"action": map[string]any{"button": listButton, "sections": []any{map[string]any{"rows": rows}}},
			}})
		case m.Text != "":
			out = append(out, text(m.Text))
		}
	}
	return out, nil
}

// buttonsMessage is an interactive message with m's text and reply
// buttons, under header (a photo, video or document) if it is not nil.
func buttonsMessage(header map[string]any, m render.Message) message {
	var buttons []any
	for _, row := range m.Buttons {
		for _, b := range row {
			buttons = append(buttons, map[string]any{"type": "reply", "reply": map[string]any{"id": b.Data, "title": b.Label}})
		}
	}
	body := m.Text
	if body == "" {
		body = "…" // the body is required; a medium with buttons may have no caption
	}
	in := map[string]any{"type": "button", "body": map[string]any{"text": body}, "action": map[string]any{"buttons": buttons}}
	if header != nil {
		in["header"] = header
	}
	return message{"type": "interactive", "interactive": in}
}

// text is a text message; a link in it gets a preview.
func text(body string) message {
	return message{"type": "text", "text": map[string]any{"body": body, "preview_url": strings.Contains(body, "https://")}}
}

// listButton is the label of the button that opens a list, in the
// learner's language, or def.
func (t *Transport) listButton(ctx context.Context, chat, def string) string {
	if t.opt.Texts == nil {
		return def
	}
	lang := ""
	if t.opt.Store != nil {
		lang, _ = t.opt.Store.LearnerLocale(ctx, Platform, chat)
	}
	return render.Truncate(strings.TrimSpace(t.opt.Texts.T(lang, "wa_list_button", nil)), maxListButton, false)
}

// mediaObject locates a reply's medium: an uploaded media id (uploaded
// now, or before and cached), or a link. A medium that WhatsApp cannot
// show (another platform's file id) gives nil.
func (t *Transport) mediaObject(ctx context.Context, m *bot.Media, f *bot.File) (string, map[string]any, error) {
	if f != nil {
		if len(f.Data) == 0 {
			return "", nil, nil // another platform's file
		}
		name := filepath.Base(f.Name)
		id, err := t.uploadCached(ctx, "document", name, mimeOf(name, "application/octet-stream"), f.Data)
		if err != nil {
			return "", nil, err
		}
		return "document", map[string]any{"id": id, "filename": name}, nil
	}
	kind := "image"
	if m.Kind == "video" {
		kind = "video"
	}
	switch {
	case m.File != "" && m.Key != "":
		// A clip: uploaded once per key, then sent by its id.
		key := kind + ":" + t.opt.PhoneNumberID + ":" + m.Key
		if id := t.mediaID(ctx, key); id != "" {
			return kind, map[string]any{"id": id}, nil
		}
		data, err := os.ReadFile(m.File)
		if err != nil {
			return "", nil, fmt.Errorf("media file: %w", err)
		}
		name := filepath.Base(m.File)
		if len(data) > map[string]int{"image": maxImage, "video": maxVideo}[kind] {
			t.log.Warn("medium too large for WhatsApp, not sent", "file", name, "bytes", len(data))
			return "", nil, nil
		}
		id, err := t.upload(ctx, key, name, mimeOf(name, map[string]string{"image": "image/jpeg", "video": "video/mp4"}[kind]), data, true)
		if err != nil {
			return "", nil, err
		}
		return kind, map[string]any{"id": id}, nil
	case m.File != "":
		data, err := os.ReadFile(m.File)
		if err != nil {
			return "", nil, fmt.Errorf("media file: %w", err)
		}
		name := filepath.Base(m.File)
		limit := maxImage
		if kind == "video" {
			limit = maxVideo
		}
		if len(data) > limit {
			t.log.Warn("medium too large for WhatsApp, not sent", "file", name, "bytes", len(data))
			return "", nil, nil
		}
		def := "image/jpeg"
		if kind == "video" {
			def = "video/mp4"
		}
		id, err := t.uploadCached(ctx, kind, name, mimeOf(name, def), data)
		if err != nil {
			return "", nil, err
		}
		return kind, map[string]any{"id": id}, nil
	case m.URL != "":
		return kind, map[string]any{"link": m.URL}, nil
	}
	return "", nil, nil // another platform's file id
}

func mimeOf(name, def string) string {
	if t := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return t
	}
	return def
}

// uploadCached uploads data once per content and returns its media id.
func (t *Transport) uploadCached(ctx context.Context, kind, name, mimeType string, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	key := kind + ":sha256:" + hex.EncodeToString(sum[:])
	t.mu.Lock()
	c, ok := t.media[key]
	t.mu.Unlock()
	if ok && t.opt.Now().Sub(c.at) < mediaTTL {
		return c.id, nil
	}
	return t.upload(ctx, key, name, mimeType, data, false)
}

// mediaID returns the id of the upload named by key while WhatsApp keeps
// it: from memory, or from the media store; "" for none.
func (t *Transport) mediaID(ctx context.Context, key string) string {
	now := t.opt.Now()
	t.mu.Lock()
	c, ok := t.media[key]
	t.mu.Unlock()
	if ok && now.Sub(c.at) < mediaTTL {
		return c.id
	}
	if t.opt.Media == nil {
		return ""
	}
	id, at, err := t.opt.Media.MediaUpload(ctx, Platform, key)
	if err != nil {
		t.log.Warn("read media id", "err", err)
		return ""
	}
	if id == "" || now.Sub(at) >= mediaTTL {
		return ""
	}
	t.mu.Lock()
	t.media[key] = cached{id: id, at: at}
	t.mu.Unlock()
	return id
}

// upload uploads data and keeps its media id under key, in memory and,
// with store, in the media store.
func (t *Transport) upload(ctx context.Context, key, name, mimeType string, data []byte, store bool) (string, error) {
	if e := t.fatal.Load(); e != nil {
		return "", e
	}
	id, err := t.c.upload(ctx, name, mimeType, data)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Fatal() {
			t.stop(e)
		}
		return "", fmt.Errorf("upload %s: %w", name, err)
	}
	now := t.opt.Now()
	t.mu.Lock()
	t.media[key] = cached{id: id, at: now}
	t.mu.Unlock()
	if store && t.opt.Media != nil {
		if err := t.opt.Media.SaveMediaUpload(ctx, Platform, key, id, now); err != nil {
			t.log.Warn("keep media id", "err", err)
		}
	}
	return id, nil
}

// typing marks the chat's last message read and shows the typing
// indicator (for 25 seconds, or until the next message). Best effort.
func (t *Transport) typing(ctx context.Context, chat string) {
	t.mu.Lock()
	id := t.lastIn[chat]
	t.mu.Unlock()
	if id == "" || t.fatal.Load() != nil {
		return
	}
	t.read(ctx, id, true)
}

// read marks message id read, with the typing indicator if asked.
func (t *Transport) read(ctx context.Context, id string, typing bool) {
	m := message{"messaging_product": "whatsapp", "status": "read", "message_id": id}
	if typing {
		m["typing_indicator"] = map[string]any{"type": "text"}
	}
	if err := t.c.post(ctx, "messages", m, nil); err != nil {
		t.log.Debug("read receipt not sent", "err", err)
	}
}

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
	"unicode/utf8"

	"github.com/bottega-app/bottega/bot"
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

// Send implements bot.Sender. WhatsApp cannot edit a message, so a reply
// that would edit one is sent as a new message; a reply that only changes
// buttons, or only shows a toast, sends nothing. Buttons become up to 3
// reply buttons, or a list of up to 10 rows (more rows: several lists);
// link buttons become lines of the text. Text over the limits is split at
// paragraphs, the buttons going with the last part. Media go by uploaded
// id, cached by content, or, for a medium with a key (a lesson's clip), by
// its key in the media store, so that it is uploaded once; a caption that
// cannot carry the buttons or is too long follows as a message. The
// returned id is the last message's wamid.
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
	var data []bot.Button
	var links []string
	for _, row := range r.Buttons {
		for _, b := range row {
			switch {
			case b.URL != "":
				links = append(links, b.Label+": "+b.URL)
			case b.Data != "":
				data = append(data, b)
			}
		}
	}
	text := strings.TrimSpace(r.Text)
	if len(links) > 0 {
		text = strings.TrimSpace(text + "\n\n" + strings.Join(links, "\n"))
	}
	if text == "" && r.Media == nil && r.File == nil {
		if len(data) == 0 || r.EditID != "" {
			return r.EditID, nil // a toast, or buttons taken off a message
		}
	}
	msgs, err := t.render(ctx, chatID, text, data, r)
	if err != nil {
		return "", err
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

// render turns a reply into WhatsApp messages.
func (t *Transport) render(ctx context.Context, chat, text string, data []bot.Button, r bot.Reply) ([]message, error) {
	var out []message
	if r.Media != nil || r.File != nil {
		m, rest, err := t.mediaMessage(ctx, r, text, len(data) == 0)
		if err != nil {
			return nil, err
		}
		if m != nil {
			out = append(out, m)
			text = rest
		}
	}
	if len(data) == 0 {
		for _, p := range split(text, maxText) {
			out = append(out, message{"type": "text", "text": map[string]any{"body": p, "preview_url": strings.Contains(p, "https://")}})
		}
		return out, nil
	}
	// The text goes in messages of its own up to its last part, which
	// carries the buttons as an interactive message's body.
	parts := split(text, maxText)
	last := ""
	if len(parts) > 0 {
		last = parts[len(parts)-1]
		parts = parts[:len(parts)-1]
		if utf8.RuneCountInString(last) > maxBody {
			more := split(last, maxBody)
			parts = append(parts, strings.Join(more[:len(more)-1], "\n\n"))
			last = more[len(more)-1]
		}
	}
	for _, p := range parts {
		out = append(out, message{"type": "text", "text": map[string]any{"body": p}})
	}
	if last == "" {
		last = "👇"
	}
	return append(out, t.interactive(ctx, chat, last, data)...), nil
}

// interactive renders buttons: reply buttons when there are at most 3 with
// short enough labels, else lists of at most 10 rows.
func (t *Transport) interactive(ctx context.Context, chat, body string, data []bot.Button) []message {
	fits := len(data) <= maxButtons
	for _, b := range data {
		if utf8.RuneCountInString(b.Label) > maxButtonTitle {
			fits = false
		}
	}
	if fits {
		buttons := make([]any, 0, len(data))
		for _, b := range dedupe(data) {
			buttons = append(buttons, map[string]any{"type": "reply", "reply": map[string]any{"id": b.Data, "title": label(b.Label, maxButtonTitle)}})
		}
		return []message{{"type": "interactive", "interactive": map[string]any{
			"type": "button", "body": map[string]any{"text": body}, "action": map[string]any{"buttons": buttons},
		}}}
	}
	button := t.listButton(ctx, chat)
	var out []message
	data = dedupe(data)
	for i := 0; i < len(data); i += maxRows {
		chunk := data[i:min(i+maxRows, len(data))]
		rows := make([]any, 0, len(chunk))
		for _, b := range chunk {
			row := map[string]any{"id": b.Data, "title": label(b.Label, maxRowTitle)}
			if utf8.RuneCountInString(b.Label) > maxRowTitle {
				row["description"] = label(b.Label, maxRowDesc)
			}
			rows = append(rows, row)
		}
		if i > 0 {
			body = "…"
		}
		out = append(out, message{"type": "interactive", "interactive": map[string]any{
			"type": "list", "body": map[string]any{"text": body},
			"action": map[string]any{"button": button, "sections": []any{map[string]any{"rows": rows}}},
		}})
	}
	return out
}

// dedupe drops buttons whose data repeats an earlier one's: WhatsApp wants
// unique ids.
func dedupe(bs []bot.Button) []bot.Button {
	seen := map[string]bool{}
	out := bs[:0:0]
	for _, b := range bs {
		if !seen[b.Data] {
			seen[b.Data] = true
			out = append(out, b)
		}
	}
	return out
}

// listButton is the label of the button that opens a list, in the
// learner's language.
func (t *Transport) listButton(ctx context.Context, chat string) string {
	lang := ""
	if t.opt.Store != nil {
		lang, _ = t.opt.Store.LearnerLocale(ctx, Platform, chat)
	}
	if t.opt.Texts == nil {
		return "☰"
	}
	return label(t.opt.Texts.T(lang, "wa_list_button", nil), maxListButton)
}

// label fits s into n characters, with an ellipsis when cut.
func label(s string, n int) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "·"
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// split cuts text into parts of at most n characters, at paragraphs, then
// lines, then spaces where it can.
func split(text string, n int) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	var out []string
	for utf8.RuneCountInString(text) > n {
		r := []rune(text)
		head := string(r[:n])
		cut := -1
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(head, sep); i > len(head)/3 {
				cut = i
				break
			}
		}
		if cut < 0 {
			cut = len(head)
		}
		out = append(out, strings.TrimSpace(text[:cut]))
		text = strings.TrimSpace(text[cut:])
	}
	if text != "" {
		out = append(out, text)
	}
	return out
}

// mediaMessage renders a photo, a video or a document; rest is the text
// still to send. The text is the caption when it fits and no buttons must
// follow (a media message cannot carry them).
func (t *Transport) mediaMessage(ctx context.Context, r bot.Reply, text string, captionOK bool) (message, string, error) {
	kind, obj, err := t.mediaObject(ctx, r)
	if err != nil {
		return nil, "", err
	}
	if obj == nil {
		return nil, text, nil
	}
	rest := text
	if captionOK && text != "" && utf8.RuneCountInString(text) <= maxCaption {
		obj["caption"] = text
		rest = ""
	}
	return message{"type": kind, kind: obj}, rest, nil
}

// mediaObject locates a reply's medium: an uploaded media id (uploaded
// now, or before and cached), or a link. A medium that WhatsApp cannot
// show (another platform's file id) gives nil.
func (t *Transport) mediaObject(ctx context.Context, r bot.Reply) (string, map[string]any, error) {
	if f := r.File; f != nil {
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
	m := r.Media
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

package whatsapptest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Sign is the X-Hub-Signature-256 of body with the app secret.
func Sign(appSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Item is something WhatsApp tells the bot in a webhook: a user's message
// (Inbound) or a message status (Status).
type Item interface {
	value() map[string]any
}

// Inbound is a message from a user.
type Inbound struct {
	// ID is the message's wamid, the key the bot dedupes on.
	ID string
	// From is the user's phone number, "" for a user known only by a
	// business-scoped user id.
	From   string
	UserID string
	Name   string
	At     time.Time
	msg    map[string]any
}

func (in Inbound) value() map[string]any {
	contact := map[string]any{"profile": map[string]any{"name": in.Name}}
	if in.From != "" {
		contact["wa_id"] = in.From
	}
	if in.UserID != "" {
		contact["user_id"] = in.UserID
	}
	msg := map[string]any{"id": in.ID, "timestamp": strconv.FormatInt(in.At.Unix(), 10)}
	if in.From != "" {
		msg["from"] = in.From
	}
	if in.UserID != "" {
		msg["from_user_id"] = in.UserID
	}
	for k, v := range in.msg {
		msg[k] = v
	}
	return map[string]any{
		"messaging_product": "whatsapp",
		"metadata":          metadata(),
		"contacts":          []any{contact},
		"messages":          []any{msg},
	}
}

func metadata() map[string]any {
	return map[string]any{"display_phone_number": DisplayNumber, "phone_number_id": PhoneNumberID}
}

// Status is what became of a message the bot sent.
type Status struct {
	ID        string
	Recipient string
	// Status is sent, delivered, read or failed.
	Status string
	At     time.Time
	// Code is the error of a failed message.
	Code int
	// Ref is the biz_opaque_callback_data the message was sent with.
	Ref string
}

func (st Status) value() map[string]any {
	v := map[string]any{
		"id":           st.ID,
		"status":       st.Status,
		"timestamp":    strconv.FormatInt(st.At.Unix(), 10),
		"recipient_id": st.Recipient,
	}
	if st.Ref != "" {
		v["biz_opaque_callback_data"] = st.Ref
	}
	if st.Status == "sent" || st.Status == "delivered" {
		v["pricing"] = map[string]any{"billable": true, "pricing_model": "PMP", "category": "service", "type": "free_customer_service"}
	}
	if st.Code != 0 {
		info := errorInfo[st.Code]
		v["errors"] = []any{map[string]any{
			"code":       st.Code,
			"title":      info.msg,
			"message":    info.msg,
			"error_data": map[string]any{"details": info.det},
			"href":       "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
		}}
	}
	return map[string]any{
		"messaging_product": "whatsapp",
		"metadata":          metadata(),
		"statuses":          []any{v},
	}
}

// inbound makes a message from user (a phone number, or a business-scoped
// user id like "IT.1234" for a user without one) and opens their window.
func (s *Server) inbound(user, name string, msg map[string]any) Inbound {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inSeq++
	in := Inbound{Name: name, At: s.now(), msg: msg}
	if isUserID(user) {
		in.UserID = user
	} else {
		in.From = user
	}
	in.ID = "wamid." + base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "HBgM%s%016dIN", user, s.inSeq))
	s.lastIn[user] = in.At
	return in
}

// isUserID tells a business-scoped user id ("IT.1502576394655843") from a
// phone number.
func isUserID(user string) bool {
	for i := 0; i < len(user); i++ {
		if user[i] == '.' {
			return true
		}
	}
	return false
}

// Text is a text message from user.
func (s *Server) Text(user, name, text string) Inbound {
	return s.inbound(user, name, map[string]any{"type": "text", "text": map[string]any{"body": text}})
}

// ButtonReply is a press on reply button id (title) of the bot's message
// replyTo.
func (s *Server) ButtonReply(user, name, replyTo, id, title string) Inbound {
	return s.inbound(user, name, map[string]any{
		"type":        "interactive",
		"context":     map[string]any{"from": DisplayNumber, "id": replyTo},
		"interactive": map[string]any{"type": "button_reply", "button_reply": map[string]any{"id": id, "title": title}},
	})
}

// ListReply is the choice of row id (title) in the list of the bot's
// message replyTo.
func (s *Server) ListReply(user, name, replyTo, id, title string) Inbound {
	return s.inbound(user, name, map[string]any{
		"type":        "interactive",
		"context":     map[string]any{"from": DisplayNumber, "id": replyTo},
		"interactive": map[string]any{"type": "list_reply", "list_reply": map[string]any{"id": id, "title": title}},
	})
}

// TemplateReply is a press on a quick-reply button of a template message.
func (s *Server) TemplateReply(user, name, replyTo, payload, text string) Inbound {
	return s.inbound(user, name, map[string]any{
		"type":    "button",
		"context": map[string]any{"from": DisplayNumber, "id": replyTo},
		"button":  map[string]any{"payload": payload, "text": text},
	})
}

// Media is a voice note ("audio" with voice set), an image, a video or a
// document from user.
func (s *Server) Media(user, name, kind string) Inbound {
	s.mu.Lock()
	s.inSeq++
	id := strconv.Itoa(800000000000000 + s.inSeq)
	s.mu.Unlock()
	obj := map[string]any{"id": id, "sha256": "dGVzdA==", "mime_type": map[string]string{
		"audio": "audio/ogg; codecs=opus", "image": "image/jpeg", "video": "video/mp4", "document": "application/pdf",
	}[kind]}
	switch kind {
	case "audio":
		obj["voice"] = true
	case "document":
		obj["filename"] = "listino.pdf"
	}
	return s.inbound(user, name, map[string]any{"type": kind, kind: obj})
}

// Payload is one webhook body carrying items, each in an entry of its own,
// serialised as Meta does (non-ASCII characters and "/" escaped).
func Payload(items ...Item) []byte {
	entries := make([]any, 0, len(items))
	for _, it := range items {
		entries = append(entries, map[string]any{
			"id":      AccountID,
			"changes": []any{map[string]any{"value": it.value(), "field": "messages"}},
		})
	}
	return marshal(map[string]any{"object": "whatsapp_business_account", "entry": entries})
}

// Changes is one webhook body carrying items as the changes of one entry.
func Changes(items ...Item) []byte {
	changes := make([]any, 0, len(items))
	for _, it := range items {
		changes = append(changes, map[string]any{"value": it.value(), "field": "messages"})
	}
	return marshal(map[string]any{"object": "whatsapp_business_account", "entry": []any{
		map[string]any{"id": AccountID, "changes": changes},
	}})
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	return Escape(b)
}

// Escape rewrites JSON as Meta serialises it: every non-ASCII character as
// \uXXXX (UTF-16, with surrogate pairs) and "/" as "\/". Both occur only
// inside strings, so the JSON means the same; the bytes, and so the
// signature, differ from Go's.
func Escape(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '/':
			out = append(out, '\\', '/')
			i++
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, n := utf8.DecodeRune(b[i:])
			i += n
			if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
				out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
			} else {
				out = fmt.Appendf(out, `\u%04x`, r)
			}
		}
	}
	return out
}

// Deliver posts body to the webhook, signed, and returns the HTTP status.
func (s *Server) Deliver(ctx context.Context, body []byte) (int, error) {
	return s.post(ctx, body, true)
}

// Push posts items in one signed webhook (a batch when there are several).
func (s *Server) Push(ctx context.Context, items ...Item) (int, error) {
	return s.Deliver(ctx, Payload(items...))
}

// DeliverUnsigned posts body without a signature.
func (s *Server) DeliverUnsigned(ctx context.Context, body []byte) (int, error) {
	return s.post(ctx, body, false)
}

// DeliverForged posts body signed with another secret.
func (s *Server) DeliverForged(ctx context.Context, body []byte) (int, error) {
	s.mu.Lock()
	secret := s.secret
	s.secret = "not-the-" + secret
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.secret = secret
		s.mu.Unlock()
	}()
	return s.post(ctx, body, true)
}

// Pending returns the statuses waiting to be pushed (sent, and failed for
// messages WhatsApp refused after accepting them).
func (s *Server) Pending() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Status(nil), s.pending...)
}

// FlushStatuses pushes the pending statuses, in one batch, and forgets
// them once the bot answered 200.
func (s *Server) FlushStatuses(ctx context.Context) error {
	s.mu.Lock()
	sts := s.pending
	s.pending = nil
	s.mu.Unlock()
	if len(sts) == 0 {
		return nil
	}
	items := make([]Item, len(sts))
	for i, st := range sts {
		items[i] = st
	}
	code, err := s.Push(ctx, items...)
	if err == nil && code != 200 {
		err = fmt.Errorf("whatsapptest: the webhook answered %d to statuses", code)
	}
	if err != nil {
		s.mu.Lock()
		s.pending = append(sts, s.pending...)
		s.mu.Unlock()
	}
	return err
}

// AutoPush makes the fake push statuses by itself, as WhatsApp does, soon
// after each message; off (the default), tests push them with
// FlushStatuses.
func (s *Server) AutoPush(on bool) {
	s.mu.Lock()
	s.autoPush = on
	s.kickLocked()
	s.mu.Unlock()
}

// kickLocked starts a push of the pending statuses when AutoPush is on and
// none runs. s.mu is held.
func (s *Server) kickLocked() {
	if !s.autoPush || len(s.pending) == 0 || s.webhook == "" {
		return
	}
	s.autoPush = false // one pusher at a time; it turns it back on
	s.pushing.Add(1)
	go func() {
		defer s.pushing.Done()
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			s.mu.Lock()
			n := min(len(s.pending), 100)
			batch := append([]Status(nil), s.pending[:n]...)
			s.pending = s.pending[n:]
			s.mu.Unlock()
			if n > 0 {
				items := make([]Item, n)
				for i, st := range batch {
					items[i] = st
				}
				if code, err := s.Push(ctx, items...); err != nil || code != 200 {
					s.mu.Lock()
					s.pending = append(batch, s.pending...)
					s.mu.Unlock()
					cancel()
					select { // WhatsApp retries later
					case <-s.stop:
						return
					case <-time.After(50 * time.Millisecond):
					}
					continue
				}
			}
			cancel()
			s.mu.Lock()
			if len(s.pending) == 0 {
				s.autoPush = true
				s.mu.Unlock()
				return
			}
			s.mu.Unlock()
		}
	}()
}

package whatsapp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bottega-app/bottega/bot"
)

// SignatureHeader carries the HMAC-SHA256 of a webhook's body.
const SignatureHeader = "X-Hub-Signature-256"

// The webhook's JSON (only what Bottega reads).
type payload struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string `json:"field"`
			Value value  `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type value struct {
	Metadata struct {
		PhoneNumberID string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID   string `json:"wa_id"`
		UserID string `json:"user_id"`
	} `json:"contacts"`
	Messages []inMessage `json:"messages"`
	Statuses []struct {
		ID          string `json:"id"`
		Status      string `json:"status"`
		Timestamp   string `json:"timestamp"`
		RecipientID string `json:"recipient_id"`
		RecipientUI string `json:"recipient_user_id"`
		Ref         string `json:"biz_opaque_callback_data"`
		Errors      []struct {
			Code      int    `json:"code"`
			Title     string `json:"title"`
			Message   string `json:"message"`
			ErrorData struct {
				Details string `json:"details"`
			} `json:"error_data"`
		} `json:"errors"`
	} `json:"statuses"`
}

type inMessage struct {
	ID         string `json:"id"`
	From       string `json:"from"`
	FromUserID string `json:"from_user_id"`
	Timestamp  string `json:"timestamp"`
	Type       string `json:"type"`
	Context    *struct {
		ID string `json:"id"`
	} `json:"context"`
	Text *struct {
		Body string `json:"body"`
	} `json:"text"`
	Interactive *struct {
		Type        string `json:"type"`
		ButtonReply *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"button_reply"`
		ListReply *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"list_reply"`
	} `json:"interactive"`
	Button *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Image    *struct{ Caption string } `json:"image"`
	Video    *struct{ Caption string } `json:"video"`
	Document *struct{ Caption string } `json:"document"`
}

// Handler serves the webhook. GET answers Meta's verification handshake
// (hub.mode=subscribe with the verify token: the challenge is echoed). A
// POST must carry X-Hub-Signature-256, the HMAC-SHA256 of its body as
// received with the app secret, checked in constant time: otherwise 401,
// and nothing is read. Its messages become updates; the answer is 200 only
// once every one of them is committed (500 otherwise: WhatsApp delivers
// the batch again, and the dispatcher skips what it has seen). Statuses go
// to OnStatus. Until Run started it answers 503.
func (t *Transport) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			t.verify(w, r)
		case http.MethodPost:
			t.receive(w, r)
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

func (t *Transport) verify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	token := []byte(q.Get("hub.verify_token"))
	if t.opt.VerifyToken == "" || q.Get("hub.mode") != "subscribe" ||
		subtle.ConstantTimeCompare(token, []byte(t.opt.VerifyToken)) != 1 {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// #nosec G705 -- Meta's handshake echoes the challenge; it goes out as plain text, never HTML
	_, _ = io.WriteString(w, q.Get("hub.challenge"))
}

// validSignature checks header ("sha256=<hex>") against body.
func (t *Transport) validSignature(header string, body []byte) bool {
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(t.opt.AppSecret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

func (t *Transport) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, t.opt.MaxBody))
	if err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	if !t.validSignature(r.Header.Get(SignatureHeader), body) {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	box := t.sink.Load()
	if box == nil {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	var p payload
	if err := json.Unmarshal(body, &p); err != nil {
		// Signed by Meta but unreadable: another delivery would not help.
		t.log.Warn("unreadable webhook ignored", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	ctx := r.Context()
	var ups []bot.Update
	for _, e := range p.Entry {
		for _, c := range e.Changes {
			if c.Field != "messages" {
				continue
			}
			if mid := c.Value.Metadata.PhoneNumberID; mid != "" && mid != t.opt.PhoneNumberID {
				continue // another number of the same app
			}
			if err := t.statuses(ctx, c.Value); err != nil {
				t.log.Warn("statuses not recorded, WhatsApp will send them again", "err", err)
				http.Error(w, "try again", http.StatusInternalServerError)
				return
			}
			ups = append(ups, t.convert(c.Value)...)
		}
	}
	if len(ups) == 0 {
		w.WriteHeader(http.StatusOK)
		return
	}
	for _, u := range ups {
		t.rememberLast(u.ChatID, u.ID)
	}
	errc := make(chan error, len(ups))
	for _, u := range ups {
		box.Submit(ctx, u, func(err error) { errc <- err })
	}
	var failed error
	for range ups {
		select {
		case err := <-errc:
			if err != nil && failed == nil {
				failed = err
			}
		case <-ctx.Done():
			// WhatsApp gave up on this request and will deliver the batch
			// again; the dispatcher finishes these and skips the copies.
			return
		}
	}
	if failed != nil {
		t.log.Warn("webhook updates not handled, WhatsApp will send them again", "err", failed)
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
	// Blue ticks: the messages were read (best effort, after the answer).
	t.pending.Add(1)
	go func() {
		defer t.pending.Done()
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.opt.RequestTimeout)
		defer cancel()
		for _, u := range ups {
			if t.opt.Store != nil {
				// After the commit, which created a new learner's row. Lost
				// in a crash, it only makes a template go where a message
				// could have.
				if err := t.opt.Store.TouchInbound(rctx, Platform, u.ChatID, u.Received); err != nil {
					t.log.Warn("record the learner's last message", "err", err)
				}
			}
			if t.fatal.Load() == nil {
				t.read(rctx, u.ID, false)
			}
		}
	}()
}

// rememberLast keeps the chat's last message, which read receipts and the
// typing indicator refer to.
func (t *Transport) rememberLast(chat, id string) {
	t.mu.Lock()
	if len(t.lastIn) > 100000 {
		clear(t.lastIn) // a bound; the next message fills it again
	}
	t.lastIn[chat] = id
	t.mu.Unlock()
}

// statuses passes the change's statuses to OnStatus; a failed one that
// says the learner cannot be reached also marks them.
func (t *Transport) statuses(ctx context.Context, v value) error {
	for _, s := range v.Statuses {
		st := Status{MessageID: s.ID, ChatID: s.RecipientID, Status: s.Status, At: unix(s.Timestamp), Ref: s.Ref}
		if st.ChatID == "" {
			st.ChatID = s.RecipientUI
		}
		if len(s.Errors) > 0 {
			e := s.Errors[0]
			st.Err = &Error{Code: e.Code, Message: e.Title, Details: e.ErrorData.Details}
			if st.Err.Message == "" {
				st.Err.Message = e.Message
			}
			if st.Err.Gone() {
				t.unreachable(ctx, st.ChatID)
			}
			if st.Err.Fatal() {
				t.stop(st.Err)
			}
		}
		if t.opt.OnStatus != nil {
			if err := t.opt.OnStatus(ctx, st); err != nil {
				return err
			}
		}
	}
	return nil
}

func unix(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return time.Now()
	}
	return time.Unix(n, 0)
}

// convert turns a change's messages into updates. Media Bottega cannot
// read become updates with Unsupported set, so that the learner hears so.
func (t *Transport) convert(v value) []bot.Update {
	names := map[string]string{}
	for _, c := range v.Contacts {
		if c.WaID != "" {
			names[c.WaID] = c.Profile.Name
		}
		if c.UserID != "" {
			names[c.UserID] = c.Profile.Name
		}
	}
	var out []bot.Update
	for _, m := range v.Messages {
		chat := m.From
		if chat == "" {
			chat = m.FromUserID
		}
		if m.ID == "" || chat == "" {
			continue
		}
		u := bot.Update{
			Platform: Platform,
			ID:       m.ID,
			ChatID:   chat,
			UserID:   chat,
			Name:     names[chat],
			Lang:     langOf(m.From),
			Received: unix(m.Timestamp),
		}
		if m.Context != nil {
			u.MessageID = m.Context.ID
		}
		switch m.Type {
		case "text":
			if m.Text != nil {
				u.Text = m.Text.Body
			}
		case "interactive":
			switch in := m.Interactive; {
			case in == nil:
				continue
			case in.ButtonReply != nil:
				u.Data = in.ButtonReply.ID
			case in.ListReply != nil:
				u.Data = in.ListReply.ID
			default:
				continue
			}
		case "button": // a template's quick reply
			if m.Button == nil {
				continue
			}
			u.Data = m.Button.Payload
			if u.Data == "" {
				u.Text = m.Button.Text
			}
		case "audio", "image", "video", "document", "sticker", "location", "contacts":
			u.Unsupported = m.Type
		case "reaction", "system", "unsupported", "request_welcome", "order":
			continue
		default:
			u.Unsupported = m.Type
		}
		out = append(out, u)
	}
	return out
}

// langOf guesses a learner's language from their phone number's country
// code (WhatsApp tells no language); "" when it cannot.
func langOf(phone string) string {
	for _, p := range []struct{ prefix, lang string }{
		{"39", "it"}, {"378", "it"}, {"34", "es"}, {"33", "fr"}, {"49", "de"}, {"43", "de"},
		{"48", "pl"}, {"44", "en"}, {"1", "en"}, {"353", "en"}, {"61", "en"},
	} {
		if strings.HasPrefix(phone, p.prefix) {
			return p.lang
		}
	}
	return ""
}

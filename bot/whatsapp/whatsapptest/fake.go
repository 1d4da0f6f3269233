// Package whatsapptest is a fake WhatsApp Business Cloud API (the Graph
// API's WhatsApp endpoints) for tests and benchmarks. It speaks the real
// JSON protocol over HTTP:
//
//   - POST /{version}/{phone-number-id}/messages sends text, reply buttons,
//     lists, images, videos, documents and templates, or marks a message read
//     (with the typing indicator), enforcing the platform's limits (text
//     4,096 characters, interactive body and captions 1,024, at most 3
//     buttons with 20-character titles under a text, image, video or
//     document header, lists of at most 10 rows with
//     24-character titles and 72-character descriptions), the 24-hour
//     customer service window per user, the pair rate (about one message per
//     user every 6 seconds, after a burst) and, if told, the throughput of
//     the number;
//   - POST /{version}/{phone-number-id}/media uploads media and answers its id;
//   - errors are the Graph API's ({"error":{"message","type","code",
//     "error_subcode","error_data":{"messaging_product","details"},
//     "fbtrace_id"}}), and those that WhatsApp reports after accepting a
//     message (131047, 131026, 131050, 131049) come as a "failed" status
//     webhook, as they do from Meta.
//
// It also plays WhatsApp's side of the webhook: messages from users and
// message statuses are posted to the bot signed with X-Hub-Signature-256
// (HMAC-SHA256 of the exact body with the app secret), with non-ASCII text
// escaped as \uXXXX the way Meta serialises it, in batches, again
// (duplicates), or in any order the test chooses.
package whatsapptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"
)

// Defaults of the fake's account.
const (
	Token         = "EAAtestFakeSystemUserToken0123456789" // #nosec G101 -- a fake token for tests
	PhoneNumberID = "106540352242922"
	DisplayNumber = "15550783881"
	AccountID     = "102290129340398"           // the WhatsApp Business Account (entry id)
	AppSecret     = "fake-app-secret-for-tests" // #nosec G101 -- a fake secret for tests
	Version       = "v25.0"
)

// Limits of the Cloud API that the fake enforces.
const (
	MaxText        = 4096
	MaxBody        = 1024 // interactive body
	MaxCaption     = 1024
	MaxButtons     = 3
	MaxButtonTitle = 20
	MaxButtonID    = 256
	MaxRows        = 10
	MaxRowTitle    = 24
	MaxRowDesc     = 72
	MaxRowID       = 200
	MaxListButton  = 20
	MaxFooter      = 60
	MaxHeader      = 60 // a text header
	MaxImage       = 5 << 20
	MaxVideo       = 16 << 20
	MaxDocument    = 100 << 20
	// Window is the customer service window.
	Window = 24 * time.Hour
	// PairInterval is the pair rate: one message per user this often once
	// the burst is spent.
	PairInterval = 6 * time.Second
	// PairBurst is how many messages may go to one user at once.
	PairBurst = 45
)

// Error codes of the Cloud API.
const (
	CodeToken        = 190
	CodeInvalidParam = 100
	CodeBlocked      = 368
	CodeThroughput   = 130429
	CodeParamValue   = 131009
	CodeRequiredMiss = 131008
	CodeUndeliver    = 131026
	CodeLocked       = 131031
	CodeWindow       = 131047
	CodeMarketingCap = 131049
	CodeOptedOut     = 131050
	CodeMedia        = 131053
	CodePairRate     = 131056
	CodeTemplate     = 132001
)

// errorInfo is how the Graph API words an error.
var errorInfo = map[int]struct {
	status        int
	typ, msg, det string
	async         bool // reported in a failed status, after a 200
}{
	CodeToken:        {401, "OAuthException", "Error validating access token: Session has expired.", "", false},
	CodeInvalidParam: {400, "OAuthException", "(#100) Invalid parameter", "", false},
	CodeBlocked:      {400, "OAuthException", "(#368) Temporarily blocked for policies violations", "The WhatsApp Business Account is restricted from messaging users.", false},
	CodeThroughput:   {400, "OAuthException", "(#130429) Rate limit hit", "Cloud API message throughput has been reached.", false},
	CodeParamValue:   {400, "OAuthException", "(#131009) Parameter value is not valid", "", false},
	CodeRequiredMiss: {400, "OAuthException", "(#131008) Required parameter is missing", "", false},
	CodeLocked:       {400, "OAuthException", "(#131031) Account has been locked", "The business account was locked.", false},
	CodeMedia:        {400, "OAuthException", "(#131053) Media upload error", "", false},
	CodePairRate:     {400, "OAuthException", "(#131056) (Business Account, Consumer Account) pair rate limit hit", "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.", false},
	CodeTemplate:     {404, "OAuthException", "(#132001) Template name does not exist in the translation", "", false},
	CodeUndeliver:    {200, "", "Message Undeliverable.", "Message failed to send because the user's phone number is not on WhatsApp or the message could not be delivered.", true},
	CodeWindow:       {200, "", "Re-engagement message", "Message failed to send because more than 24 hours have passed since the customer last replied to this number.", true},
	CodeMarketingCap: {200, "", "This message was not delivered to maintain healthy ecosystem engagement.", "Meta limits the marketing messages a user receives.", true},
	CodeOptedOut:     {200, "", "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.", "The user stopped marketing messages.", true},
}

// Async reports whether WhatsApp reports code after accepting the message
// (a 200, then a failed status webhook).
func Async(code int) bool { return errorInfo[code].async }

// Fault makes the fake answer sends with an error.
type Fault struct {
	// Code is a Graph API error code (see the Code constants), or an HTTP
	// status of 500 to 599 for a server error; 0 with Stall answers
	// normally after the stall.
	Code int
	// Stall holds the answer back (or until the client gives up).
	Stall time.Duration
	// To limits the fault to sends to this user ("" for every user).
	To string
}

type fault struct {
	Fault
	left int // sends still to fail; every send when it starts at 0
}

// Message is one request to /messages that the fake accepted or refused.
type Message struct {
	// ID is the wamid given to a sent message ("" for mark-as-read and for
	// refused sends).
	ID string
	// To is the recipient: the phone number ("to") or business-scoped user
	// id ("recipient").
	To   string
	Type string // text, interactive, image, video, document, template, read
	// Body is the request as sent.
	Body json.RawMessage
	At   time.Time
	// Code is 0 for a send accepted, else the error code answered (or
	// reported later in a failed status).
	Code int
	// Read is the message marked read; Typing is set when the typing
	// indicator was asked for with it.
	Read   string
	Typing bool

	req sendRequest
}

// Text is the message's text, interactive body, caption or template name.
func (m Message) Text() string {
	r := m.req
	switch {
	case r.Text != nil:
		return r.Text.Body
	case r.Interactive != nil:
		return r.Interactive.Body.Text
	case r.Image != nil:
		return r.Image.Caption
	case r.Video != nil:
		return r.Video.Caption
	case r.Document != nil:
		return r.Document.Caption
	case r.Template != nil:
		return r.Template.Name
	}
	return ""
}

// Buttons returns the reply buttons' ids and titles (nil unless the message
// has reply buttons).
func (m Message) Buttons() []Choice {
	if m.req.Interactive == nil || m.req.Interactive.Type != "button" {
		return nil
	}
	var out []Choice
	for _, b := range m.req.Interactive.Action.Buttons {
		out = append(out, Choice{ID: b.Reply.ID, Title: b.Reply.Title})
	}
	return out
}

// Rows returns the rows of a list message, in order (nil unless it is one).
func (m Message) Rows() []Choice {
	if m.req.Interactive == nil || m.req.Interactive.Type != "list" {
		return nil
	}
	var out []Choice
	for _, s := range m.req.Interactive.Action.Sections {
		for _, r := range s.Rows {
			out = append(out, Choice{ID: r.ID, Title: r.Title, Description: r.Description})
		}
	}
	return out
}

// Choices returns the buttons or the list rows.
func (m Message) Choices() []Choice {
	if b := m.Buttons(); b != nil {
		return b
	}
	return m.Rows()
}

// CTA returns the link of a call-to-action URL button, if the message has
// one.
func (m Message) CTA() (label, url string) {
	if i := m.req.Interactive; i != nil && i.Type == "cta_url" && i.Action.Parameters != nil {
		return i.Action.Parameters.DisplayText, i.Action.Parameters.URL
	}
	return "", ""
}

// MediaID is the media id an image, video or document was sent by.
func (m Message) MediaID() string {
	mds := []*media{m.req.Image, m.req.Video, m.req.Document}
	if in := m.req.Interactive; in != nil && in.Header != nil {
		mds = append(mds, in.Header.Image, in.Header.Video, in.Header.Document)
	}
	for _, md := range mds {
		if md != nil {
			return md.ID
		}
	}
	return ""
}

// Header is the kind of an interactive message's header (text, image,
// video or document), or "".
func (m Message) Header() string {
	if in := m.req.Interactive; in != nil && in.Header != nil {
		return in.Header.Type
	}
	return ""
}

// Filename is a document's file name.
func (m Message) Filename() string {
	switch in := m.req.Interactive; {
	case m.req.Document != nil:
		return m.req.Document.Filename
	case in != nil && in.Header != nil && in.Header.Document != nil:
		return in.Header.Document.Filename
	}
	return ""
}

// Template returns the template's name, language code and body parameters.
func (m Message) Template() (name, lang string, params []string) {
	t := m.req.Template
	if t == nil {
		return "", "", nil
	}
	for _, c := range t.Components {
		if c.Type == "body" {
			for _, p := range c.Parameters {
				params = append(params, p.Text)
			}
		}
	}
	return t.Name, t.Language.Code, params
}

// Choice is a reply button or a list row.
type Choice struct {
	ID, Title, Description string
}

// The request of /messages, as the Cloud API reads it.
type sendRequest struct {
	MessagingProduct string       `json:"messaging_product"`
	RecipientType    string       `json:"recipient_type,omitempty"`
	To               string       `json:"to,omitempty"`
	Recipient        string       `json:"recipient,omitempty"`
	Type             string       `json:"type,omitempty"`
	Status           string       `json:"status,omitempty"`
	MessageID        string       `json:"message_id,omitempty"`
	TypingIndicator  *struct{}    `json:"typing_indicator,omitempty"`
	Context          *msgContext  `json:"context,omitempty"`
	Text             *textBody    `json:"text,omitempty"`
	Interactive      *interactive `json:"interactive,omitempty"`
	Image            *media       `json:"image,omitempty"`
	Video            *media       `json:"video,omitempty"`
	Document         *media       `json:"document,omitempty"`
	Audio            *media       `json:"audio,omitempty"`
	Template         *template    `json:"template,omitempty"`
	// BizOpaqueCallbackData comes back in the message's statuses.
	BizOpaqueCallbackData string `json:"biz_opaque_callback_data,omitempty"`
}

type msgContext struct {
	MessageID string `json:"message_id"`
}

type textBody struct {
	Body       string `json:"body"`
	PreviewURL bool   `json:"preview_url,omitempty"`
}

type interactive struct {
	Type   string `json:"type"`
	Header *struct {
		Type     string `json:"type"`
		Text     string `json:"text,omitempty"`
		Image    *media `json:"image,omitempty"`
		Video    *media `json:"video,omitempty"`
		Document *media `json:"document,omitempty"`
	} `json:"header,omitempty"`
	Body struct {
		Text string `json:"text"`
	} `json:"body"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer,omitempty"`
	Action struct {
		Button  string `json:"button,omitempty"`
		Buttons []struct {
			Type  string `json:"type"`
			Reply struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"reply"`
		} `json:"buttons,omitempty"`
		Sections []struct {
			Title string `json:"title,omitempty"`
			Rows  []struct {
				ID          string `json:"id"`
				Title       string `json:"title"`
				Description string `json:"description,omitempty"`
			} `json:"rows"`
		} `json:"sections,omitempty"`
		Name       string `json:"name,omitempty"`
		Parameters *struct {
			DisplayText string `json:"display_text"`
			URL         string `json:"url"`
		} `json:"parameters,omitempty"`
	} `json:"action"`
}

type media struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
}

type template struct {
	Name     string `json:"name"`
	Language struct {
		Code string `json:"code"`
	} `json:"language"`
	Components []struct {
		Type       string `json:"type"`
		Parameters []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"parameters"`
	} `json:"components,omitempty"`
}

// Templates that the fake's account has approved, by name and language
// code.
type templateKey struct{ name, lang string }

// Server is a fake Cloud API. Create it with New or NewServer.
type Server struct {
	srv *httptest.Server
	// client posts webhooks.
	client *http.Client

	mu        sync.Mutex
	token     string
	version   string
	now       func() time.Time
	seq       int
	messages  []Message
	unlogged  bool
	faults    []*fault
	lastIn    map[string]time.Time // users' last message, for the window
	pair      map[string]*rate.Limiter
	pairOn    bool
	pairEvery time.Duration
	pairBurst int
	limiter   *rate.Limiter
	media     map[string]Upload
	templates map[templateKey]bool
	webhook   string
	secret    string
	pending   []Status // statuses to push, in order
	autoPush  bool
	pushing   sync.WaitGroup
	hook      func(Message)
	inSeq     int
	unknown   map[string]bool // users who are not on WhatsApp
	stop      chan struct{}
	closeOnce sync.Once
}

// Upload is a file uploaded to /media.
type Upload struct {
	ID, Type, Name string
	Size           int
	// At is when it was uploaded: Meta deletes an upload after
	// MediaLifetime, and its id no longer sends.
	At time.Time
}

// MediaLifetime is how long Meta keeps an uploaded medium.
const MediaLifetime = 30 * 24 * time.Hour

// New starts a fake that stops when the test ends.
func New(t interface{ Cleanup(func()) }) *Server {
	s := NewServer()
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a fake accepting Token, AppSecret and Version; Close
// stops it.
func NewServer() *Server {
	s := &Server{
		client:    &http.Client{Timeout: 30 * time.Second},
		token:     Token,
		version:   Version,
		now:       time.Now,
		lastIn:    map[string]time.Time{},
		pair:      map[string]*rate.Limiter{},
		pairOn:    true,
		pairEvery: PairInterval,
		pairBurst: PairBurst,
		media:     map[string]Upload{},
		templates: map[templateKey]bool{},
		secret:    AppSecret,
		unknown:   map[string]bool{},
		stop:      make(chan struct{}),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close waits for the statuses being pushed and stops the server.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.stop) })
	s.pushing.Wait()
	s.srv.Close()
}

// URL is the Graph API base URL (WHATSAPP_API_ENDPOINT).
func (s *Server) URL() string { return s.srv.URL }

// SetClock makes the fake read time from now (the window, the pair rate,
// the uploads' lifetime).
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// SetVersion sets the Graph API version the fake answers (default
// Version).
func (s *Server) SetVersion(v string) {
	s.mu.Lock()
	s.version = v
	s.mu.Unlock()
}

// SetToken sets the access token the fake accepts; any other gets 190.
func (s *Server) SetToken(t string) {
	s.mu.Lock()
	s.token = t
	s.mu.Unlock()
}

// SetWebhook sets where the fake posts webhooks and the app secret it signs
// them with.
func (s *Server) SetWebhook(url, appSecret string) {
	s.mu.Lock()
	s.webhook, s.secret = url, appSecret
	s.mu.Unlock()
}

// ApproveTemplate makes a template name usable in language code lang.
func (s *Server) ApproveTemplate(name, lang string) {
	s.mu.Lock()
	s.templates[templateKey{name, lang}] = true
	s.mu.Unlock()
}

// PairRate turns the pair rate on (the default) or off.
func (s *Server) PairRate(on bool) {
	s.mu.Lock()
	s.pairOn = on
	s.mu.Unlock()
}

// SetPairRate changes the pair rate: one message per user every interval
// once burst messages went at once (default PairInterval and PairBurst),
// for users not written to yet.
func (s *Server) SetPairRate(interval time.Duration, burst int) {
	s.mu.Lock()
	s.pairEvery, s.pairBurst = interval, burst
	s.mu.Unlock()
}

// EnforceRate makes the fake answer 130429 to messages beyond perSecond for
// the number, with burst allowed at once; 0 turns it off.
func (s *Server) EnforceRate(perSecond float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if perSecond <= 0 {
		s.limiter = nil
		return
	}
	s.limiter = rate.NewLimiter(rate.Limit(perSecond), burst)
}

// NotOnWhatsApp makes sends to user fail with 131026, as for a number
// without WhatsApp.
func (s *Server) NotOnWhatsApp(user string) {
	s.mu.Lock()
	s.unknown[user] = true
	s.mu.Unlock()
}

// Unlogged stops keeping messages (a load test); counts still work.
func (s *Server) Unlogged() {
	s.mu.Lock()
	s.unlogged = true
	s.mu.Unlock()
}

// OnMessage registers f to see every request to /messages once it is
// answered. f must not block for long.
func (s *Server) OnMessage(f func(Message)) {
	s.mu.Lock()
	s.hook = f
	s.mu.Unlock()
}

// Fail makes the next n sends (every send when n <= 0) fail with f. A fault
// whose code WhatsApp reports after accepting the message (Async) is
// answered 200 with a wamid, and a failed status is queued for the
// webhook.
func (s *Server) Fail(n int, f Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, &fault{Fault: f, left: max(n, 0)})
	s.mu.Unlock()
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// Messages returns the requests to /messages, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Sent returns the messages accepted for to ("" for everyone), without the
// read receipts, in order.
func (s *Server) Sent(to string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.ID != "" && m.Code == 0 && (to == "" || m.To == to) {
			out = append(out, m)
		}
	}
	return out
}

// Reads returns the read receipts sent, in order.
func (s *Server) Reads() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.Type == "read" {
			out = append(out, m)
		}
	}
	return out
}

// Uploads returns the media uploaded, in order of id.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Upload, 0, len(s.media))
	for i := 1; i <= len(s.media); i++ {
		if u, ok := s.media[mediaID(i)]; ok {
			out = append(out, u)
		}
	}
	return out
}

func mediaID(i int) string { return strconv.Itoa(900000000000000 + i) }

// apiError is a Graph API error answer.
type apiError struct {
	code    int
	status  int
	message string
	details string
}

func newError(code int, details string) *apiError {
	info, ok := errorInfo[code]
	e := &apiError{code: code, status: info.status, message: info.msg, details: info.det}
	if !ok {
		e.status, e.message = 400, fmt.Sprintf("(#%d) error", code)
	}
	if details != "" {
		e.details = details
	}
	return e
}

func paramError(format string, args ...any) *apiError {
	return newError(CodeParamValue, fmt.Sprintf(format, args...))
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	s.mu.Lock()
	version, token := s.version, s.token
	s.mu.Unlock()
	if len(parts) != 3 || parts[0] != version || r.Method != http.MethodPost {
		writeError(w, &apiError{code: CodeInvalidParam, status: 400,
			message: fmt.Sprintf("Unsupported %s request. Object with ID '%s' does not exist", strings.ToLower(r.Method), strings.Join(parts, "/"))})
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+token {
		writeError(w, newError(CodeToken, ""))
		return
	}
	if parts[1] != PhoneNumberID {
		writeError(w, &apiError{code: CodeInvalidParam, status: 400,
			message: fmt.Sprintf("Unsupported post request. Object with ID '%s' does not exist", parts[1])})
		return
	}
	switch parts[2] {
	case "messages":
		s.serveMessages(w, r)
	case "media":
		s.serveMedia(w, r)
	default:
		writeError(w, &apiError{code: CodeInvalidParam, status: 400, message: "Unknown path components: /" + parts[2]})
	}
}

func (s *Server) serveMessages(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, newError(CodeInvalidParam, "unreadable body"))
		return
	}
	var req sendRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, newError(CodeInvalidParam, "the body is not JSON: "+err.Error()))
		return
	}
	m := Message{To: req.To, Type: req.Type, Body: body, req: req}
	if req.Recipient != "" {
		m.To = req.Recipient
	}
	s.mu.Lock()
	m.At = s.now()
	s.mu.Unlock()
	f := s.takeFault(m.To)
	if f != nil && f.Stall > 0 {
		select {
		case <-time.After(f.Stall):
		case <-r.Context().Done():
		}
	}
	var aerr *apiError
	var res any
	switch {
	case f != nil && f.Code >= 500 && f.Code < 600:
		m.Code = f.Code
		s.record(m)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Code)
		_, _ = io.WriteString(w, `{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","is_transient":true,"code":2,"fbtrace_id":"`+traceID()+`"}}`)
		return
	case f != nil && f.Code != 0 && !Async(f.Code):
		aerr = newError(f.Code, "")
	case req.Status == "read":
		m.Type, m.Read, m.Typing = "read", req.MessageID, req.TypingIndicator != nil
		aerr = s.checkRead(req)
		res = map[string]any{"success": true}
	default:
		res, aerr = s.send(&m, f)
	}
	if aerr != nil {
		m.Code, m.ID = aerr.code, ""
		s.record(m)
		writeError(w, aerr)
		return
	}
	s.record(m)
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) record(m Message) {
	s.mu.Lock()
	if !s.unlogged || m.Code != 0 {
		s.messages = append(s.messages, m)
	}
	hook := s.hook
	s.mu.Unlock()
	if hook != nil {
		hook(m)
	}
}

func (s *Server) takeFault(to string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.To != "" && f.To != to {
			continue
		}
		if f.left == 0 {
			return f
		}
		f.left--
		if f.left == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return f
	}
	return nil
}

func (s *Server) checkRead(req sendRequest) *apiError {
	if req.MessagingProduct != "whatsapp" {
		return newError(CodeRequiredMiss, "messaging_product must be whatsapp")
	}
	if !strings.HasPrefix(req.MessageID, "wamid.") {
		return paramError("message_id %q is not a message of this number", req.MessageID)
	}
	return nil
}

// send checks a message, then accepts it: it answers the wamid, and queues
// the statuses WhatsApp would post (failed, for a message outside the
// window or a fault reported later).
func (s *Server) send(m *Message, f *fault) (any, *apiError) {
	req := m.req
	if req.MessagingProduct != "whatsapp" {
		return nil, newError(CodeRequiredMiss, "messaging_product must be whatsapp")
	}
	if m.To == "" {
		return nil, newError(CodeRequiredMiss, "to or recipient is required")
	}
	if err := s.check(req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limiter != nil && !s.limiter.AllowN(s.now(), 1) {
		return nil, newError(CodeThroughput, "")
	}
	if s.pairOn {
		l := s.pair[m.To]
		if l == nil {
			l = rate.NewLimiter(rate.Every(s.pairEvery), s.pairBurst)
			s.pair[m.To] = l
		}
		if !l.AllowN(s.now(), 1) {
			return nil, newError(CodePairRate, "")
		}
	}
	s.seq++
	m.ID = "wamid." + base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "HBgL%s%020d", m.To, s.seq))
	failed := 0
	switch {
	case f != nil && f.Code != 0:
		failed = f.Code
	case s.unknown[m.To]:
		failed = CodeUndeliver
	case req.Type != "template" && s.now().Sub(s.lastIn[m.To]) > Window:
		failed = CodeWindow
	}
	st := Status{ID: m.ID, Recipient: m.To, Status: "sent", At: s.now(), Ref: req.BizOpaqueCallbackData}
	if failed != 0 {
		st.Status, st.Code = "failed", failed
		m.Code = failed
	}
	s.pending = append(s.pending, st)
	s.kickLocked()
	contact := map[string]string{"input": m.To, "wa_id": m.To}
	if req.Recipient != "" {
		contact = map[string]string{"input": m.To, "user_id": m.To}
	}
	msg := map[string]string{"id": m.ID}
	if req.Type == "template" {
		msg["message_status"] = "accepted"
	}
	return map[string]any{
		"messaging_product": "whatsapp",
		"contacts":          []map[string]string{contact},
		"messages":          []map[string]string{msg},
	}, nil
}

// check enforces the message limits.
func (s *Server) check(req sendRequest) *apiError {
	switch req.Type {
	case "text":
		if req.Text == nil || req.Text.Body == "" {
			return newError(CodeRequiredMiss, "text.body is required")
		}
		if n := utf8.RuneCountInString(req.Text.Body); n > MaxText {
			return newError(CodeInvalidParam, fmt.Sprintf("text.body is %d characters, at most %d", n, MaxText))
		}
	case "interactive":
		if err := checkInteractive(req.Interactive); err != nil {
			return err
		}
		if h := req.Interactive.Header; h != nil && h.Type != "text" {
			md := map[string]*media{"image": h.Image, "video": h.Video, "document": h.Document}[h.Type]
			return s.checkMedia(h.Type, "interactive.header."+h.Type, md)
		}
	case "image", "video", "document", "audio":
		md := map[string]*media{"image": req.Image, "video": req.Video, "document": req.Document, "audio": req.Audio}[req.Type]
		if md != nil {
			if n := utf8.RuneCountInString(md.Caption); n > MaxCaption {
				return paramError("%s.caption is %d characters, at most %d", req.Type, n, MaxCaption)
			}
		}
		return s.checkMedia(req.Type, req.Type, md)
	case "template":
		t := req.Template
		if t == nil || t.Name == "" || t.Language.Code == "" {
			return newError(CodeRequiredMiss, "template.name and template.language.code are required")
		}
		s.mu.Lock()
		ok := s.templates[templateKey{t.Name, t.Language.Code}]
		s.mu.Unlock()
		if !ok {
			return newError(CodeTemplate, fmt.Sprintf("template name (%s) does not exist in %s", t.Name, t.Language.Code))
		}
	case "":
		return newError(CodeRequiredMiss, "type is required")
	default:
		return newError(131051, "unsupported message type "+req.Type)
	}
	return nil
}

// checkMedia checks a medium of kind (image, video, document or audio),
// the object at path: an uploaded id still kept, or a link.
func (s *Server) checkMedia(kind, path string, md *media) *apiError {
	if md == nil || (md.ID == "" && md.Link == "") {
		return newError(CodeRequiredMiss, path+".id or "+path+".link is required")
	}
	if md.ID != "" && md.Link != "" {
		return paramError("%s: id and link cannot both be set", path)
	}
	if md.ID == "" {
		return nil
	}
	s.mu.Lock()
	u, ok := s.media[md.ID]
	if ok && s.now().Sub(u.At) >= MediaLifetime {
		ok = false // deleted by Meta
	}
	s.mu.Unlock()
	if !ok {
		return paramError("%s.id %s is not an uploaded media", path, md.ID)
	}
	if kindOf(u.Type) != kind && kind != "document" {
		return paramError("media %s is %s, not %s", md.ID, u.Type, kind)
	}
	return nil
}

func checkInteractive(in *interactive) *apiError {
	if in == nil {
		return newError(CodeRequiredMiss, "interactive is required")
	}
	n := utf8.RuneCountInString(in.Body.Text)
	if n == 0 {
		return newError(CodeRequiredMiss, "interactive.body.text is required")
	}
	if n > MaxBody {
		return paramError("interactive.body.text is %d characters, at most %d", n, MaxBody)
	}
	if h := in.Header; h != nil {
		switch h.Type {
		case "text":
			if n := utf8.RuneCountInString(h.Text); n == 0 || n > MaxHeader {
				return paramError("interactive.header.text must be 1 to %d characters", MaxHeader)
			}
		case "image", "video", "document":
			if in.Type != "button" {
				return paramError("interactive.header.type %s is only for reply buttons, not %s", h.Type, in.Type)
			}
		default:
			return paramError("interactive.header.type %q is not supported", h.Type)
		}
	}
	if in.Footer != nil && utf8.RuneCountInString(in.Footer.Text) > MaxFooter {
		return paramError("interactive.footer.text is longer than %d characters", MaxFooter)
	}
	a := in.Action
	switch in.Type {
	case "button":
		if len(a.Buttons) == 0 || len(a.Buttons) > MaxButtons {
			return paramError("interactive.action.buttons has %d buttons, 1 to %d allowed", len(a.Buttons), MaxButtons)
		}
		seen := map[string]bool{}
		for _, b := range a.Buttons {
			t := b.Reply.Title
			if b.Type != "reply" || b.Reply.ID == "" || strings.TrimSpace(t) == "" {
				return newError(CodeRequiredMiss, "each button needs type reply, an id and a title")
			}
			if utf8.RuneCountInString(t) > MaxButtonTitle {
				return paramError("button title %q is longer than %d characters", t, MaxButtonTitle)
			}
			if len(b.Reply.ID) > MaxButtonID {
				return paramError("button id is longer than %d characters", MaxButtonID)
			}
			if seen[t] || seen["id:"+b.Reply.ID] {
				return paramError("button titles and ids must be unique")
			}
			seen[t], seen["id:"+b.Reply.ID] = true, true
		}
	case "list":
		if a.Button == "" || utf8.RuneCountInString(a.Button) > MaxListButton {
			return paramError("interactive.action.button must be 1 to %d characters", MaxListButton)
		}
		rows := 0
		seen := map[string]bool{}
		for _, sec := range a.Sections {
			if len(a.Sections) > 1 && sec.Title == "" {
				return newError(CodeRequiredMiss, "each section needs a title when there are several")
			}
			for _, r := range sec.Rows {
				rows++
				if r.ID == "" || r.Title == "" {
					return newError(CodeRequiredMiss, "each row needs an id and a title")
				}
				if utf8.RuneCountInString(r.Title) > MaxRowTitle {
					return paramError("row title %q is longer than %d characters", r.Title, MaxRowTitle)
				}
				if utf8.RuneCountInString(r.Description) > MaxRowDesc {
					return paramError("row description is longer than %d characters", MaxRowDesc)
				}
				if len(r.ID) > MaxRowID {
					return paramError("row id is longer than %d characters", MaxRowID)
				}
				if seen[r.ID] {
					return paramError("row ids must be unique")
				}
				seen[r.ID] = true
			}
		}
		if rows == 0 || rows > MaxRows {
			return paramError("a list has %d rows, 1 to %d allowed", rows, MaxRows)
		}
	case "cta_url":
		p := a.Parameters
		if a.Name != "cta_url" || p == nil || p.URL == "" || p.DisplayText == "" {
			return newError(CodeRequiredMiss, "cta_url needs action.name cta_url and parameters display_text and url")
		}
		if utf8.RuneCountInString(p.DisplayText) > MaxButtonTitle {
			return paramError("display_text is longer than %d characters", MaxButtonTitle)
		}
	default:
		return paramError("interactive.type %q is not supported", in.Type)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{
		"message":    e.message,
		"type":       "OAuthException",
		"code":       e.code,
		"fbtrace_id": traceID(),
	}
	if e.details != "" {
		body["error_data"] = map[string]string{"messaging_product": "whatsapp", "details": e.details}
	}
	if e.code == CodePairRate {
		body["error_subcode"] = 2494055
	}
	if e.code == CodeToken {
		body["error_subcode"] = 463
	}
	status := e.status
	if status == 0 || status == http.StatusOK {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, map[string]any{"error": body})
}

func traceID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// post posts body to the webhook, signed with secret unless unsigned.
func (s *Server) post(ctx context.Context, body []byte, sign bool) (int, error) {
	s.mu.Lock()
	url, secret := s.webhook, s.secret
	s.mu.Unlock()
	if url == "" {
		return 0, fmt.Errorf("whatsapptest: no webhook set")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if sign {
		req.Header.Set("X-Hub-Signature-256", Sign(secret, body))
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// Package telegramtest is a fake Telegram Bot API server for tests and
// benchmarks. It speaks the real JSON protocol ({"ok":true,"result":...},
// {"ok":false,"error_code":...,"description":...,"parameters":{...}}) over
// HTTP, keeps a queue of updates that tests inject (getUpdates honours the
// offset and long-polls), remembers the messages the bot sent so edits can
// be checked, records every call, and can be told to fail chosen methods:
// 429 with retry_after, 403, 5xx (as the Bot API's JSON, or a proxy's HTML
// page), or a stall that outlasts the client's timeout. It can also
// enforce a message rate, answering 429 beyond it.
package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"
)

// Token is the token the fake accepts unless told otherwise.
const Token = "123456:TEST-fake-token-ABCdef_0123456789"

// BotID and BotUsername describe the fake bot (getMe).
const (
	BotID       = 777000
	BotUsername = "bottega_test_bot"
)

// Call is one request the bot made.
type Call struct {
	Method string
	Params map[string]string
	// Files holds the uploaded files by field name, FileNames their names.
	Files     map[string][]byte
	FileNames map[string]string
	At        time.Time
	// Status is the HTTP status answered (200, or the error code).
	Status int
	// MessageID is the message sent or edited, for successful sends.
	MessageID int
	// Stalled is how long a Fault held the answer back.
	Stalled time.Duration

	// keyboard is reply_markup decoded, once the fake checked it.
	keyboard *tgbotapi.InlineKeyboardMarkup
}

// ChatID is the call's chat_id parameter.
func (c Call) ChatID() int64 {
	id, _ := strconv.ParseInt(c.Params["chat_id"], 10, 64)
	return id
}

// Text is the call's text, or caption for media.
func (c Call) Text() string {
	if t, ok := c.Params["text"]; ok {
		return t
	}
	return c.Params["caption"]
}

// Buttons returns the inline keyboard the call carries, if any.
func (c Call) Buttons() [][]tgbotapi.InlineKeyboardButton {
	if c.keyboard != nil {
		return c.keyboard.InlineKeyboard
	}
	var m tgbotapi.InlineKeyboardMarkup
	if s := c.Params["reply_markup"]; s != "" {
		_ = json.Unmarshal([]byte(s), &m)
	}
	return m.InlineKeyboard
}

// FirstData returns the callback data of the first data button, or "".
func (c Call) FirstData() string {
	for _, row := range c.Buttons() {
		for _, b := range row {
			if b.CallbackData != nil {
				return *b.CallbackData
			}
		}
	}
	return ""
}

// IsMessage reports whether the call sends or edits a message (what flood
// limits count).
func (c Call) IsMessage() bool {
	return strings.HasPrefix(c.Method, "send") || strings.HasPrefix(c.Method, "edit")
}

// Fault makes the fake answer calls with an error.
type Fault struct {
	// Code is the error_code (429, 403, 500, ...); 0 with Stall answers
	// normally after the stall.
	Code        int
	Description string
	// RetryAfter is sent with 429s (seconds).
	RetryAfter int
	// Stall delays the answer (or until the client gives up).
	Stall time.Duration
	// Proxy answers Code with an HTML page, as a proxy in front of the Bot
	// API does, instead of the Bot API's JSON.
	Proxy bool
}

type fault struct {
	Fault
	method string
	left   int // calls still to fail; every call when it starts at 0
}

func (f *fault) apiError() *apiError {
	e := &apiError{code: f.Code, desc: f.Description, retryAfter: f.RetryAfter}
	if e.desc == "" {
		e.desc = http.StatusText(f.Code)
	}
	return e
}

type message struct {
	text, markup string
	// replyTo is the message this one answers (0: none), written by
	// replyFrom (a user, or BotID).
	replyTo   int
	replyFrom int64
}

type update struct {
	id   int64
	data []byte
}

// Server is a fake Bot API. Create it with New.
type Server struct {
	srv   *httptest.Server
	token string

	mu        sync.Mutex
	nextID    int64
	updates   []update
	wake      chan struct{}
	calls     []Call
	unlogged  bool // calls are not kept (a load runs)
	msgSeq    map[int64]int
	messages  map[[2]int64]message
	authors   map[[2]int64]int64 // who wrote the users' messages, by chat and id
	faults    []*fault
	hook      func(Call)
	limiter   *rate.Limiter
	fileSeq   int
	files     map[string]bool
	uploads   int
	callbacks map[string]bool // id -> answered
	cbSeq     int
	webhook   string
	secret    string
	sentFiles *files // what users sent, see files.go
	polls     int
	polled    int // updates returned by polls
	waiting   int // long polls waiting for updates
	held      map[string]*held
}

// held are the calls to a chat kept waiting by Hold.
type held struct {
	arrived chan struct{} // closed when the first call arrives
	release chan struct{}
	once    sync.Once
}

// New starts a fake Bot API; it stops when the test ends.
func New(t interface{ Cleanup(func()) }) *Server {
	s := NewServer(Token)
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a fake Bot API accepting token; Close stops it.
func NewServer(token string) *Server {
	s := &Server{
		token:     token,
		nextID:    1,
		wake:      make(chan struct{}),
		msgSeq:    map[int64]int{},
		messages:  map[[2]int64]message{},
		authors:   map[[2]int64]int64{},
		files:     map[string]bool{},
		callbacks: map[string]bool{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Endpoint is the Bot API endpoint format (TELEGRAM_API_ENDPOINT) for the
// fake.
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// URL is the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// SetFirstUpdateID makes injected update ids start at id (default 1).
func (s *Server) SetFirstUpdateID(id int64) {
	s.mu.Lock()
	s.nextID = id
	s.mu.Unlock()
}

// Fail makes the next n calls of method (any method but getUpdates when
// method is "") fail with f; n <= 0 makes every call fail. A getUpdates
// fault with Code 0 only stalls.
func (s *Server) Fail(method string, n int, f Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, &fault{Fault: f, method: method, left: max(n, 0)})
	s.mu.Unlock()
}

// Hold keeps every call to chat unanswered, as a stalled request, until
// release is called or the client gives up; arrived is closed when the
// first one comes in. The calls are recorded, and OnCall sees them, only
// once they are answered.
func (s *Server) Hold(chat int64) (arrived <-chan struct{}, release func()) {
	h := &held{arrived: make(chan struct{}), release: make(chan struct{})}
	s.mu.Lock()
	if s.held == nil {
		s.held = map[string]*held{}
	}
	s.held[strconv.FormatInt(chat, 10)] = h
	s.mu.Unlock()
	var once sync.Once
	return h.arrived, func() { once.Do(func() { close(h.release) }) }
}

// hold waits while calls to the chat of params are held.
func (s *Server) hold(ctx context.Context, params map[string]string) {
	s.mu.Lock()
	h := s.held[params["chat_id"]]
	s.mu.Unlock()
	if h == nil {
		return
	}
	h.once.Do(func() { close(h.arrived) })
	select {
	case <-h.release:
	case <-ctx.Done():
	}
}

// EnforceRate makes the fake answer 429 (retry_after 1) to messages beyond
// perSecond, with burst allowed at once. 0 turns it off.
func (s *Server) EnforceRate(perSecond float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if perSecond <= 0 {
		s.limiter = nil
		return
	}
	s.limiter = rate.NewLimiter(rate.Limit(perSecond), burst)
}

// OnCall registers f to see every call once it is answered. f must not
// block for long.
func (s *Server) OnCall(f func(Call)) {
	s.mu.Lock()
	s.hook = f
	s.mu.Unlock()
}

// Calls returns the calls made, of the given methods (all when none).
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if len(methods) == 0 || contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// Sent returns the successful sends and edits, in order.
func (s *Server) Sent() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.IsMessage() && c.Status == http.StatusOK {
			out = append(out, c)
		}
	}
	return out
}

// Uploads counts the files uploaded (not sent by URL or file_id).
func (s *Server) Uploads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uploads
}

// Polls counts the getUpdates calls answered, and the updates in the
// answers (an update is in every answer until an offset confirms it).
func (s *Server) Polls() (calls, updates int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polls, s.polled
}

// LongPolling counts the getUpdates calls waiting for an update to come.
func (s *Server) LongPolling() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

// Pending counts the updates not confirmed by an offset yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// SetWebhook registers a webhook as if the bot had called setWebhook.
func (s *Server) SetWebhook(url, secret string) {
	s.mu.Lock()
	s.webhook, s.secret = url, secret
	s.mu.Unlock()
}

// Webhook returns the registered webhook URL and secret.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook, s.secret
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Inject queues an update for getUpdates; its UpdateID is assigned unless
// set. It returns the update id.
func (s *Server) Inject(u tgbotapi.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.UpdateID == 0 {
		u.UpdateID = int(s.nextID)
	}
	s.nextID = max(s.nextID, int64(u.UpdateID)+1)
	data, _ := json.Marshal(u)
	s.updates = append(s.updates, update{id: int64(u.UpdateID), data: data})
	close(s.wake)
	s.wake = make(chan struct{})
	return int64(u.UpdateID)
}

// TextUpdate builds a message update from user in chat (a private chat when
// they are equal, a supergroup otherwise).
func (s *Server) TextUpdate(chat, user int64, text string) tgbotapi.Update {
	id := int(time.Now().UnixNano()%1e9) + 1_000_000 // never one of the bot's
	s.mu.Lock()
	s.authors[[2]int64{chat, int64(id)}] = user
	s.mu.Unlock()
	return tgbotapi.Update{Message: &tgbotapi.Message{
		MessageID: id,
		From:      s.user(user),
		Chat:      chatOf(chat, user),
		Date:      int(time.Now().Unix()),
		Text:      text,
		Entities:  commandEntity(text),
	}}
}

// SendText injects a text message from user in chat.
func (s *Server) SendText(chat, user int64, text string) int64 {
	return s.Inject(s.TextUpdate(chat, user, text))
}

// PressUpdate builds a button press on message msgID in chat.
func (s *Server) PressUpdate(chat, user int64, msgID int, data string) tgbotapi.Update {
	s.mu.Lock()
	s.cbSeq++
	id := fmt.Sprintf("cb%d", s.cbSeq)
	s.callbacks[id] = false
	pressed := s.messages[[2]int64{chat, int64(msgID)}]
	s.mu.Unlock()
	m := &tgbotapi.Message{
		MessageID: msgID,
		From:      botUser(),
		Chat:      chatOf(chat, user),
		Date:      int(time.Now().Unix()),
	}
	if pressed.replyTo != 0 {
		from := botUser()
		if pressed.replyFrom != BotID {
			from = s.user(pressed.replyFrom)
		}
		m.ReplyToMessage = &tgbotapi.Message{MessageID: pressed.replyTo, From: from, Chat: m.Chat, Date: m.Date}
	}
	return tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{
		ID:           id,
		From:         s.user(user),
		Message:      m,
		ChatInstance: strconv.FormatInt(chat, 10),
		Data:         data,
	}}
}

func botUser() *tgbotapi.User {
	return &tgbotapi.User{ID: BotID, IsBot: true, FirstName: "Bottega", UserName: BotUsername}
}

// replyTarget reads which message a send answers (reply_parameters, or the
// older reply_to_message_id): 0 for none, or when it is gone and the bot
// allowed sending without it.
func (s *Server) replyTarget(p map[string]string) (id int, from int64, err *apiError) {
	allow := p["allow_sending_without_reply"] == "true"
	if rp := p["reply_parameters"]; rp != "" {
		var r struct {
			MessageID int  `json:"message_id"`
			Allow     bool `json:"allow_sending_without_reply"`
		}
		if json.Unmarshal([]byte(rp), &r) != nil || r.MessageID == 0 {
			return 0, 0, badRequest("can't parse reply parameters JSON object")
		}
		id, allow = r.MessageID, r.Allow
	} else if v := p["reply_to_message_id"]; v != "" {
		n, convErr := strconv.Atoi(v)
		if convErr != nil {
			return 0, 0, badRequest("wrong reply_to_message_id")
		}
		id = n
	}
	if id == 0 {
		return 0, 0, nil
	}
	chat, _ := strconv.ParseInt(p["chat_id"], 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.authors[[2]int64{chat, int64(id)}]; ok {
		return id, u, nil
	}
	if _, ok := s.messages[[2]int64{chat, int64(id)}]; ok {
		return id, BotID, nil
	}
	if allow {
		return 0, 0, nil
	}
	return 0, 0, badRequest("message to be replied not found")
}

// Press injects a button press and returns the update id.
func (s *Server) Press(chat, user int64, msgID int, data string) int64 {
	return s.Inject(s.PressUpdate(chat, user, msgID, data))
}

func (s *Server) user(id int64) *tgbotapi.User {
	return &tgbotapi.User{ID: id, FirstName: "Learner" + strconv.FormatInt(id%1000, 10), LanguageCode: "it"}
}

func chatOf(chat, user int64) *tgbotapi.Chat {
	if chat == user {
		return &tgbotapi.Chat{ID: chat, Type: "private", FirstName: "Learner"}
	}
	return &tgbotapi.Chat{ID: chat, Type: "supergroup", Title: "Group"}
}

func commandEntity(text string) []tgbotapi.MessageEntity {
	if !strings.HasPrefix(text, "/") {
		return nil
	}
	cmd, _, _ := strings.Cut(text, " ")
	return []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: len(utf16.Encode([]rune(cmd)))}}
}

// PostWebhook delivers u to the registered webhook as Telegram does, with
// the secret header, and returns the HTTP status.
func (s *Server) PostWebhook(ctx context.Context, u tgbotapi.Update) (int, error) {
	url, secret := s.Webhook()
	if url == "" {
		return 0, fmt.Errorf("no webhook registered")
	}
	return PostUpdate(ctx, url, secret, u)
}

// PostUpdate posts u to a webhook URL with the secret header.
func PostUpdate(ctx context.Context, url, secret string, u tgbotapi.Update) (int, error) {
	body, err := json.Marshal(u)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body) // only the status matters
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// apiError is an error answer.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: 400, desc: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	if strings.HasPrefix(r.URL.Path, "/file/") {
		s.serveFile(w, r) // see files.go
		return
	}
	token, method, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if !ok || !strings.HasPrefix(r.URL.Path, "/bot") {
		http.NotFound(w, r)
		return
	}
	if token != s.token {
		writeError(w, &apiError{code: 401, desc: "Unauthorized"})
		return
	}
	params, files, names, err := readParams(r)
	if err != nil {
		writeError(w, badRequest("%v", err))
		return
	}
	call := Call{Method: method, Params: params, Files: files, FileNames: names, At: at, Status: 200}
	s.hold(r.Context(), params)
	f := s.takeFault(method)
	if f != nil && f.Stall > 0 {
		select {
		case <-time.After(f.Stall):
		case <-r.Context().Done():
		}
		call.Stalled = time.Since(at)
	}
	if method == "getUpdates" {
		if f != nil && f.Code != 0 {
			writeFault(w, f)
			return
		}
		res, aerr := s.getUpdates(r.Context(), params)
		if aerr != nil {
			call.Status = aerr.code
			writeError(w, aerr)
		} else {
			writeResult(w, res)
		}
		return // polls are not recorded: there are too many
	}
	if f != nil && f.Code != 0 {
		call.Status = f.Code
		writeFault(w, f)
	} else if res, aerr := s.handle(&call); aerr != nil {
		call.Status = aerr.code
		writeError(w, aerr)
	} else {
		writeResult(w, res)
	}
	s.mu.Lock()
	if !s.unlogged {
		s.calls = append(s.calls, call)
	}
	hook := s.hook
	s.mu.Unlock()
	if hook != nil {
		hook(call)
	}
}

func (s *Server) takeFault(method string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.method == method || (f.method == "" && method != "getUpdates") {
			if f.left == 0 {
				return f // every call
			}
			f.left--
			if f.left == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

func readParams(r *http.Request) (map[string]string, map[string][]byte, map[string]string, error) {
	params := map[string]string{}
	files := map[string][]byte{}
	names := map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(64 << 20); err != nil { // #nosec G120 -- a test fake: its requests come from the code under test
			return nil, nil, nil, err
		}
		for k, v := range r.MultipartForm.Value {
			params[k] = v[0]
		}
		for k, fhs := range r.MultipartForm.File {
			f, err := fhs[0].Open()
			if err != nil {
				return nil, nil, nil, err
			}
			b, err := io.ReadAll(f)
			_ = f.Close() // read only: what was read is checked
			if err != nil {
				return nil, nil, nil, err
			}
			files[k] = b
			names[k] = fhs[0].Filename
		}
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return nil, nil, nil, err
		}
		for k, v := range m {
			if s, ok := v.(string); ok {
				params[k] = s
			} else {
				b, _ := json.Marshal(v)
				params[k] = string(b)
			}
		}
	default:
		if err := readForm(r, params); err != nil {
			return nil, nil, nil, err
		}
	}
	return params, files, names, nil
}

// readForm reads a urlencoded body, then the query, into params: the first
// value of a name in each, the query's winning. It is what ParseForm gives
// for these calls, with a fraction of its garbage: under load the fake
// should cost little next to the bot.
func readForm(r *http.Request, params map[string]string) error {
	if r.Body != nil && r.Method != http.MethodGet {
		var body bytes.Buffer
		if n := r.ContentLength; n > 0 && n < 64<<20 {
			body.Grow(int(n) + bytes.MinRead)
		}
		if _, err := body.ReadFrom(io.LimitReader(r.Body, 64<<20)); err != nil {
			return err
		}
		if err := addForm(params, body.String()); err != nil {
			return err
		}
	}
	if r.URL.RawQuery == "" {
		return nil
	}
	query := map[string]string{}
	if err := addForm(query, r.URL.RawQuery); err != nil {
		return err
	}
	for k, v := range query {
		params[k] = v
	}
	return nil
}

// addForm adds the urlencoded pairs of q to params, but for names already
// there.
func addForm(params map[string]string, q string) error {
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			return err
		}
		if v, err = url.QueryUnescape(v); err != nil {
			return err
		}
		if _, ok := params[k]; !ok {
			params[k] = v
		}
	}
	return nil
}

func writeResult(w http.ResponseWriter, res any) {
	var b []byte
	if raw, ok := res.(json.RawMessage); ok {
		b = raw
	} else {
		b, _ = json.Marshal(res)
	}
	const prefix, suffix = `{"ok":true,"result":`, `}`
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(prefix)+len(b)+len(suffix)))
	// A client that went away gets nothing: there is no one to tell.
	_, _ = io.WriteString(w, prefix)
	_, _ = w.Write(b)
	_, _ = io.WriteString(w, suffix)
}

func writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"ok": false, "error_code": e.code, "description": e.desc}
	if e.retryAfter > 0 {
		body["parameters"] = map[string]int{"retry_after": e.retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.code)
	_ = json.NewEncoder(w).Encode(body) // the client went away: nothing to do
}

// writeFault answers as f says: the Bot API's error, or a proxy's page.
func writeFault(w http.ResponseWriter, f *fault) {
	if !f.Proxy {
		writeError(w, f.apiError())
		return
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(f.Code)
	fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><center><h1>%[1]d %[2]s</h1></center><hr><center>nginx</center></body></html>\n", f.Code, http.StatusText(f.Code))
}

func (s *Server) getUpdates(ctx context.Context, p map[string]string) (json.RawMessage, *apiError) {
	offset, _ := strconv.ParseInt(p["offset"], 10, 64)
	limit, _ := strconv.Atoi(p["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p["timeout"])
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if s.webhook != "" {
			s.mu.Unlock()
			return nil, &apiError{code: 409, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		}
		if offset > 0 {
			// Telegram forgets what the offset confirms.
			i := 0
			for i < len(s.updates) && s.updates[i].id < offset {
				i++
			}
			s.updates = s.updates[i:]
		}
		n, size := 0, 2
		for _, u := range s.updates[:min(limit, len(s.updates))] {
			size += len(u.data) + 1
		}
		buf := bytes.NewBuffer(make([]byte, 0, size))
		buf.WriteByte('[')
		for _, u := range s.updates {
			if n == limit {
				break
			}
			if n > 0 {
				buf.WriteByte(',')
			}
			buf.Write(u.data)
			n++
		}
		buf.WriteByte(']')
		wake := s.wake
		if n > 0 || timeout <= 0 {
			s.polls++
			s.polled += n
		}
		s.mu.Unlock()
		if n > 0 || timeout <= 0 {
			return buf.Bytes(), nil
		}
		if !s.wait(ctx, wake, deadline.C) {
			return json.RawMessage("[]"), nil
		}
	}
}

// wait waits for an update (true), the long poll's deadline or the client
// going away.
func (s *Server) wait(ctx context.Context, wake <-chan struct{}, deadline <-chan time.Time) bool {
	s.mu.Lock()
	s.waiting++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.waiting--
		s.mu.Unlock()
	}()
	select {
	case <-wake:
		return true
	case <-deadline:
	case <-ctx.Done():
	}
	return false
}

// handle answers every method but getUpdates.
func (s *Server) handle(c *Call) (any, *apiError) {
	p := c.Params
	if c.IsMessage() {
		s.mu.Lock()
		lim := s.limiter
		s.mu.Unlock()
		if lim != nil && !lim.Allow() {
			return nil, &apiError{code: 429, desc: "Too Many Requests: retry after 1", retryAfter: 1}
		}
	}
	switch c.Method {
	case "getFile":
		return s.getFile(p) // see files.go
	case "getMe":
		return tgbotapi.User{ID: BotID, IsBot: true, FirstName: "Bottega", UserName: BotUsername}, nil
	case "sendMessage":
		if err := checkText(p["text"], p["parse_mode"], 4096, "message is too long"); err != nil {
			return nil, err
		}
		if err := checkMarkup(c); err != nil {
			return nil, err
		}
		rt, from, err := s.replyTarget(p)
		if err != nil {
			return nil, err
		}
		return s.newMessage(c, message{text: p["text"], markup: p["reply_markup"], replyTo: rt, replyFrom: from}, nil), nil
	case "editMessageText", "editMessageReplyMarkup":
		chat, _ := strconv.ParseInt(p["chat_id"], 10, 64)
		id, _ := strconv.Atoi(p["message_id"])
		if c.Method == "editMessageText" {
			if err := checkText(p["text"], p["parse_mode"], 4096, "MESSAGE_TOO_LONG"); err != nil {
				return nil, err
			}
		}
		if err := checkMarkup(c); err != nil {
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		old, ok := s.messages[[2]int64{chat, int64(id)}]
		if !ok {
			return nil, badRequest("message to edit not found")
		}
		m := old
		m.markup = p["reply_markup"]
		if c.Method == "editMessageText" {
			m.text = p["text"]
		}
		if m == old {
			return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
		}
		s.messages[[2]int64{chat, int64(id)}] = m
		c.MessageID = id
		return edited{MessageID: id, Date: time.Now().Unix(), Chat: chatRef{ID: chat, Type: chatType(chat)}, Text: m.text}, nil
	case "answerCallbackQuery":
		s.mu.Lock()
		defer s.mu.Unlock()
		id := p["callback_query_id"]
		if answered, ok := s.callbacks[id]; !ok || answered {
			return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
		}
		s.callbacks[id] = true
		return true, nil
	case "sendPhoto", "sendVideo", "sendDocument":
		field := strings.ToLower(strings.TrimPrefix(c.Method, "send"))
		if err := checkText(p["caption"], p["parse_mode"], 1024, "message caption is too long"); err != nil {
			return nil, err
		}
		if err := checkMarkup(c); err != nil {
			return nil, err
		}
		rt, from, rerr := s.replyTarget(p)
		if rerr != nil {
			return nil, rerr
		}
		s.mu.Lock()
		var fileID string
		switch src := p[field]; {
		case c.Files[field] != nil:
			s.uploads++
			s.fileSeq++
			fileID = fmt.Sprintf("%s-file-%d", field, s.fileSeq)
			s.files[fileID] = true
		case strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://"):
			s.fileSeq++
			fileID = fmt.Sprintf("%s-url-%d", field, s.fileSeq)
			s.files[fileID] = true
		case s.files[src]:
			fileID = src
		default:
			s.mu.Unlock()
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
		s.mu.Unlock()
		media := map[string]any{"file_id": fileID, "file_unique_id": "u" + fileID}
		extra := map[string]any{}
		switch field {
		case "photo":
			small := map[string]any{"file_id": fileID + "-small", "file_unique_id": "s" + fileID, "width": 90, "height": 90}
			media["width"], media["height"] = 1280, 960
			extra["photo"] = []any{small, media}
		default:
			extra[field] = media
		}
		return s.newMessage(c, message{text: p["caption"], markup: p["reply_markup"], replyTo: rt, replyFrom: from}, extra), nil
	case "setMyCommands":
		var cmds []tgbotapi.BotCommand
		if err := json.Unmarshal([]byte(p["commands"]), &cmds); err != nil || len(cmds) == 0 {
			return nil, badRequest("commands must be a non-empty JSON array")
		}
		for _, cmd := range cmds {
			if !commandRE.MatchString(cmd.Command) || cmd.Description == "" || len([]rune(cmd.Description)) > 256 {
				return nil, badRequest("BOT_COMMAND_INVALID")
			}
		}
		return true, nil
	case "setMyDescription":
		if len([]rune(p["description"])) > 512 {
			return nil, badRequest("description is too long")
		}
		return true, nil
	case "setWebhook":
		s.mu.Lock()
		s.webhook, s.secret = p["url"], p["secret_token"]
		s.mu.Unlock()
		return true, nil
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook, s.secret = "", ""
		if p["drop_pending_updates"] == "true" {
			s.updates = nil
		}
		s.mu.Unlock()
		return true, nil
	case "getWebhookInfo":
		url, _ := s.Webhook()
		return map[string]any{"url": url, "pending_update_count": s.Pending()}, nil
	}
	return nil, &apiError{code: 404, desc: "Not Found: method not found"}
}

var commandRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

func (s *Server) newMessage(c *Call, m message, extra map[string]any) json.RawMessage {
	chat, _ := strconv.ParseInt(c.Params["chat_id"], 10, 64)
	s.mu.Lock()
	s.msgSeq[chat]++
	id := s.msgSeq[chat]
	s.messages[[2]int64{chat, int64(id)}] = m
	s.mu.Unlock()
	c.MessageID = id
	out := map[string]any{
		"message_id": id,
		"date":       time.Now().Unix(),
		"chat":       map[string]any{"id": chat, "type": chatType(chat)},
		"from":       map[string]any{"id": BotID, "is_bot": true, "first_name": "Bottega", "username": BotUsername},
	}
	if m.text != "" {
		if _, ok := c.Params["text"]; ok {
			out["text"] = m.text
		} else {
			out["caption"] = m.text
		}
	}
	if m.markup != "" {
		out["reply_markup"] = json.RawMessage(m.markup)
	}
	if m.replyTo != 0 {
		from := any(botUser())
		if m.replyFrom != BotID {
			from = s.user(m.replyFrom)
		}
		out["reply_to_message"] = map[string]any{"message_id": m.replyTo, "from": from,
			"chat": map[string]any{"id": chat, "type": chatType(chat)}, "date": time.Now().Unix()}
	}
	for k, v := range extra {
		out[k] = v
	}
	b, _ := json.Marshal(out)
	return b
}

// edited is the message an edit returns: what the bot may read of it.
type edited struct {
	MessageID int     `json:"message_id"`
	Date      int64   `json:"date"`
	Chat      chatRef `json:"chat"`
	Text      string  `json:"text,omitempty"`
}

type chatRef struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
}

func chatType(id int64) string {
	if id < 0 {
		return "supergroup"
	}
	return "private"
}

var (
	tagRE    = regexp.MustCompile(`^</?(b|strong|i|em|u|ins|s|strike|del|a|code|pre|span|tg-spoiler|tg-emoji|blockquote)( [^<>]*)?>`)
	entityRE = regexp.MustCompile(`^&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);`)
)

// checkText validates text as Telegram does: the HTML must parse, and the
// text it stands for must fit the limit (in UTF-16 units).
func checkText(text, parseMode string, limit int, tooLong string) *apiError {
	n := 0 // UTF-16 units of the text shown
	if !strings.EqualFold(parseMode, "HTML") {
		n = utf16Len(text)
	} else {
		for i := 0; i < len(text); {
			switch text[i] {
			case '<':
				m := tagRE.FindString(text[i:])
				if m == "" {
					return badRequest("can't parse entities: unsupported start tag at byte offset %d", i)
				}
				i += len(m)
			case '&':
				if m := entityRE.FindString(text[i:]); m != "" {
					i += len(m)
				} else {
					i++ // Telegram tolerates a bare &
				}
				n++
			case '>':
				return badRequest("can't parse entities: unexpected end tag at byte offset %d", i)
			default:
				j := i + 1
				for j < len(text) && text[j] != '<' && text[j] != '&' && text[j] != '>' {
					j++
				}
				n += utf16Len(text[i:j])
				i = j
			}
		}
	}
	if n > limit {
		return badRequest("%s", tooLong)
	}
	return nil
}

// utf16Len is the length of s in UTF-16 units, as Telegram counts.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++ // a surrogate pair
		}
	}
	return n
}

// checkMarkup validates the call's reply_markup, and keeps it decoded.
func checkMarkup(c *Call) *apiError {
	s := c.Params["reply_markup"]
	if s == "" {
		return nil
	}
	var m tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return badRequest("can't parse reply keyboard markup JSON object")
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil && len(*b.CallbackData) > 64 {
				return badRequest("BUTTON_DATA_INVALID")
			}
			if b.Text == "" {
				return badRequest("BUTTON_TEXT_EMPTY") // hypothetical but strict
			}
		}
	}
	c.keyboard = &m
	return nil
}

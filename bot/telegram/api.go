package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Error is a failed Bot API call. Its text never contains the bot token: the
// library's errors embed the request URL, so they are rewritten here and
// never wrapped.
type Error struct {
	Method string
	// Code is Telegram's error_code, or the HTTP status when the answer was
	// not the Bot API's JSON; 0 when no answer arrived.
	Code        int
	Description string
	// RetryAfter is how long Telegram asked us to wait (429).
	RetryAfter time.Duration
	// Timeout is set when the request timed out.
	Timeout bool
	ctxErr  error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("telegram " + e.Method)
	if e.Code != 0 {
		fmt.Fprintf(&b, ": %d", e.Code)
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Unwrap exposes context cancellation, and nothing that could carry the
// token.
func (e *Error) Unwrap() error { return e.ctxErr }

// temporary reports whether trying again may succeed.
func (e *Error) temporary() bool {
	return e.ctxErr == nil && (e.Code == 0 || e.Code == http.StatusTooManyRequests || e.Code >= 500)
}

// idempotent reports whether repeating a call whose answer was lost does no
// harm: reads, edits, settings and callback answers, but not sends.
func idempotent(method string) bool {
	for _, p := range []string{"get", "edit", "set", "delete", "answerCallbackQuery"} {
		if strings.HasPrefix(method, p) {
			return true
		}
	}
	return false
}

func codeOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

func descriptionHas(err error, s string) bool {
	var e *Error
	return errors.As(err, &e) && strings.Contains(strings.ToLower(e.Description), s)
}

// client makes Bot API calls, adding what the library lacks: a context per
// call, redacted errors, and retries. Calls with plain parameters (all but
// uploads and a few rare ones) skip the library: it builds a form through
// several maps and decodes every answer twice, which was a good part of the
// CPU an update costs.
type client struct {
	token    string
	endpoint string
	http     *http.Client
	redactor *strings.Replacer
	urls     sync.Map // method -> its URL
	// retries bounds the attempts after a 5xx or a network error; 429s are
	// retried up to maxRateRetries times, each after Telegram's retry_after.
	retries        int
	maxRateRetries int
	backoff        time.Duration
	timeout        time.Duration
	// wait is called before every attempt of a limited call (rate limits).
	sleep func(ctx context.Context, d time.Duration) error
}

func newClient(token, endpoint string, hc *http.Client) *client {
	pairs := []string{token, "<token>"}
	if e := url.PathEscape(token); e != token {
		pairs = append(pairs, e, "<token>")
	}
	if e := url.QueryEscape(token); e != token {
		pairs = append(pairs, e, "<token>")
	}
	return &client{
		token:          token,
		endpoint:       endpoint,
		http:           hc,
		redactor:       strings.NewReplacer(pairs...),
		retries:        4,
		maxRateRetries: 8,
		backoff:        500 * time.Millisecond,
		timeout:        30 * time.Second,
		sleep:          sleep,
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return c.redactor.Replace(s)
}

// doer gives one call its context and remembers the HTTP status, which the
// library drops for uploads.
type doer struct {
	ctx    context.Context
	http   *http.Client
	status int
}

func (d *doer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.http.Do(req.WithContext(d.ctx))
	if resp != nil {
		d.status = resp.StatusCode
	}
	return resp, err
}

// callFunc is one request: plain parameters posted as a form, or a request
// the library makes (uploads, and configs sent as they are).
type callFunc struct {
	form tgbotapi.Params
	lib  func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error)
}

// once makes one attempt of a call, with its own timeout.
func (c *client) once(ctx context.Context, method string, timeout time.Duration, fn callFunc) (json.RawMessage, error) {
	if timeout <= 0 {
		timeout = c.timeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var (
		res    json.RawMessage
		status int
		err    error
	)
	if fn.lib == nil {
		res, status, err = c.post(cctx, method, fn.form)
	} else {
		d := &doer{ctx: cctx, http: c.http}
		// A BotAPI value per call carries the call's context in its
		// client; it is a small struct and NewBotAPI* would call getMe.
		api := &tgbotapi.BotAPI{Token: c.token, Client: d}
		api.SetAPIEndpoint(c.endpoint)
		var resp *tgbotapi.APIResponse
		resp, err = fn.lib(api)
		status = d.status
		if err == nil {
			if resp == nil {
				return nil, &Error{Method: method, Description: "empty response"}
			}
			res = resp.Result
		}
	}
	if err == nil {
		return res, nil
	}
	e := &Error{Method: method}
	var te *tgbotapi.Error
	switch {
	case ctx.Err() != nil:
		e.Description, e.ctxErr = ctx.Err().Error(), ctx.Err()
	case errors.As(err, &te):
		e.Code = te.Code
		if e.Code == 0 {
			e.Code = status
		}
		e.Description = c.redact(te.Message)
		e.RetryAfter = time.Duration(te.RetryAfter) * time.Second
	default:
		if status >= 300 {
			e.Code = status
		}
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
			e.Timeout = true
			e.Description = "timed out after " + timeout.String()
		} else {
			e.Description = c.redact(err.Error())
		}
	}
	return nil, e
}

// call makes a call, retrying 429s after retry_after and 5xx or network
// errors with bounded exponential backoff. before runs ahead of every
// attempt (it waits for the rate limiters).
func (c *client) call(ctx context.Context, method string, before func(context.Context) error, fn callFunc) (json.RawMessage, error) {
	return c.callTimeout(ctx, method, 0, before, fn)
}

// callTimeout is call with a timeout per attempt other than the default.
func (c *client) callTimeout(ctx context.Context, method string, timeout time.Duration, before func(context.Context) error, fn callFunc) (json.RawMessage, error) {
	rateRetries, retries := 0, 0
	for {
		if before != nil {
			if err := before(ctx); err != nil {
				return nil, &Error{Method: method, Description: "rate limiter: " + err.Error(), ctxErr: ctx.Err()}
			}
		}
		res, err := c.once(ctx, method, timeout, fn)
		if err == nil {
			return res, nil
		}
		var e *Error
		if !errors.As(err, &e) || !e.temporary() {
			return nil, err
		}
		if e.Timeout && !idempotent(method) {
			// The request may have reached Telegram: sending it again could
			// deliver the message twice. The caller decides (the outbox
			// resends it after a restart; a broadcast marks it uncertain).
			return nil, err
		}
		var wait time.Duration
		if e.Code == http.StatusTooManyRequests {
			if rateRetries >= c.maxRateRetries {
				return nil, err
			}
			rateRetries++
			wait = e.RetryAfter
			if wait <= 0 {
				wait = time.Second
			}
		} else {
			if retries >= c.retries {
				return nil, err
			}
			wait = c.backoff << retries
			wait += rand.N(wait/2 + 1)
			retries++
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, &Error{Method: method, Description: err.Error(), ctxErr: err}
		}
	}
}

// raw calls a Bot API method with plain parameters, or with files: those to
// upload go through the library.
func raw(method string, params tgbotapi.Params, files ...tgbotapi.RequestFile) callFunc {
	for _, f := range files {
		if f.Data.NeedsUpload() {
			return callFunc{lib: func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) {
				return api.UploadFiles(method, params, files)
			}}
		}
	}
	for _, f := range files {
		params[f.Name] = f.Data.SendData()
	}
	return callFunc{form: params}
}

// request sends a config the library knows, through the library.
func request(c tgbotapi.Chattable) callFunc {
	return callFunc{lib: func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return api.Request(c) }}
}

// url is the address of a method.
func (c *client) url(method string) string {
	if u, ok := c.urls.Load(method); ok {
		return u.(string)
	}
	u := fmt.Sprintf(c.endpoint, c.token, method)
	c.urls.Store(method, u)
	return u
}

// answer is the Bot API's answer to a call.
type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// okPrefix starts every successful answer of the Bot API.
var okPrefix = []byte(`{"ok":true,"result":`)

// maxAnswer bounds the answer read (getUpdates' hundred updates are far
// below it).
const maxAnswer = 64 << 20

// post makes a call with plain parameters as the library does (a form,
// POSTed), and returns its result, the HTTP status, and a *tgbotapi.Error
// when Telegram refused the call, as the library would.
func (c *client) post(ctx context.Context, method string, params tgbotapi.Params) (json.RawMessage, int, error) {
	var body strings.Builder
	n := 0
	for k, v := range params {
		n += len(k) + len(v) + 2
	}
	body.Grow(n + n/4) // room for some escapes
	for k, v := range params {
		if body.Len() > 0 {
			body.WriteByte('&')
		}
		body.WriteString(url.QueryEscape(k))
		body.WriteByte('=')
		body.WriteString(url.QueryEscape(v))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url(method), strings.NewReader(body.String()))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n < maxAnswer {
		buf.Grow(int(n) + bytes.MinRead) // one allocation, where ReadAll makes a dozen for getUpdates
	}
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, maxAnswer)); err != nil {
		return nil, resp.StatusCode, err
	}
	b := buf.Bytes()
	// The usual answer is not decoded here: callers decode (and so check)
	// what they use of the result, and most of a getUpdates answer is
	// updates already seen, skipped after reading their id.
	if t := bytes.TrimSpace(b); bytes.HasPrefix(t, okPrefix) && t[len(t)-1] == '}' {
		return bytes.TrimSpace(t[len(okPrefix) : len(t)-1]), resp.StatusCode, nil
	}
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, resp.StatusCode, err
	}
	if !a.OK {
		te := &tgbotapi.Error{Code: a.ErrorCode, Message: a.Description}
		if a.Parameters != nil {
			te.RetryAfter = a.Parameters.RetryAfter
		}
		return nil, resp.StatusCode, te
	}
	return a.Result, resp.StatusCode, nil
}

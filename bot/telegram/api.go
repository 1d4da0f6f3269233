package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
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
	// Timeout is set when the request timed out: it may have reached
	// Telegram, so a send that timed out may have been delivered.
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

// request is one Bot API call made through the library.
type request struct {
	method string
	do     func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error)
	// wait runs before every attempt (the rate limiters); nil for none.
	wait func(ctx context.Context) error
	// timeout bounds each attempt (0: the client's default).
	timeout time.Duration
}

// config is a call of a method the library has a config for.
func config(method string, c tgbotapi.Chattable) request {
	return request{method: method, do: func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return api.Request(c) }}
}

// params is a call with plain parameters and files, for methods or
// parameters newer than the library; files are uploaded, or sent by
// file_id or URL, as the library does for its configs.
func params(method string, p tgbotapi.Params, files ...tgbotapi.RequestFile) request {
	return request{method: method, do: func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) {
		for _, f := range files {
			if f.Data.NeedsUpload() {
				return api.UploadFiles(method, p, files)
			}
		}
		for _, f := range files {
			p[f.Name] = f.Data.SendData()
		}
		return api.MakeRequest(method, p)
	}}
}

// client makes Bot API calls through the library, adding what it lacks: a
// context per call, errors without the token, and retries.
type client struct {
	token    string
	endpoint string
	http     *http.Client
	redactor *strings.Replacer
	// retries bounds the attempts after a 5xx or a network error, with
	// exponential backoff from backoff; 429s are retried up to
	// maxRateRetries times, each after Telegram's retry_after.
	retries        int
	maxRateRetries int
	backoff        time.Duration
	timeout        time.Duration
	// sleep waits between attempts.
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

// doer gives the library's requests the context of one call, and remembers
// the HTTP status, which the library drops when the answer is not the Bot
// API's JSON (a proxy's 502) and for uploads.
type doer struct {
	ctx    context.Context
	http   *http.Client
	status int
}

func (d *doer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.http.Do(req.WithContext(d.ctx)) // #nosec G704 -- the URL is built from TELEGRAM_API_ENDPOINT, set by the operator, not from a request
	if resp != nil {
		d.status = resp.StatusCode
	}
	return resp, err
}

// once makes one attempt of r, with its own timeout, and returns its
// result.
func (c *client) once(ctx context.Context, r request) (json.RawMessage, error) {
	timeout := r.timeout
	if timeout <= 0 {
		timeout = c.timeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d := &doer{ctx: cctx, http: c.http}
	// A BotAPI value per call carries the call's context in its client: it
	// is a small struct, and NewBotAPI* would call getMe.
	api := &tgbotapi.BotAPI{Token: c.token, Client: d}
	api.SetAPIEndpoint(c.endpoint)
	resp, err := r.do(api)
	if err == nil {
		if resp == nil {
			return nil, &Error{Method: r.method, Description: "empty response"}
		}
		return resp.Result, nil
	}
	e := &Error{Method: r.method}
	var te *tgbotapi.Error
	var ne net.Error
	switch {
	case ctx.Err() != nil:
		e.Description, e.ctxErr = ctx.Err().Error(), ctx.Err()
	case errors.As(err, &te):
		e.Code = te.Code
		if e.Code == 0 {
			e.Code = d.status
		}
		e.Description = c.redact(te.Message)
		e.RetryAfter = time.Duration(te.RetryAfter) * time.Second
	case cctx.Err() != nil || (errors.As(err, &ne) && ne.Timeout()):
		// Also while the answer was read: the request may have arrived.
		e.Timeout = true
		e.Description = "timed out after " + timeout.String()
	default:
		if d.status >= 300 {
			e.Code = d.status
		}
		e.Description = c.redact(err.Error())
	}
	return nil, e
}

// call makes r, retrying 429s after retry_after and 5xx or network errors
// with bounded exponential backoff. A send whose answer timed out is not
// repeated.
func (c *client) call(ctx context.Context, r request) (json.RawMessage, error) {
	rateRetries, retries := 0, 0
	for {
		if r.wait != nil {
			if err := r.wait(ctx); err != nil {
				return nil, &Error{Method: r.method, Description: "rate limiter: " + err.Error(), ctxErr: ctx.Err()}
			}
		}
		res, err := c.once(ctx, r)
		if err == nil {
			return res, nil
		}
		var e *Error
		if !errors.As(err, &e) || !e.temporary() {
			return nil, err
		}
		if e.Timeout && !idempotent(r.method) {
			// The request may have reached Telegram: sending it again could
			// deliver the message twice. The caller records it as uncertain
			// (the dispatcher for a reply, the delivery table for a broadcast)
			// and never sends it again.
			return nil, err
		}
		var wait time.Duration
		if e.Code == http.StatusTooManyRequests {
			if rateRetries >= c.maxRateRetries {
				return nil, err
			}
			rateRetries++
			wait = max(e.RetryAfter, time.Second)
		} else {
			if retries >= c.retries {
				return nil, err
			}
			wait = c.backoff << retries
			wait += rand.N(wait/2 + 1) // #nosec G404 -- jitter for retries: nothing to guess
			retries++
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, &Error{Method: r.method, Description: err.Error(), ctxErr: err}
		}
	}
}

// decode reads a call's result into v.
func decode(method string, res json.RawMessage, v any) error {
	if err := json.Unmarshal(res, v); err != nil {
		return fmt.Errorf("read %s answer: %w", method, err)
	}
	return nil
}

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

// client makes Bot API calls through the library, adding what it lacks: a
// context per call, redacted errors, and retries.
type client struct {
	token    string
	endpoint string
	http     *http.Client
	redactor *strings.Replacer
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

// callFunc is one request made with the library.
type callFunc func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error)

// once makes one attempt of a call, with its own timeout.
func (c *client) once(ctx context.Context, method string, timeout time.Duration, fn callFunc) (json.RawMessage, error) {
	if timeout <= 0 {
		timeout = c.timeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d := &doer{ctx: cctx, http: c.http}
	// A BotAPI value per call carries the call's context in its client;
	// it is a small struct and NewBotAPI* would call getMe.
	api := &tgbotapi.BotAPI{Token: c.token, Client: d}
	api.SetAPIEndpoint(c.endpoint)
	resp, err := fn(api)
	if err == nil {
		if resp == nil {
			return nil, &Error{Method: method, Description: "empty response"}
		}
		return resp.Result, nil
	}
	e := &Error{Method: method}
	var te *tgbotapi.Error
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
	default:
		if d.status >= 300 {
			e.Code = d.status
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

// raw calls a Bot API method the library lacks, or a field it lacks, with
// its generic request function.
func raw(method string, params tgbotapi.Params, files ...tgbotapi.RequestFile) callFunc {
	return func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) {
		for _, f := range files {
			if f.Data.NeedsUpload() {
				return api.UploadFiles(method, params, files)
			}
		}
		for _, f := range files {
			params[f.Name] = f.Data.SendData()
		}
		return api.MakeRequest(method, params)
	}
}

// request sends a config the library knows.
func request(c tgbotapi.Chattable) callFunc {
	return func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return api.Request(c) }
}

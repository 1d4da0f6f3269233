package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"time"
)

// Error is a failed Graph API call: the error object Meta answered
// ({"error":{"message","type","code","error_subcode","error_data":
// {"details"},"fbtrace_id"}}), a status webhook's error, or a network
// failure (Code 0). Its text never contains the access token.
type Error struct {
	// Status is the HTTP status (0 for a network error or a status
	// webhook).
	Status    int
	Code      int
	Subcode   int
	Message   string
	Details   string
	FBTraceID string
	// Timeout is set when the request left and its answer was lost: the
	// message may have arrived.
	Timeout bool
}

func (e *Error) Error() string {
	var b bytes.Buffer
	b.WriteString("whatsapp")
	if e.Code != 0 {
		fmt.Fprintf(&b, " error %d", e.Code)
	} else if e.Status != 0 {
		fmt.Fprintf(&b, " HTTP %d", e.Status)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Details != "" {
		b.WriteString(" (" + e.Details + ")")
	}
	if e.FBTraceID != "" {
		b.WriteString(" fbtrace_id " + e.FBTraceID)
	}
	return b.String()
}

// Error codes that Bottega acts on.
const (
	codeToken        = 190
	codeBlocked      = 368
	codeThroughput   = 130429
	codeUndeliver    = 131026
	codeLocked       = 131031
	codeWindow       = 131047
	codeMarketingCap = 131049
	codeOptedOut     = 131050
	codePairRate     = 131056
)

// How long to wait after an error, before the next try: the number's
// throughput passes in seconds, a learner's marketing cap in a day (the pair
// rate's wait is Options.PairInterval).
const (
	throughputWait = 2 * time.Second
	capWait        = 24 * time.Hour
)

// What an error means for its message, as package bot asks (see
// bot.UncertainError and its siblings).

// Uncertain reports whether the message may have arrived.
func (e *Error) Uncertain() bool { return e.Timeout }

// RetryIn is how long every send waits after the number's throughput was
// exceeded (130429).
func (e *Error) RetryIn() time.Duration {
	if e.Code == codeThroughput {
		return throughputWait
	}
	return 0
}

// RecipientRetryIn is how long this learner's messages wait while others'
// go on: after the pair rate (131056) a few seconds, after the marketing
// cap (131049) a day.
func (e *Error) RecipientRetryIn() time.Duration {
	switch e.Code {
	case codePairRate:
		return DefaultPairInterval
	case codeMarketingCap:
		return capWait
	}
	return 0
}

// LateFailure is an error that WhatsApp reports in a failed status after
// accepting a message, which a reminder or a broadcast survives: it goes
// again after Wait, as a template when OutsideWindow says the learner's
// 24-hour window was closed.
type LateFailure struct {
	Code          int
	Wait          time.Duration
	OutsideWindow bool
}

// LateFailures are the failures a reminder or a broadcast is sent again
// after: outside the window (131047: a template goes instead, or nothing
// when none is configured) and the marketing cap (131049: again in a day).
func LateFailures() []LateFailure {
	return []LateFailure{{Code: codeWindow, OutsideWindow: true}, {Code: codeMarketingCap, Wait: capWait}}
}

// Gone reports whether the learner cannot be reached on WhatsApp: the
// number is not on WhatsApp (131026) or they stopped the business's
// messages (131050).
func (e *Error) Gone() bool { return e.Code == codeUndeliver || e.Code == codeOptedOut }

// Rejected reports whether Meta refused the message itself (a bad
// parameter, an unknown template): sending it again fails the same way.
func (e *Error) Rejected() bool {
	switch {
	case e.Fatal() || e.RetryIn() > 0 || e.RecipientRetryIn() > 0 || e.Gone() || e.Timeout:
		return false
	case e.Code == codeWindow:
		return true
	case e.Code == 100 || e.Code == 131008 || e.Code == 131009 || e.Code == 131051 || e.Code == 131052 || e.Code == 131053:
		return true
	case e.Code >= 132000 && e.Code < 133000: // templates
		return true
	}
	return false
}

// Fatal reports whether the account cannot send at all until a person acts:
// the token is invalid or expired (190), the account is blocked for policy
// violations (368) or locked (131031).
func (e *Error) Fatal() bool {
	return e.Code == codeToken || e.Code == codeBlocked || e.Code == codeLocked
}

// OutsideWindow reports whether the message was refused because the
// learner's 24-hour window is closed (131047): a template may go instead.
func (e *Error) OutsideWindow() bool { return e.Code == codeWindow }

// client calls the Graph API.
type client struct {
	http     *http.Client
	base     string // endpoint + "/" + version + "/" + phone number id
	token    string
	timeout  time.Duration
	retries  int
	backoff  time.Duration
	uploadTO time.Duration
}

// graphError is the body of an error answer.
type graphError struct {
	Error *struct {
		Message   string `json:"message"`
		Code      int    `json:"code"`
		Subcode   int    `json:"error_subcode"`
		FBTraceID string `json:"fbtrace_id"`
		ErrorData struct {
			Details string `json:"details"`
		} `json:"error_data"`
	} `json:"error"`
}

// post sends a JSON body to path (messages, media) and decodes the answer
// into out. 5xx answers and failures to connect are tried again with a
// backoff; a request whose answer timed out is not (it may have arrived).
func (c *client) post(ctx context.Context, path string, body any, out any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	return c.do(ctx, path, "application/json", func() io.Reader { return bytes.NewReader(data) }, c.timeout, out)
}

// upload sends a file to /media and returns its media id.
func (c *client) upload(ctx context.Context, name, mimeType string, data []byte) (string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("messaging_product", "whatsapp")
	_ = w.WriteField("type", mimeType)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", mimeType)
	part, err := w.CreatePart(h)
	if err != nil {
		return "", err
	}
	_, _ = part.Write(data)
	if err := w.Close(); err != nil {
		return "", err
	}
	body := buf.Bytes()
	var res struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, "media", w.FormDataContentType(), func() io.Reader { return bytes.NewReader(body) }, c.uploadTO, &res); err != nil {
		return "", err
	}
	if res.ID == "" {
		return "", &Error{Message: "the upload answered no media id"}
	}
	return res.ID, nil
}

func (c *client) do(ctx context.Context, path, contentType string, body func() io.Reader, timeout time.Duration, out any) error {
	var last error
	for attempt := 0; ; attempt++ {
		err := c.once(ctx, path, contentType, body(), timeout, out)
		if err == nil {
			return nil
		}
		last = err
		var e *Error
		retry := errors.As(err, &e) && !e.Timeout && (e.Status >= 500 || (e.Status == 0 && e.Code == 0))
		if !retry || attempt >= c.retries || ctx.Err() != nil {
			return last
		}
		select {
		case <-ctx.Done():
			return last
		case <-time.After(c.backoff << attempt):
		}
	}
}

func (c *client) once(ctx context.Context, path, contentType string, body io.Reader, timeout time.Duration, out any) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/"+path, body)
	if err != nil {
		return &Error{Message: "bad endpoint: " + redact(err.Error(), c.token)}
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", contentType)
	resp, err := c.http.Do(req)
	if err != nil {
		// The URL holds no secret (the token is a header), but the error
		// names the host: that is fine to log.
		e := &Error{Message: redact(err.Error(), c.token)}
		if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			e.Timeout = true
		}
		return e
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return &Error{Status: resp.StatusCode, Message: "read the answer: " + err.Error(), Timeout: resp.StatusCode == http.StatusOK}
	}
	if resp.StatusCode != http.StatusOK {
		var ge graphError
		if json.Unmarshal(data, &ge) == nil && ge.Error != nil {
			return &Error{Status: resp.StatusCode, Code: ge.Error.Code, Subcode: ge.Error.Subcode,
				Message: ge.Error.Message, Details: ge.Error.ErrorData.Details, FBTraceID: ge.Error.FBTraceID}
		}
		return &Error{Status: resp.StatusCode, Message: http.StatusText(resp.StatusCode)}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			// Meta accepted it: the message is out, its id unknown.
			return &Error{Status: resp.StatusCode, Message: "unreadable answer", Timeout: true}
		}
	}
	return nil
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

func redact(s, token string) string {
	if token == "" {
		return s
	}
	return string(bytes.ReplaceAll([]byte(s), []byte(token), []byte("[token]")))
}

// sendResult is the answer to a sent message.
type sendResult struct {
	Messages []struct {
		ID string `json:"id"`
	} `json:"messages"`
}

func (r sendResult) id() string {
	if len(r.Messages) == 0 {
		return ""
	}
	return r.Messages[0].ID
}

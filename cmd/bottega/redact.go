package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// secretVars are the variables whose values must never reach a log line or
// an error message. DATABASE_URL is handled apart: only its password is
// secret.
func secretVars() []string {
	return []string{
		"OPENAI_API_KEY",
		"TELEGRAM_TOKEN",
		"TELEGRAM_WEBHOOK_SECRET",
		"WHATSAPP_TOKEN",
		"WHATSAPP_APP_SECRET",
		"WHATSAPP_VERIFY_TOKEN",
	}
}

// redacted replaces a secret.
const redacted = "[REDACTED]"

// shortSecret is the length under which a secret is hidden only where it
// stands as a word of its own: a key such as "x" or "ollama", which local
// model servers accept, is a word of ordinary log lines ("context",
// "http://ollama:11434") that would otherwise be cut to pieces.
const shortSecret = 12

// redactor hides the configured secrets in text. It is the one place that
// does: every log record goes through redactHandler and the error that run
// returns through err, so a library that echoes a request (an LLM server
// quoting the Authorization header, a URL with the bot token in it) leaks
// nothing whatever its message looks like. A nil redactor hides nothing.
type redactor struct {
	r *strings.Replacer
	// words are the short secrets, each between two characters that are
	// neither letters nor digits (or an end of the text).
	words []*regexp.Regexp
}

// newRedactor reads the secrets from the environment. It reads the raw
// variables rather than the checked configuration, so that it exists before
// the configuration is loaded and also hides a secret that failed the
// checks.
func newRedactor(getenv func(string) string) *redactor {
	var secrets []string
	add := func(s string) {
		for _, v := range []string{s, strings.TrimSpace(s)} {
			if v == "" {
				continue
			}
			// As written and as they appear in URLs and JSON.
			secrets = append(secrets, v, url.QueryEscape(v), url.PathEscape(v), strings.Trim(fmt.Sprintf("%q", v), `"`))
		}
	}
	for _, name := range secretVars() {
		add(getenv(name))
	}
	add(dsnPassword(getenv("DATABASE_URL")))
	if len(secrets) == 0 {
		return nil
	}
	// Longest first: strings.Replacer tries the old strings in argument
	// order at each position, so a secret that contains another is replaced
	// whole.
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	pairs := []string{}
	var words []*regexp.Regexp
	seen := map[string]bool{}
	for _, s := range secrets {
		switch {
		case seen[s]:
		case utf8.RuneCountInString(s) < shortSecret:
			words = append(words, regexp.MustCompile(`(^|[^\pL\pN])`+regexp.QuoteMeta(s)+`([^\pL\pN]|$)`))
		default:
			pairs = append(pairs, s, redacted)
		}
		seen[s] = true
	}
	return &redactor{r: strings.NewReplacer(pairs...), words: words}
}

// dsnPassword returns the password in a Postgres URL or key=value DSN, both
// as written (percent-encoded in a URL) and decoded.
func dsnPassword(dsn string) string {
	dsn = strings.TrimSpace(dsn)
	if dsn == "" {
		return ""
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil || u.User == nil {
			// Unparsable: the text between the last ':' of the user info
			// and '@' is what a reader would take for the password.
			rest := dsn[strings.Index(dsn, "://")+3:]
			at := strings.LastIndex(rest, "@")
			if at < 0 {
				return ""
			}
			if i := strings.Index(rest[:at], ":"); i >= 0 {
				return rest[i+1 : at]
			}
			return ""
		}
		p, _ := u.User.Password()
		return p
	}
	// key=value form: password=secret or password='sec ret'.
	i := strings.Index(dsn, "password=")
	if i < 0 || (i > 0 && dsn[i-1] != ' ') {
		return ""
	}
	v := dsn[i+len("password="):]
	if strings.HasPrefix(v, "'") {
		if end := strings.Index(v[1:], "'"); end >= 0 {
			return v[1 : end+1]
		}
		return v[1:]
	}
	if end := strings.IndexByte(v, ' '); end >= 0 {
		return v[:end]
	}
	return v
}

// String returns s with every secret replaced.
func (r *redactor) String(s string) string {
	if r == nil {
		return s
	}
	s = r.r.Replace(s)
	for _, w := range r.words {
		// Twice: a match takes the character after the secret, which
		// may be the one before its next mention ("x x").
		for range 2 {
			s = w.ReplaceAllString(s, "${1}"+redacted+"${2}")
		}
	}
	return s
}

// err returns err with its message redacted; errors.Is and errors.As still
// see the original, so the exit code does not change.
func (r *redactor) err(err error) error {
	if r == nil || err == nil {
		return err
	}
	if msg := r.String(err.Error()); msg != err.Error() {
		return redactedError{msg: msg, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }

// handler wraps next so that no record it writes holds a secret: the
// message and every attribute (strings, errors, anything printed) are
// redacted.
func (r *redactor) handler(next slog.Handler) slog.Handler {
	if r == nil {
		return next
	}
	return redactHandler{next: next, r: r}
}

type redactHandler struct {
	next slog.Handler
	r    *redactor
}

func (h redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.r.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.r.attr(a)
	}
	return redactHandler{next: h.next.WithAttrs(clean), r: h.r}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{next: h.next.WithGroup(name), r: h.r}
}

// attr redacts a's value. Values that are not strings are printed the way
// the text and JSON handlers would print them, and kept as they are when
// that shows no secret.
func (r *redactor) attr(a slog.Attr) slog.Attr {
	a.Value = a.Value.Resolve()
	switch a.Value.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(r.String(a.Value.String()))
	case slog.KindGroup:
		g := a.Value.Group()
		clean := make([]slog.Attr, len(g))
		for i, ga := range g {
			clean[i] = r.attr(ga)
		}
		a.Value = slog.GroupValue(clean...)
	case slog.KindAny:
		if e, ok := a.Value.Any().(error); ok {
			a.Value = slog.StringValue(r.String(e.Error()))
			break
		}
		s := fmt.Sprintf("%+v", a.Value.Any())
		if clean := r.String(s); clean != s {
			a.Value = slog.StringValue(clean)
		}
	}
	a.Key = r.String(a.Key)
	return a
}

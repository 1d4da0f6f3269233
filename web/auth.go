package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
)

// LinkTTL is how long a sign-in link is valid.
const LinkTTL = 10 * time.Minute

// IdleTimeout ends a session nobody used for that long.
const IdleTimeout = 12 * time.Hour

const (
	sessionCookie = "bottega_console"
	langCookie    = "bottega_console_lang"
)

// Sessions keeps sign-in links and sessions (store.DB).
type Sessions interface {
	CreateConsoleLink(ctx context.Context, tokenHash []byte, platform, userID string, now, expires time.Time) error
	UseConsoleLink(ctx context.Context, tokenHash []byte, now time.Time) (platform, userID string, err error)
	CreateConsoleSession(ctx context.Context, tokenHash []byte, s store.ConsoleSession, now time.Time) error
	TouchConsoleSession(ctx context.Context, tokenHash []byte, now time.Time, idle time.Duration) (store.ConsoleSession, error)
	DeleteConsoleSession(ctx context.Context, tokenHash []byte) error
}

func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hashToken(t string) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}

// NewLink makes a one-time sign-in link for an admin, valid for LinkTTL:
// the chat's /console and the command line's console-link give it. It is
// EINVALID for anyone not in Options.Admins, and when no public address is
// configured.
func (h *Handler) NewLink(ctx context.Context, platform, userID string) (string, error) {
	if !h.isAdmin(userID) {
		return "", bottega.Errorf(bottega.EINVALID, "%s is not in BOTTEGA_ADMINS", userID)
	}
	if h.o.PublicURL == "" {
		return "", bottega.Errorf(bottega.EINVALID, "set BOTTEGA_PUBLIC_URL to the address the console is reached at")
	}
	tok := newToken()
	now := h.o.Clock()
	if err := h.o.Sessions.CreateConsoleLink(ctx, hashToken(tok), platform, userID, now, now.Add(LinkTTL)); err != nil {
		return "", err
	}
	return strings.TrimRight(h.o.PublicURL, "/") + "/console/login?t=" + url.QueryEscape(tok), nil
}

func (h *Handler) isAdmin(userID string) bool { return userID != "" && h.admins[userID] }

// session is the signed-in admin of a request.
type session struct {
	store.ConsoleSession
	hash []byte
}

// current returns the request's session, if it is valid and its admin is
// still one.
func (h *Handler) current(r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	hash := hashToken(c.Value)
	s, err := h.o.Sessions.TouchConsoleSession(r.Context(), hash, h.o.Clock(), IdleTimeout)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if !h.isAdmin(s.UserID) {
		return nil, nil
	}
	return &session{ConsoleSession: s, hash: hash}, nil
}

// secure tells whether the console is reached over HTTPS, directly or
// through a proxy that says so, or as its public address says.
func (h *Handler) secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") ||
		strings.HasPrefix(h.o.PublicURL, "https://")
}

func (h *Handler) setSessionCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	// #nosec G124 -- Secure is set whenever the console is served over HTTPS; plain HTTP is for a local demo
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/console/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.secure(r), SameSite: http.SameSiteStrictMode,
	})
}

// loginPage shows a button that spends the link: a GET changes nothing, so
// a chat app fetching the link for its preview does not use it up.
func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "login", nil, map[string]any{"Token": r.URL.Query().Get("t")})
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	tok := r.PostFormValue("t")
	if tok == "" {
		h.refuse(w, r, http.StatusBadRequest, "err_link")
		return
	}
	platform, userID, err := h.o.Sessions.UseConsoleLink(r.Context(), hashToken(tok), h.o.Clock())
	if errors.Is(err, store.ErrNotFound) || (err == nil && !h.isAdmin(userID)) {
		h.refuse(w, r, http.StatusForbidden, "err_link")
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	st := newToken()
	s := store.ConsoleSession{Platform: platform, UserID: userID, CSRF: newToken()}
	if err := h.o.Sessions.CreateConsoleSession(r.Context(), hashToken(st), s, h.o.Clock()); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setSessionCookie(w, r, st, 0)
	http.Redirect(w, r, "/console/", http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request, s *session) {
	if err := h.o.Sessions.DeleteConsoleSession(r.Context(), s.hash); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setSessionCookie(w, r, "", -1)
	h.render(w, r, http.StatusOK, "login", nil, map[string]any{"SignedOut": true})
}

// checkCSRF compares the form's token with the session's.
func checkCSRF(r *http.Request, s *session) bool {
	got := r.PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) == 1
}

// errorText says in lang what is wrong with a request: the message for
// the service error's key, else a general one (the service's own words are
// English, for logs and the command line).
func (h *Handler) errorText(lang string, err error) string {
	key, data := bottega.ErrorKey(err)
	if key == "" {
		key = "invalid"
		h.o.Logger.Debug("console: request refused", "err", err)
	}
	return h.message(lang, key, data)
}

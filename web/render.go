package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/bottega-app/bottega"
)

// view is what every page's template gets.
type view struct {
	T    map[string]string
	Lang string
	// Other is the language the switch offers.
	Other string
	// Path is the current page; Switch is it in the Other language, with
	// the rest of its query (a sign-in link's token, a search).
	Path, Switch string
	// CSRF is the session's token for forms; Signed tells a signed-in
	// admin.
	CSRF   string
	Signed bool
	Nav    string
	// Refresh, when above 0, reloads the page after that many seconds.
	Refresh int
	Data    map[string]any
}

func (h *Handler) parse() error {
	funcs := template.FuncMap{
		"pct": func(n, of int) string {
			if of == 0 {
				return "–"
			}
			return fmt.Sprintf("%.0f%%", float64(n)*100/float64(of))
		},
		"width": func(n, of, full int) int {
			if of == 0 {
				return 0
			}
			return n * full / of
		},
		"day": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				// In Italy's time, which the learners' days and the
				// reminders keep, with its zone said.
				return v.In(bottega.Location("")).Format("2006-01-02 15:04 MST")
			case *time.Time:
				if v == nil {
					return "–"
				}
				return v.Format("2006-01-02")
			}
			return ""
		},
		// origin says a version's Source in the console's words.
		"origin": func(t map[string]string, src string) string {
			switch kind, who, what := bottega.ReadSource(src); {
			case kind == "builtin":
				return t["origin_builtin"]
			case kind == "upload":
				return fmt.Sprintf(t["origin_upload"], who, what)
			case kind == "rollback" && who != "":
				return fmt.Sprintf(t["origin_rollback_by"], what, who)
			case kind == "rollback":
				return fmt.Sprintf(t["origin_rollback"], what)
			}
			return src
		},
		"add": func(a, b int) int { return a + b },
		"mul": func(a, b int) int { return a * b },
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html")
	if err != nil {
		return fmt.Errorf("parse console layout: %w", err)
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return err
	}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(files, n)
		if err != nil {
			return fmt.Errorf("parse console page %s: %w", base, err)
		}
		h.pages[base] = t
	}
	return nil
}

// lang picks the page's language: the switch's choice (a cookie), else
// the browser's first of Italian and English, else Italian.
func (h *Handler) lang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "it" || l == "en" {
		// #nosec G124 -- a language preference, nothing to protect
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/console/", MaxAge: 365 * 24 * 3600,
			SameSite: http.SameSiteLaxMode, HttpOnly: true, Secure: h.secure(r)})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "it" || c.Value == "en") {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "it" || strings.HasPrefix(tag, "it-"):
			return "it"
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return "en"
		}
	}
	return "it"
}

// render writes a page: into a buffer first, so that a template error
// becomes a clean 500, not half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, s *session, data map[string]any) {
	lang := h.lang(w, r)
	v := view{T: h.words[lang], Lang: lang, Other: "en", Path: r.URL.Path, Nav: name, Data: data}
	if lang == "en" {
		v.Other = "it"
	}
	q := r.URL.Query()
	q.Set("lang", v.Other)
	v.Switch = r.URL.Path + "?" + q.Encode()
	if s != nil {
		v.CSRF, v.Signed = s.CSRF, true
	}
	if n, ok := data["Refresh"].(int); ok {
		v.Refresh = n
	}
	var buf bytes.Buffer
	t := h.pages[name]
	if t == nil {
		h.o.Logger.Error("console: no page", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		h.o.Logger.Error("console: render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

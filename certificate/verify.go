package certificate

import (
	"html/template"
	"log/slog"
	"net/http"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/locales"
)

// page is the verification page: one short card, no script, no outside
// resource.
var page = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f6f9;color:#1f2a37;margin:0;padding:2rem 1rem}
main{max-width:34rem;margin:0 auto;background:#fff;border-radius:12px;padding:1.5rem 2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin-top:0}
dt{font-weight:600;margin-top:.8rem}
dd{margin:0}
.code{color:#555;font-size:.9rem;margin-top:1.2rem}
</style>
</head>
<body><main>
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
{{if .Valid}}<dl>
<dt>{{.NameLabel}}</dt><dd>{{.Name}}</dd>
<dt>{{.TrackLabel}}</dt><dd>{{.Track}}</dd>
<dt>{{.DateLabel}}</dt><dd>{{.Date}}</dd>
</dl>{{end}}
{{if .Code}}<p class="code">{{.Code}}</p>{{end}}
</main></body>
</html>
`))

type pageData struct {
	Lang, Title, Message                                      string
	Valid                                                     bool
	NameLabel, Name, TrackLabel, Track, DateLabel, Date, Code string
}

// Verify serves GET /verify/{code}: for a valid certificate, the name, the
// track and the date, nothing else; for a revoked one, that it was
// revoked; for an unknown code, that no certificate has it (404). The page
// is in the certificate's language, or the browser's for an unknown code.
func Verify(s Store, texts Texts, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := bottega.NormalizeCode(r.PathValue("code"))
		lang := locales.Match(r.Header.Get("Accept-Language"))
		var c bottega.Certificate
		found := false
		if len(code) > 0 && len(code) <= 32 {
			var err error
			c, found, err = s.FindCertificate(r.Context(), code)
			if err != nil {
				log.Error("verify certificate", "err", err)
				http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
				return
			}
		}
		if found && locales.IsSupported(c.Locale) {
			lang = c.Locale
		}
		t := func(id string) string { return texts.T(lang, id, nil) }
		d := pageData{Lang: lang, Title: t("verify_title")}
		status := http.StatusOK
		switch {
		case !found:
			d.Message, status = t("verify_unknown"), http.StatusNotFound
		case c.RevokedAt != nil:
			d.Message, d.Code, status = t("verify_revoked"), c.Code, http.StatusGone
		default:
			d.Message, d.Valid, d.Code = t("verify_valid"), true, c.Code
			d.NameLabel, d.Name = t("verify_name"), c.Name
			d.TrackLabel, d.Track = t("verify_track"), c.TrackTitle
			d.DateLabel, d.Date = t("verify_date"), Date(lang, c)
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Robots-Tag", "noindex")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(status)
		if err := page.Execute(w, d); err != nil {
			log.Debug("verify page", "err", err)
		}
	})
}

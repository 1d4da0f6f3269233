package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/bottega-app/bottega/plain"
)

// The plain-language page: an admin pastes a text (a post, a notice, a
// reply) and sees what the chat's /chiaro would say: the verdict, the
// readability index and at most five suggestions. Nothing is stored.

// plainPage shows the empty form.
func (h *Handler) plainPage(w http.ResponseWriter, r *http.Request, s *session) {
	h.render(w, r, http.StatusOK, "plain", s, map[string]any{"Max": plain.MaxText})
}

// checkPlain checks the posted text. An empty or too long text gets the
// form back with the reason, and the text as it was.
func (h *Handler) checkPlain(w http.ResponseWriter, r *http.Request, s *session) {
	text := strings.TrimSpace(r.PostFormValue("text"))
	data := map[string]any{"Max": plain.MaxText, "Text": text}
	if n := utf8.RuneCountInString(text); n > plain.MaxText {
		data["Error"] = "plain_too_long"
		data["Length"] = n
		h.render(w, r, http.StatusBadRequest, "plain", s, data)
		return
	}
	lang := h.lang(w, r)
	rep := plain.Check(lang, text)
	if rep.Verdict == plain.Empty || rep.Words < plain.MinWords {
		data["Error"] = "plain_empty"
		h.render(w, r, http.StatusBadRequest, "plain", s, data)
		return
	}
	if rep.Verdict == plain.Other {
		data["Error"] = "plain_other_lang"
		h.render(w, r, http.StatusBadRequest, "plain", s, data)
		return
	}
	tips := make([]string, len(rep.Suggestions))
	for i, sg := range rep.Suggestions {
		tips[i] = h.o.Texts.T(lang, sg.ID, sg.Args)
	}
	data["R"], data["Tips"], data["Other"] = rep, tips, rep.Lang != lang
	h.render(w, r, http.StatusOK, "plain", s, data)
}

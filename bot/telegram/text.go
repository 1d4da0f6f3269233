package telegram

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Telegram's limits on text, counted in UTF-16 code units (what Telegram
// counts entity offsets in; an emoji takes two).
const (
	maxText    = 4096
	maxCaption = 1024
	maxData    = 64 // callback_data, in bytes
	maxNotice  = 200
)

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapeHTML makes plain text safe for parse_mode HTML: Telegram needs only
// &, < and > escaped outside tags and attributes.
func escapeHTML(s string) string { return htmlEscaper.Replace(s) }

// textLen is the length of s as Telegram counts it.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// split cuts text into parts of at most limit units: at paragraph breaks
// where it can, else at line breaks, else between words, else anywhere (but
// never inside a character).
func split(text string, limit int) []string {
	text = strings.TrimSpace(text)
	var parts []string
	for textLen(text) > limit {
		cut := cutPoint(text, limit)
		part := strings.TrimRight(text[:cut], " \n\t")
		if part != "" {
			parts = append(parts, part)
		}
		text = strings.TrimLeft(text[cut:], " \n\t")
	}
	if text != "" || len(parts) == 0 {
		parts = append(parts, text)
	}
	return parts
}

// cutPoint returns the byte offset at which to cut text so that the head has
// at most limit units, preferring the last paragraph break, line break or
// space in the head.
func cutPoint(text string, limit int) int {
	end, n := 0, 0
	for i, r := range text {
		n += utf16.RuneLen(r)
		if n > limit {
			break
		}
		end = i + utf8.RuneLen(r)
	}
	for _, sep := range []string{"\n\n", "\n", " "} {
		// The separator may start right at the limit. Cutting in the first
		// quarter would leave tiny parts; then prefer a weaker separator.
		head := text[:min(len(text), end+len(sep))]
		if i := strings.LastIndex(head, sep); i > end/4 {
			return i
		}
	}
	if end == 0 { // a single character over the limit cannot happen with limit >= 2
		_, size := utf8.DecodeRuneInString(text)
		return size
	}
	return end
}

// truncate shortens s to at most limit units, marking the cut with "…".
func truncate(s string, limit int) string {
	if textLen(s) <= limit {
		return s
	}
	n := 0
	for i, r := range s {
		n += utf16.RuneLen(r)
		if n > limit-1 {
			return s[:i] + "…"
		}
	}
	return s
}

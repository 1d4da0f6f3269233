package render

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Len is the length of s as a platform counts it: in UTF-16 code units if
// utf16 (Telegram), else in characters.
func Len(s string, utf16 bool) int {
	if !utf16 {
		return utf8.RuneCountInString(s)
	}
	n := 0
	for _, r := range s {
		n += runeLen(r, true)
	}
	return n
}

func runeLen(r rune, units bool) int {
	if units {
		return utf16.RuneLen(r)
	}
	return 1
}

// Split cuts text into parts of at most limit (counted as Len counts): at
// paragraph breaks where it can, else at line breaks, else between words,
// else anywhere (but never inside a character).
func Split(text string, limit int, utf16 bool) []string {
	text = strings.TrimSpace(text)
	var parts []string
	for Len(text, utf16) > limit {
		cut := cutPoint(text, limit, utf16)
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

// Cut splits text in two at the point Split would cut first: a head of at
// most limit (counted as Len counts) and the rest, both trimmed at the cut.
// The rest is empty when the whole text fits.
func Cut(text string, limit int, utf16 bool) (head, rest string) {
	if Len(text, utf16) <= limit {
		return text, ""
	}
	cut := cutPoint(text, limit, utf16)
	return strings.TrimRight(text[:cut], " \n\t"), strings.TrimLeft(text[cut:], " \n\t")
}

// cutPoint returns the byte offset at which to cut text so that the head has
// at most limit units, preferring the last paragraph break, line break or
// space in the head.
func cutPoint(text string, limit int, utf16 bool) int {
	end, n := 0, 0
	for i, r := range text {
		n += runeLen(r, utf16)
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

// Truncate shortens s to at most limit (counted as Len counts), marking
// the cut with "…"; a limit of 0 or less is none.
func Truncate(s string, limit int, utf16 bool) string {
	if limit <= 0 || Len(s, utf16) <= limit {
		return s
	}
	n := 0
	for i, r := range s {
		n += runeLen(r, utf16)
		if n > limit-1 {
			return s[:i] + "…"
		}
	}
	return s
}

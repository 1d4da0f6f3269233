package telegram

import (
	"strings"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/render"
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

// truncate shortens s to at most limit units, marking the cut with "…".
func truncate(s string, limit int) string { return render.Truncate(s, limit, true) }

// Capabilities are what Telegram's messages can carry: every reply the
// flows make goes out as it is, but for text and captions over the limits
// (bot/render splits them).
func Capabilities() bot.Capabilities {
	return bot.Capabilities{
		MaxText: maxText, MaxCaption: maxCaption, UTF16: true,
		Buttons: 100, LinkButtons: true, MediaButtons: true,
		Edits: true, Toasts: true, Typing: true,
		// What a bot may upload through the Bot API.
		Media: bot.MediaLimits{Photo: 10 << 20, Video: 50 << 20, Document: 50 << 20},
	}
}

// Capabilities implements bot.Transport.
func (t *Transport) Capabilities() bot.Capabilities { return Capabilities() }

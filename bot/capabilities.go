package bot

// Capabilities say what one platform's messages can carry. Flows produce
// the same replies for every platform; a renderer (bot/render) fits them to
// these limits. A zero limit means none.
type Capabilities struct {
	// MaxText is the longest text message; a longer text is split.
	// MaxCaption is the longest caption of a photo, video or document.
	// MaxBody, if set, is the longest text of a message with buttons.
	MaxText, MaxCaption, MaxBody int
	// UTF16 says the limits count UTF-16 code units (Telegram, where an
	// emoji takes two), not characters.
	UTF16 bool
	// Buttons is how many buttons one message may carry, ButtonTitle how
	// long a label may be.
	Buttons, ButtonTitle int
	// LinkButtons says a button may open a URL; otherwise links go in the
	// text. MediaButtons says a photo, video or document may carry buttons
	// (not a list); otherwise they follow it, with the text.
	LinkButtons, MediaButtons bool
	// List is the list of choices a message may offer instead of buttons,
	// for more or longer choices (List.Rows zero: no lists).
	List ListLimits
	// Edits says a sent message can be replaced; otherwise an edit is sent
	// as a new message.
	Edits bool
	// Toasts says a button press can be acknowledged with a short notice
	// that is no message; otherwise a notice becomes a line of text.
	Toasts bool
	// Typing says the platform shows that an answer is being written.
	Typing bool
	// Media bounds what photos, videos and documents may be sent.
	Media MediaLimits
	// Confirms says the platform confirms each message it accepted later,
	// with the reference the Sender gave it (bot.RefOf): see ConfirmStore.
	Confirms bool
	// Merge asks that consecutive replies to one message go as one
	// message where their text fits (WhatsApp's pair rate counts
	// messages, not words).
	Merge bool
	// Templates says messages outside a conversation (reminders,
	// broadcasts) need an approved template once the learner has been
	// silent for a while (WhatsApp's 24-hour window).
	Templates bool
}

// ListLimits bound a list of choices: how many rows in all, and the length
// of a row's title and description and of the button that opens the list.
type ListLimits struct {
	Rows, Title, Description, Button int
}

// MediaLimits bound media in bytes; VideoFormat names the encoding a video
// must have, if the platform requires one.
type MediaLimits struct {
	Photo, Video, Document int64
	VideoFormat            string
}

// Unlimited returns the capabilities of a Sender that declares none: every
// reply goes out as it is.
func Unlimited() Capabilities {
	return Capabilities{LinkButtons: true, MediaButtons: true, Edits: true, Toasts: true, Typing: true}
}

// Capable is a Sender that declares its capabilities; every Transport is.
type Capable interface {
	Capabilities() Capabilities
}

// CapabilitiesOf returns the capabilities s declares, Unlimited if none.
func CapabilitiesOf(s Sender) Capabilities {
	if c, ok := s.(Capable); ok {
		return c.Capabilities()
	}
	return Unlimited()
}

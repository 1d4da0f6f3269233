package whatsapp

import "github.com/bottega-app/bottega/bot"

// Capabilities are what the Cloud API's messages can carry (see
// bot/render, which fits replies to them). A photo, video or document with
// up to 3 buttons heads an interactive message that carries them, its
// caption the message's body; with a list, it goes as a media message and
// the list follows with the text.
func Capabilities() bot.Capabilities {
	return bot.Capabilities{
		MaxText: maxText, MaxCaption: maxCaption, MaxBody: maxBody,
		Buttons: maxButtons, ButtonTitle: maxButtonTitle,
		List:         bot.ListLimits{Rows: maxRows, Title: maxRowTitle, Description: maxRowDesc, Button: maxListButton},
		MediaButtons: true, Typing: true, Templates: true, Merge: true, Confirms: true,
		Media: bot.MediaLimits{Photo: maxImage, Video: maxVideo, Document: 100 << 20, VideoFormat: "mp4 (H.264, AAC)"},
	}
}

// Capabilities implements bot.Transport.
func (t *Transport) Capabilities() bot.Capabilities { return Capabilities() }

// Package bot holds the platform-neutral messages (Update, Reply, Button,
// Media), the Transport interface that each platform implements, and the
// Dispatcher that turns incoming updates into replies exactly once, in order
// per chat, concurrently across chats.
package bot

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Update is one thing a learner did: a message, a command or a button press.
type Update struct {
	Platform string `json:"platform"`
	// ID is unique per platform; a redelivered update has the same ID. It is
	// text: platforms that number updates (Telegram) format the number.
	ID     string `json:"id"`
	ChatID string `json:"chat_id"`
	UserID string `json:"user_id"`
	Name   string `json:"name,omitempty"`
	// Lang is the platform's language code for the user ("it", "en-GB").
	Lang string `json:"lang,omitempty"`
	// Text is the message text, commands included.
	Text string `json:"text,omitempty"`
	// Data is the payload of the button pressed, if any.
	Data string `json:"data,omitempty"`
	// CallbackID identifies a button press to acknowledge, where the
	// platform needs it.
	CallbackID string `json:"callback_id,omitempty"`
	// MessageID is the message that carried the pressed button.
	MessageID string `json:"message_id,omitempty"`
	// Group is true in group chats.
	Group bool `json:"group,omitempty"`
	// ReplyTo is, in a group, the message that new replies answer, so that
	// the group sees whom they are for: the user's own message, or for a
	// button press the one that the pressed message answered.
	ReplyTo string `json:"reply_to,omitempty"`
	// Document is a file the user sent.
	Document *File `json:"document,omitempty"`
	// Unsupported names what the user sent that the transport cannot pass
	// on ("audio", "image", "sticker"...): the flows say so.
	Unsupported string    `json:"unsupported,omitempty"`
	Received    time.Time `json:"received"`
}

// IsCommand reports whether the update is a slash command.
func (u Update) IsCommand() bool { return len(u.Text) > 1 && u.Text[0] == '/' && u.Data == "" }

// Reply is one message for the learner.
type Reply struct {
	// Text is plain text: transports escape it for their markup.
	Text    string     `json:"text,omitempty"`
	Buttons [][]Button `json:"buttons,omitempty"`
	Media   *Media     `json:"media,omitempty"`
	// File is a document to send, such as a data export.
	File *File `json:"file,omitempty"`
	// Edit asks to replace the message whose button was pressed instead of
	// sending a new one, where the platform can.
	Edit bool `json:"edit,omitempty"`
	// EditID is the platform message to replace; the dispatcher fills it
	// from the update when Edit is set.
	EditID string `json:"edit_id,omitempty"`
	// ReplyTo is the message this one answers, where the platform shows it
	// (Telegram groups); the dispatcher fills it from the update for new
	// messages.
	ReplyTo string `json:"reply_to,omitempty"`
	// Notice is a short confirmation shown for a button press (a toast on
	// Telegram).
	Notice string `json:"notice,omitempty"`
	// CallbackID is the button press this reply answers (Update.CallbackID);
	// the dispatcher fills it. The platform acknowledges a press once, with
	// the Notice of the first reply sent for it.
	CallbackID string `json:"callback_id,omitempty"`
	// Task is work to run after the update is committed, in the chat's
	// order, such as streaming an answer: the dispatcher calls the TaskFunc
	// registered for Task.Kind instead of sending this reply. Tasks are
	// stored with the replies, so one that a crash interrupted runs again.
	Task *Task `json:"task,omitempty"`
	// Template, on a platform that needs one outside a conversation
	// (WhatsApp's 24-hour window), replaces the reply by an approved
	// template message.
	Template *Template `json:"template,omitempty"`
	// Typing shows that an answer is being written (the typing
	// indicator), where the platform has one; such a reply carries
	// nothing else and is no message.
	Typing bool `json:"typing,omitempty"`
}

// Template is a message approved in advance by the platform: its name, its
// language code and the values of its body's parameters, in order.
type Template struct {
	Name   string   `json:"name"`
	Lang   string   `json:"lang"`
	Params []string `json:"params,omitempty"`
}

// Task is deferred work for a chat; Data is the task's own JSON.
type Task struct {
	Kind string          `json:"kind"`
	Data json.RawMessage `json:"data,omitempty"`
}

// TaskFunc runs a Task for chatID, talking to the learner through s.
type TaskFunc func(ctx context.Context, s Sender, chatID string, data json.RawMessage) error

// Button is an inline button: it either sends Data back or opens URL.
type Button struct {
	Label string `json:"label"`
	Data  string `json:"data,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Media is a picture or a video shown with a reply; Reply.Text is its caption.
type Media struct {
	Kind string `json:"kind"` // "photo" or "video"
	// ID (the platform's own id of a file it already has, such as a video
	// an admin sent), URL or File (a local path) locates it.
	ID   string `json:"id,omitempty"`
	URL  string `json:"url,omitempty"`
	File string `json:"file,omitempty"`
	// Start is where a video should play from.
	Start time.Duration `json:"start,omitempty"`
	// Key, if set, names the file in the platform's cache of the ids of
	// files it was sent (a clip's content address): a transport uploads
	// the file once per key and then sends it by its id. Without a key the
	// transport names a file by its URL or the hash of its content.
	Key string `json:"key,omitempty"`
}

// ErrTooBig is returned by a download when the file is larger than the
// platform lets bots fetch.
var ErrTooBig = errors.New("the file is too big to download")

// File is a document.
type File struct {
	Name string `json:"name"`
	// Data holds the content of an outgoing file.
	Data []byte `json:"data,omitempty"`
	// ID is the platform's id of an incoming file.
	ID string `json:"id,omitempty"`
}

// Tx is an update's database transaction, as the Store began it. The
// dispatcher only hands it on to the handler, which knows what it is (the
// store's transaction): what the handler does through tx commits or rolls
// back with the update.
type Tx = any

// Handler turns an update into replies. It runs inside the update's database
// transaction, tx.
type Handler interface {
	Handle(ctx context.Context, tx Tx, u Update) ([]Reply, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, tx Tx, u Update) ([]Reply, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, tx Tx, u Update) ([]Reply, error) {
	return f(ctx, tx, u)
}

// Sender delivers replies on one platform. Send returns the platform's id of
// the message it sent or edited.
type Sender interface {
	Send(ctx context.Context, chatID string, r Reply) (messageID string, err error)
}

// Sink accepts updates from a transport. done is called once the update's
// effects are committed and its replies handed to the sender, or with the
// error that stopped it (then the transport should deliver it again later).
type Sink interface {
	Submit(ctx context.Context, u Update, done func(error))
}

// Flusher is a Sink that can wait until a chat's replies, those of
// deferred tasks included, are all out (the Dispatcher is one).
type Flusher interface {
	Flush(ctx context.Context, chatID string) error
}

// Transport connects Bottega to one platform: it receives updates and sends
// replies.
type Transport interface {
	Sender
	// Capabilities say what the platform's messages can carry; Send fits
	// each reply to them (see bot/render).
	Capabilities() Capabilities
	// Platform names the platform ("telegram", "console").
	Platform() string
	// Run receives updates and submits them to sink until ctx is cancelled
	// or the source ends (nil error).
	Run(ctx context.Context, sink Sink) error
}

// Deliver submits u to sink and waits until it is handled.
func Deliver(ctx context.Context, sink Sink, u Update) error {
	ch := make(chan error, 1)
	sink.Submit(ctx, u, func(err error) { ch <- err })
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// MediaCache remembers the id each platform gave a file the bot sent it,
// keyed by the file's source (a URL, or the hash of a local file's
// content), so that a file is uploaded once per platform and then reused.
// MediaID returns "" when there is none; ForgetMediaID drops an id the
// platform no longer accepts. store.DB implements it.
type MediaCache interface {
	MediaID(ctx context.Context, platform, key string) (string, error)
	SaveMediaID(ctx context.Context, platform, key, id string) error
	ForgetMediaID(ctx context.Context, platform, key string) error
}

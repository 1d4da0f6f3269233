// Package console is a terminal transport: the learner types, the bot
// answers on the same terminal. It serves demos and transcript tests.
//
// Each bot message is printed, followed by its buttons as lines "[1] label".
// Typing a number presses that button of the latest message that had
// buttons; anything else is sent as text (or a /command). Input may be
// interactive or piped, one input per line; end of input ends the session.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bottega-app/bottega/bot"
)

// Platform is the console's platform name.
const Platform = "console"

// Transport is a console chat with one learner.
type Transport struct {
	in    io.Reader
	out   io.Writer
	echo  bool
	user  string
	lang  string
	name  string
	clock func() time.Time
	files string

	mu      sync.Mutex
	buttons []bot.Button // of the latest message that had any
	btnMsg  string       // id of the message those buttons belong to
	lastID  int          // id of the latest message printed
	nextID  int64
}

// Options configures a console chat.
type Options struct {
	// Echo prints each input line, so piped sessions read like a chat.
	Echo bool
	// User is the learner's id (default "local").
	User string
	// Lang is the learner's language code (default "it").
	Lang string
	// Name is the learner's first name, if known.
	Name string
	// Clock gives the time; update ids come from it so they stay unique
	// across runs. Default time.Now.
	Clock func() time.Time
	// Files is the folder where documents sent to the learner (a data
	// export) are written, readable by the owner only; "" prints only their
	// name and size.
	Files string
}

// New returns a console transport reading in and writing out.
func New(in io.Reader, out io.Writer, opts Options) *Transport {
	if opts.User == "" {
		opts.User = "local"
	}
	if opts.Lang == "" {
		opts.Lang = "it"
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	return &Transport{in: in, out: out, echo: opts.Echo, user: opts.User, lang: opts.Lang, name: opts.Name, clock: opts.Clock, files: opts.Files}
}

// Platform implements bot.Transport.
func (t *Transport) Platform() string { return Platform }

// Capabilities implements bot.Transport: a terminal shows every reply as it
// is, an edit as the message printed again.
func (t *Transport) Capabilities() bot.Capabilities { return bot.Unlimited() }

// Run reads lines until end of input or ctx is cancelled. Each line is
// handled completely (replies printed, those of deferred tasks too when the
// sink is a bot.Flusher) before the next is read.
func (t *Transport) Run(ctx context.Context, sink bot.Sink) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(t.in)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	t.nextID = t.clock().UnixNano()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if err != nil {
				return fmt.Errorf("read console input: %w", err)
			}
			return nil
		case line := <-lines:
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if t.echo {
				fmt.Fprintf(t.out, "> %s\n", line)
			}
			if err := bot.Deliver(ctx, sink, t.update(line)); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			// A streamed answer goes out after the update is committed:
			// wait for it, so that the next line's replies come after.
			if f, ok := sink.(bot.Flusher); ok {
				if err := f.Flush(ctx, t.user); err != nil && ctx.Err() == nil {
					return fmt.Errorf("wait for the replies: %w", err)
				} else if err != nil {
					return nil
				}
			}
		}
	}
}

func (t *Transport) update(line string) bot.Update {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.nextID++
	u := bot.Update{
		Platform: Platform,
		ID:       strconv.FormatInt(t.nextID, 10),
		ChatID:   t.user,
		UserID:   t.user,
		Name:     t.name,
		Lang:     t.lang,
		Received: t.clock(),
	}
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(t.buttons) && t.buttons[n-1].Data != "" {
		u.Data = t.buttons[n-1].Data
		u.MessageID = t.btnMsg
		return u
	}
	u.Text = line
	return u
}

// Send prints a reply. Edits are printed as new text marked with ✎, since a
// terminal cannot change what it already showed.
func (t *Transport) Send(_ context.Context, _ string, r bot.Reply) (string, error) {
	if r.Typing {
		return "", nil // the terminal shows the answer when it is written
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	if r.Notice != "" {
		fmt.Fprintf(&b, "(%s)\n", r.Notice)
	}
	prefix := ""
	if r.EditID != "" {
		prefix = "✎ "
	}
	if r.Media != nil {
		src := r.Media.URL
		if src == "" {
			src = r.Media.File
		}
		if src == "" {
			src = r.Media.ID
		}
		// Markers say what the terminal cannot show with symbols, not
		// words: the learner may speak any of the bot's languages.
		fmt.Fprintf(&b, "%s[%s %s", prefix, mediaSymbol(r.Media.Kind), src)
		if r.Media.Start > 0 {
			fmt.Fprintf(&b, " ▶ %s", clock(r.Media.Start))
		}
		b.WriteString("]\n")
		prefix = ""
	}
	if r.File != nil {
		fmt.Fprintf(&b, "%s[📎 %s]\n", prefix, t.save(r.File))
		prefix = ""
	}
	if r.Text != "" {
		b.WriteString(prefix + r.Text + "\n")
	}
	var buttons []bot.Button
	for _, row := range r.Buttons {
		for _, btn := range row {
			buttons = append(buttons, btn)
			if btn.URL != "" {
				fmt.Fprintf(&b, "   [%d] %s <%s>\n", len(buttons), btn.Label, btn.URL)
			} else {
				fmt.Fprintf(&b, "   [%d] %s\n", len(buttons), btn.Label)
			}
		}
	}
	b.WriteString("\n")
	if _, err := io.WriteString(t.out, b.String()); err != nil {
		return "", fmt.Errorf("write to console: %w", err)
	}
	id := r.EditID
	if id == "" {
		t.lastID++
		id = strconv.Itoa(t.lastID)
	}
	if len(buttons) > 0 {
		t.buttons, t.btnMsg = buttons, id
	}
	return id, nil
}

// mediaSymbol stands for a kind of medium in the terminal.
func mediaSymbol(kind string) string {
	switch kind {
	case "video":
		return "🎬"
	case "photo":
		return "🖼"
	}
	return "📎"
}

func clock(d time.Duration) string {
	s := int(d.Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// save writes f into the files folder and returns where it is (its
// absolute path), or what went wrong; without a folder, just f's name.
func (t *Transport) save(f *bot.File) string {
	if t.files == "" {
		return f.Name
	}
	// The name is the bot's own ("bottega-data.json"); Base keeps any
	// other inside the folder.
	path := filepath.Join(t.files, filepath.Base(filepath.Clean("/"+f.Name)))
	if err := os.MkdirAll(t.files, 0o700); err != nil {
		return fmt.Sprintf("%s ⚠ %v", f.Name, err)
	}
	if err := os.WriteFile(path, f.Data, 0o600); err != nil {
		return fmt.Sprintf("%s ⚠ %v", f.Name, err)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return path
}

package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/video"
)

// PublishTask is the kind of the task that publishes an upload, cutting
// its videos into clips first, after the press on Publish is committed:
// cutting takes minutes, and publishing reindexes the course, which no
// update's transaction may hold. Register Tasks with the dispatcher.
const PublishTask = "admin.publish"

// VideoPreparer cuts the videos of the lessons of c into clips
// (bottega.VideoPreparer).
type VideoPreparer = bottega.VideoPreparer

// Drafts reads and rewrites the drafts of the publishing service
// (bottega.Drafts).
type Drafts = bottega.Drafts

// defaultProgressEvery is how often at most the progress of the videos
// edits its message.
const defaultProgressEvery = time.Second

// Tasks are the admin flows' deferred work, by kind.
func (a *Admin) Tasks() map[string]bot.TaskFunc {
	return map[string]bot.TaskFunc{PublishTask: a.runPublish, UploadTask: a.runUpload, StatsTask: a.runStats}
}

// publishData is a PublishTask's data.
type publishData struct {
	Draft  int64  `json:"draft"`
	Source string `json:"source"`
	By     string `json:"by"`
	Lang   string `json:"lang"`
	// Message is the message the progress is shown in, by edits; "" on a
	// platform that cannot edit one, where each stage is a new message.
	Message string `json:"message,omitempty"`
	// NoVideos is set for an upload with no video to cut: the outcome
	// edits the preview (Message), as the answer to the press would.
	NoVideos bool `json:"no_videos,omitempty"`
}

// publishLater answers Publish for a draft whose videos must be cut first:
// the preview becomes the progress message, and a task does the work.
func (a *Admin) publishLater(lang string, u bot.Update, draft int64, source string) ([]bot.Reply, error) {
	d := publishData{Draft: draft, Source: source, By: u.UserID, Lang: lang}
	if a.o.NoEdits == nil || !a.o.NoEdits(u.Platform) {
		d.Message = u.MessageID
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode publish task: %w", err)
	}
	return []bot.Reply{
		{Text: a.o.Texts.T(lang, "admin_video_progress", map[string]any{"Source": source}), Edit: true},
		{Task: &bot.Task{Kind: PublishTask, Data: raw}},
	}, nil
}

// publishNow answers Publish for a draft with no video to cut: a task
// publishes it, and its outcome replaces the preview.
func (a *Admin) publishNow(lang string, u bot.Update, draft int64, source string) ([]bot.Reply, error) {
	raw, err := json.Marshal(publishData{Draft: draft, Source: source, By: u.UserID, Lang: lang, Message: u.MessageID, NoVideos: true})
	if err != nil {
		return nil, fmt.Errorf("encode publish task: %w", err)
	}
	return []bot.Reply{{Task: &bot.Task{Kind: PublishTask, Data: raw}}}, nil
}

// publishDraft is the PublishTask of a draft with no video to cut. Its
// answer edits the preview, where there is one.
func (a *Admin) publishDraft(ctx context.Context, s bot.Sender, chatID string, d publishData) error {
	reply := func(text string) error {
		_, err := s.Send(ctx, chatID, bot.Reply{Text: text, EditID: d.Message})
		return err
	}
	pub, err := a.o.Publishing.PublishDraft(ctx, d.Draft, d.By)
	switch bottega.ErrorCode(err) {
	case "":
		return reply(a.o.Texts.T(d.Lang, "admin_published", map[string]any{"Version": pub.Version}))
	case bottega.ENOTFOUND:
		return reply(a.o.Texts.T(d.Lang, "admin_expired", nil))
	case bottega.ECONFLICT:
		return reply(a.o.Texts.T(d.Lang, "admin_draft_stale", nil))
	}
	_, _ = s.Send(ctx, chatID, bot.Reply{Text: a.o.Texts.T(d.Lang, "error_generic", nil)})
	return fmt.Errorf("publish draft %d: %w", d.Draft, err)
}

// runPublish is the PublishTask: it cuts the draft's videos, showing the
// progress, keeps the clips in the draft, and publishes it. Run again
// after a crash, it finds the clips made, or the draft published.
func (a *Admin) runPublish(ctx context.Context, s bot.Sender, chatID string, raw json.RawMessage) error {
	var d publishData
	if err := json.Unmarshal(raw, &d); err != nil {
		return fmt.Errorf("publish task: %w", err)
	}
	if d.NoVideos {
		return a.publishDraft(ctx, s, chatID, d)
	}
	drafts, ok := a.o.Publishing.(Drafts)
	if !ok || a.o.Videos == nil {
		return errors.New("publish task: no drafts or no video preparer")
	}
	lang := d.Lang
	p := &progress{a: a, s: s, chat: chatID, id: d.Message, edits: d.Message != "",
		head: a.o.Texts.T(lang, "admin_video_progress", map[string]any{"Source": d.Source})}
	fail := func(key string, err error) error {
		p.show(ctx, a.o.Texts.T(lang, key, map[string]any{"Err": err.Error()}), "")
		return fmt.Errorf("publish task: %w", err)
	}
	pub, rep, err := bottega.PublishDraftClips(ctx, a.o.Publishing, drafts, a.o.Videos, d.Draft, d.By, func(c *content.Curriculum, e video.Event) {
		line, key := a.stage(lang, c, e, p.edits)
		p.show(ctx, line, key)
	})
	switch {
	case err == nil:
	case bottega.ErrorCode(err) == bottega.ENOTFOUND:
		return fail("admin_expired", err)
	case bottega.ErrorCode(err) == bottega.ECONFLICT:
		return fail("admin_draft_stale", err)
	default:
		return fail("admin_video_failed", err)
	}
	p.show(ctx, a.o.Texts.T(lang, "admin_published_clips", map[string]any{"Version": pub.Version, "Encoded": rep.Encoded, "Cached": rep.Cached}), "")
	return nil
}

// stage says what the cutting is doing, in one line, and names the stage
// (a lesson's download, transcription, or one of its clips); the percent
// done is said where the line is edited as it goes.
func (a *Admin) stage(lang string, c *content.Curriculum, e video.Event, percent bool) (line, key string) {
	title := lessonTitle(c, e.Lesson, lang)
	key = e.Lesson + "|" + e.Stage
	switch e.Stage {
	case "download":
		return a.o.Texts.T(lang, "admin_video_downloading", map[string]any{"Lesson": title}), key
	case "transcribe":
		return a.o.Texts.T(lang, "admin_video_transcribing", map[string]any{"Lesson": title}), key
	}
	pr := e.Progress
	key += "|" + strconv.Itoa(pr.Clip)
	args := map[string]any{"Lesson": title, "Clip": pr.Clip + 1, "Clips": pr.Clips}
	switch {
	case pr.Cached:
		return a.o.Texts.T(lang, "admin_video_cached", args), key
	case !percent:
		return a.o.Texts.T(lang, "admin_video_clip", args), key
	}
	pct := int(min(max(pr.Done, 0), 1) * 100)
	args["Percent"] = pct
	args["Bar"] = strings.Repeat("▓", pct/10) + strings.Repeat("░", 10-pct/10)
	return a.o.Texts.T(lang, "admin_video_encoding", args), key
}

// progress is the message that shows how the cutting goes: one message
// edited at most every ProgressEvery, or, where messages cannot be edited,
// a message at each new stage (a lesson's download, transcription, and
// each clip).
type progress struct {
	a     *Admin
	s     bot.Sender
	chat  string
	id    string // the message edited
	edits bool
	head  string

	shown string    // the text on screen
	at    time.Time // when it was shown
	stage string    // without edits: the stage last sent
}

// show puts line, of the stage named key, under the heading; the outcome
// (key "") shows at once and alone. Progress is best effort: a failed edit
// stops nothing.
func (p *progress) show(ctx context.Context, line, key string) {
	final := key == ""
	text := p.head + "\n" + line
	if final {
		text = line
	}
	if text == p.shown {
		return
	}
	now := p.a.o.Clock()
	r := bot.Reply{Text: text}
	switch {
	case p.edits:
		if !final && !p.at.IsZero() && now.Sub(p.at) < p.a.o.ProgressEvery {
			return
		}
		r.EditID = p.id
	case !final:
		// Without edits, a message for each stage, not each percent.
		if key == p.stage {
			return
		}
		p.stage = key
	}
	if _, err := p.s.Send(ctx, p.chat, r); err != nil {
		return
	}
	p.shown, p.at = text, now
}

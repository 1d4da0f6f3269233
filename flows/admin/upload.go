package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/locales"
)

const maxProblems = 25

// Wrap puts the admins' uploads in front of next (the flows), which never
// see a document: a lesson file or a zipped track folder to publish, or a
// video for a lesson. Everything else, and everyone else's documents, go to
// next.
func (a *Admin) Wrap(next bot.Handler) bot.Handler {
	return bot.HandlerFunc(func(ctx context.Context, tx bot.Tx, u bot.Update) ([]bot.Reply, error) {
		if u.Document == nil || u.Data != "" || !a.IsAdmin(u) {
			return next.Handle(ctx, tx, u)
		}
		a, err := a.in(tx)
		if err != nil {
			return nil, err
		}
		return a.document(ctx, u)
	})
}

func isVideo(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".mp4", ".mov", ".m4v", ".webm", ".mkv":
		return true
	}
	return false
}

// document handles a file an admin sent.
func (a *Admin) document(ctx context.Context, u bot.Update) ([]bot.Reply, error) {
	lang := locales.Match(u.Lang)
	name := u.Document.Name
	caption := strings.TrimSpace(u.Text)
	if isVideo(name) {
		return a.attachVideo(ctx, lang, u, caption)
	}
	ext := strings.ToLower(path.Ext(name))
	if (ext != ".yaml" && ext != ".yml" && ext != ".zip") || a.o.Downloader == nil || a.o.Publishing == nil {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_upload_unreadable", nil)}}, nil
	}
	raw, err := json.Marshal(uploadData{File: u.Document.ID, Name: name, Caption: caption, Platform: u.Platform, User: u.UserID, Lang: lang})
	if err != nil {
		return nil, fmt.Errorf("encode upload task: %w", err)
	}
	return []bot.Reply{{Task: &bot.Task{Kind: UploadTask, Data: raw}}}, nil
}

// UploadTask is the kind of the task that downloads a lesson file or a
// zipped track an admin sent, checks it against the published course and
// keeps it as a draft, then shows what publishing it would change. It runs
// after the update that brought the file is committed: a download of up to
// 20 MB holds no transaction and no chat lock. Register Tasks with the
// dispatcher.
const UploadTask = "admin.upload"

// uploadData is an UploadTask's data.
type uploadData struct {
	File     string `json:"file"` // the platform's file id
	Name     string `json:"name"`
	Caption  string `json:"caption,omitempty"`
	Platform string `json:"platform"`
	User     string `json:"user"`
	Lang     string `json:"lang"`
}

// runUpload is the UploadTask. An error the admin can act on is told in
// the chat; any other is logged by the dispatcher, and the admin is told
// that something went wrong, as the update's fallback would have.
func (a *Admin) runUpload(ctx context.Context, s bot.Sender, chatID string, raw json.RawMessage) error {
	var d uploadData
	if err := json.Unmarshal(raw, &d); err != nil {
		return fmt.Errorf("upload task: %w", err)
	}
	replies, err := a.checkUpload(ctx, d)
	if err != nil {
		_, _ = s.Send(ctx, chatID, bot.Reply{Text: a.o.Texts.T(d.Lang, "error_generic", nil)})
		return fmt.Errorf("upload %s: %w", d.Name, err)
	}
	return sendAll(ctx, s, chatID, replies)
}

// sendAll sends replies in order.
func sendAll(ctx context.Context, s bot.Sender, chatID string, replies []bot.Reply) error {
	for _, r := range replies {
		if _, err := s.Send(ctx, chatID, r); err != nil {
			return fmt.Errorf("send: %w", err)
		}
	}
	return nil
}

// checkUpload downloads and checks the upload, keeps it as a draft and
// returns the preview, or what stands in the way.
func (a *Admin) checkUpload(ctx context.Context, f uploadData) ([]bot.Reply, error) {
	lang, name := f.Lang, f.Name
	raw, err := a.o.Downloader.Download(ctx, f.File)
	if errors.Is(err, bot.ErrTooBig) {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_upload_file_too_big", nil)}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", name, err)
	}
	d, err := a.o.Publishing.CheckUpload(ctx, bottega.Upload{Name: name, Data: raw, Track: f.Caption, Platform: f.Platform, By: f.User})
	if key, data := bottega.ErrorKey(err); key != "" {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_"+key, data)}}, nil
	} else if err != nil {
		return nil, err
	}
	if len(d.Problems) > 0 {
		var lines []string
		for i, p := range d.Problems {
			if i == maxProblems {
				lines = append(lines, "…")
				break
			}
			lines = append(lines, "• "+p.String())
		}
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_upload_problems", map[string]any{"Count": len(d.Problems), "List": strings.Join(lines, "\n")})}}, nil
	}
	if d.Same {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_upload_same", nil)}}, nil
	}
	// The draft waits for Publish in the admin's state. The task holds no
	// chat lock, so it sets the draft's fields alone, in one statement, and
	// leaves what an update of the admin's saved meanwhile.
	patch, err := json.Marshal(map[string]any{
		"draft": d.ID, "source": name,
		"videos": d.Curriculum != nil && bottega.PendingVideos(d.Curriculum) != nil,
	})
	if err != nil {
		return nil, fmt.Errorf("encode draft state: %w", err)
	}
	if err := a.o.Store.MergeAdminState(ctx, f.Platform, f.User, patch); err != nil {
		return nil, err
	}
	var changes []string
	list := func(id string, ids []string) {
		if len(ids) > 0 {
			changes = append(changes, a.o.Texts.T(lang, id, map[string]any{"List": strings.Join(ids, ", ")}))
		}
	}
	list("admin_upload_added", d.Added)
	list("admin_upload_changed", d.Changed)
	list("admin_upload_removed", d.Removed)
	if len(changes) == 0 {
		changes = append(changes, a.o.Texts.T(lang, "admin_upload_tracks", nil))
	}
	return []bot.Reply{{
		Text: a.o.Texts.T(lang, "admin_upload_preview", map[string]any{"Source": name, "Changes": strings.Join(changes, "\n")}),
		Buttons: [][]bot.Button{{
			a.btn(lang, "admin_btn_publish", data(codePublish)), a.btn(lang, "admin_btn_quit", data(codeUnupload)),
		}},
	}}, nil
}

// uploadButton publishes (or drops) the draft waiting in the state.
func (a *Admin) uploadButton(ctx context.Context, lang string, u bot.Update, publish bool) ([]bot.Reply, error) {
	st, err := a.load(ctx, u)
	if err != nil {
		return nil, err
	}
	if st.Draft == 0 {
		return a.expired(lang), nil
	}
	draft, source, videos := st.Draft, st.Source, st.Videos
	st.Draft, st.Source, st.Videos = 0, "", false
	if err := a.save(ctx, u, st); err != nil {
		return nil, err
	}
	if !publish {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_upload_cancelled", nil), Edit: true}}, nil
	}
	if _, ok := a.o.Publishing.(Drafts); ok && videos && a.o.Videos != nil {
		return a.publishLater(lang, u, draft, source)
	}
	if drafts, ok := a.o.Publishing.(Drafts); ok {
		// Gone already (published, or older than a day): said at once.
		if _, err := drafts.Draft(ctx, draft); bottega.ErrorCode(err) == bottega.ENOTFOUND {
			return a.expired(lang), nil
		} else if err != nil {
			return nil, err
		}
	}
	return a.publishNow(lang, u, draft, source)
}

// attachVideo stores the platform's file id of a video sent with a lesson id
// as caption, so the lesson's video is sent from it from now on.
func (a *Admin) attachVideo(ctx context.Context, lang string, u bot.Update, caption string) ([]bot.Reply, error) {
	cur, _, err := a.o.Library.Current(ctx)
	if err != nil {
		return nil, err
	}
	id := strings.Fields(caption + " ")
	var lesson *content.Lesson
	if len(id) > 0 {
		lesson = cur.Lesson(strings.ToLower(id[0]))
	}
	if lesson == nil {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_video_unknown", map[string]any{"ID": caption})}}, nil
	}
	if err := a.o.Store.SaveLessonVideo(ctx, lesson.ID, u.Platform, u.Document.ID, "video", u.UserID); err != nil {
		return nil, err
	}
	// The transport sends a lesson's video from its file id cache, keyed
	// by the video's source: point the source at the admin's file.
	msg := "admin_video_saved"
	if key := videoKey(lesson); key != "" {
		if err := a.o.Store.SaveMediaID(ctx, u.Platform, key, u.Document.ID); err != nil {
			return nil, err
		}
	} else {
		msg = "admin_video_saved_no_url"
	}
	return []bot.Reply{{Text: a.o.Texts.T(lang, msg, map[string]any{"Title": lesson.Title.Get(lang), "ID": lesson.ID})}}, nil
}

// videoKey is the file id cache key under which the transport looks up a
// lesson's video given by URL ("" for none or a local file, whose key is
// its content's hash).
func videoKey(l *content.Lesson) string {
	if l.Video != nil && l.Video.URL != "" {
		return "video:url:" + l.Video.URL
	}
	return ""
}

package admin

import (
	"context"
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
	return bot.HandlerFunc(func(ctx context.Context, u bot.Update) ([]bot.Reply, error) {
		if u.Document == nil || u.Data != "" || !a.IsAdmin(u) {
			return next.Handle(ctx, u)
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
	raw, err := a.o.Downloader.Download(ctx, u.Document.ID)
	if errors.Is(err, bot.ErrTooBig) {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_upload_file_too_big", nil)}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", name, err)
	}
	d, err := a.o.Publishing.CheckUpload(ctx, bottega.Upload{Name: name, Data: raw, Track: caption, Platform: u.Platform, By: u.UserID})
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
	st, err := a.load(ctx, u)
	if err != nil {
		return nil, err
	}
	st.Draft, st.Source = d.ID, name
	st.Videos = d.Curriculum != nil && bottega.PendingVideos(d.Curriculum) != nil
	if err := a.save(ctx, u, st); err != nil {
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
	pub, err := a.o.Publishing.PublishDraft(ctx, draft, u.UserID)
	switch bottega.ErrorCode(err) {
	case "":
	case bottega.ENOTFOUND:
		return a.expired(lang), nil
	case bottega.ECONFLICT:
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_draft_stale", nil), Edit: true}}, nil
	}
	if err != nil {
		return nil, err
	}
	return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_published", map[string]any{"Version": pub.Version}), Edit: true}}, nil
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

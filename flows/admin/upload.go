package admin

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/locales"
)

// Limits on what an admin may upload.
const (
	maxUpload   = 20 << 20 // what Telegram lets bots download
	maxUnzipped = 20 << 20
	maxZipFiles = 500
	maxProblems = 25
)

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
	if (ext != ".yaml" && ext != ".yml" && ext != ".zip") || a.o.Downloader == nil || a.o.Publish == nil {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_upload_unreadable", nil)}}, nil
	}
	raw, err := a.o.Downloader.Download(ctx, u.Document.ID)
	if errors.Is(err, bot.ErrTooBig) {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_upload_file_too_big", nil)}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", name, err)
	}
	cur, _, err := a.o.Library.Current(ctx)
	if err != nil {
		return nil, err
	}
	var (
		merged   *content.Curriculum
		problems []content.Problem
		msg      string
	)
	if ext == ".zip" {
		merged, problems, msg, err = mergeZip(cur, raw)
	} else {
		merged, problems, msg, err = mergeLesson(cur, name, raw, caption)
	}
	if err != nil {
		return nil, err
	}
	if msg != "" {
		var ids []string
		for _, t := range cur.Tracks {
			ids = append(ids, t.ID)
		}
		return []bot.Reply{{Text: a.o.Texts.T(lang, msg, map[string]any{"Tracks": strings.Join(ids, ", ")})}}, nil
	}
	if len(problems) > 0 {
		var lines []string
		for i, p := range problems {
			if i == maxProblems {
				lines = append(lines, "…")
				break
			}
			lines = append(lines, "• "+p.String())
		}
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_upload_problems", map[string]any{"Count": len(problems), "List": strings.Join(lines, "\n")})}}, nil
	}
	if merged.Hash() == cur.Hash() {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_upload_same", nil)}}, nil
	}
	body, err := json.Marshal(merged)
	if err != nil {
		return nil, fmt.Errorf("encode uploaded curriculum: %w", err)
	}
	st, err := a.load(ctx, u)
	if err != nil {
		return nil, err
	}
	st.Upload, st.Source = body, name
	if err := a.save(ctx, u, st); err != nil {
		return nil, err
	}
	added, changed, removed := content.Diff(cur, merged)
	var changes []string
	list := func(id string, ids []string) {
		if len(ids) > 0 {
			changes = append(changes, a.o.Texts.T(lang, id, map[string]any{"List": strings.Join(ids, ", ")}))
		}
	}
	list("admin_upload_added", added)
	list("admin_upload_changed", changed)
	list("admin_upload_removed", removed)
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

// uploadButton publishes (or drops) the upload waiting in the state.
func (a *Admin) uploadButton(ctx context.Context, lang string, u bot.Update, publish bool) ([]bot.Reply, error) {
	st, err := a.load(ctx, u)
	if err != nil {
		return nil, err
	}
	if len(st.Upload) == 0 {
		return a.expired(lang), nil
	}
	upload, source := st.Upload, st.Source
	st.Upload, st.Source = nil, ""
	if err := a.save(ctx, u, st); err != nil {
		return nil, err
	}
	if !publish {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_upload_cancelled", nil), Edit: true}}, nil
	}
	var c content.Curriculum
	if err := json.Unmarshal(upload, &c); err != nil {
		return nil, fmt.Errorf("decode uploaded curriculum: %w", err)
	}
	pub, err := a.o.Publish(ctx, &c, "chat upload by "+u.UserID+": "+source)
	if err != nil {
		return nil, err
	}
	return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_published", map[string]any{"Version": pub.Version}), Edit: true}}, nil
}

// mergeZip reads a zipped track folder (or several) and puts its tracks in
// place of the current ones with the same ids. msg names a message for the
// admin when the file cannot be used at all.
func mergeZip(cur *content.Curriculum, data []byte) (*content.Curriculum, []content.Problem, string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, "admin_upload_unreadable", nil
	}
	fsys := fstest.MapFS{}
	total := 0
	for _, f := range zr.File {
		name := path.Clean(strings.TrimPrefix(f.Name, "/"))
		if f.FileInfo().IsDir() || strings.HasPrefix(name, "__MACOSX") || strings.HasPrefix(path.Base(name), ".") || strings.HasPrefix(name, "..") {
			continue
		}
		if len(fsys) == maxZipFiles || f.UncompressedSize64 > uint64(maxUnzipped-total) {
			return nil, nil, "admin_upload_too_big", nil
		}
		rc, err := f.Open()
		if err != nil {
			return nil, nil, "admin_upload_unreadable", nil
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxUnzipped-int64(total)+1))
		_ = rc.Close() // read only: what was read is checked
		if err != nil {
			return nil, nil, "admin_upload_unreadable", nil
		}
		total += len(b)
		fsys[name] = &fstest.MapFile{Data: b}
	}
	// A zip of the folder's content rather than of the folder.
	if _, ok := fsys["track.yaml"]; ok {
		moved := fstest.MapFS{}
		for n, f := range fsys {
			moved["upload/"+n] = f
		}
		fsys = moved
	}
	up, problems, err := content.Load(fsys, ".")
	if err != nil {
		return nil, nil, "admin_upload_unreadable", nil
	}
	if len(up.Tracks) == 0 {
		return nil, nil, "admin_upload_unreadable", nil
	}
	if len(problems) == 0 {
		problems = append(content.NoMedia(up), content.KeptDocuments(cur, up, fsys)...)
	}
	merged := &content.Curriculum{}
	for _, t := range cur.Tracks {
		if i := slices.IndexFunc(up.Tracks, func(u *content.Track) bool { return u.ID == t.ID }); i < 0 {
			merged.Tracks = append(merged.Tracks, t)
		}
	}
	merged.Tracks = append(merged.Tracks, up.Tracks...)
	slices.SortStableFunc(merged.Tracks, func(a, b *content.Track) int { return a.Order - b.Order })
	return merged, dedupe(problems, content.Validate(merged)), "", nil
}

// mergeLesson reads one lesson file into its track: the track named in the
// caption, or the one that has the lesson already.
func mergeLesson(cur *content.Curriculum, name string, data []byte, caption string) (*content.Curriculum, []content.Problem, string, error) {
	var head struct {
		ID string `yaml:"id"`
	}
	_ = yaml.Unmarshal(data, &head) // a broken file is reported by the loader
	var track *content.Track
	if t := cur.Track(strings.Fields(caption + " x")[0]); t != nil {
		track = t
	} else if l := cur.Lesson(head.ID); l != nil {
		track = cur.Track(l.Track)
	}
	if track == nil && head.ID == "" && len(cur.Tracks) > 0 {
		track = cur.Tracks[0] // unreadable: any track will do to report why
	}
	if track == nil {
		return nil, nil, "admin_upload_no_track", nil
	}
	meta, err := yaml.Marshal(map[string]any{
		"id": track.ID, "order": track.Order, "roles": track.Roles,
		"title": map[string]string(track.Title), "summary": map[string]string(track.Summary),
	})
	if err != nil {
		return nil, nil, "", fmt.Errorf("describe track %s: %w", track.ID, err)
	}
	base := path.Base(name)
	if path.Ext(base) == ".yml" {
		base = strings.TrimSuffix(base, ".yml") + ".yaml"
	}
	fsys := fstest.MapFS{
		track.ID + "/track.yaml": &fstest.MapFile{Data: meta},
		track.ID + "/" + base:    &fstest.MapFile{Data: data},
	}
	// The lesson may name the templates its track has already: they stay
	// in the track's folder, where the loader finds them.
	for _, l := range track.Lessons {
		for _, s := range l.Steps {
			for _, src := range s.Document {
				if _, kept, err := track.Document(src); err == nil {
					fsys[path.Join(track.ID, src)] = &fstest.MapFile{Data: kept}
				}
			}
		}
	}
	up, problems, err := content.Load(fsys, ".")
	if err != nil || len(up.Tracks) != 1 || len(up.Tracks[0].Lessons) != 1 {
		return nil, problems, "", nil
	}
	if len(problems) == 0 {
		problems = append(content.NoMedia(up), content.KeptDocuments(cur, up, fsys)...)
	}
	lesson := up.Tracks[0].Lessons[0]
	merged := &content.Curriculum{}
	for _, t := range cur.Tracks {
		if t.ID != track.ID {
			merged.Tracks = append(merged.Tracks, t)
			continue
		}
		nt := *t
		nt.Lessons = nil
		for _, l := range t.Lessons {
			if l.ID != lesson.ID {
				nt.Lessons = append(nt.Lessons, l)
			}
		}
		nt.Lessons = append(nt.Lessons, lesson)
		slices.SortStableFunc(nt.Lessons, func(a, b *content.Lesson) int { return a.Order - b.Order })
		merged.Tracks = append(merged.Tracks, &nt)
	}
	return merged, dedupe(problems, content.Validate(merged)), "", nil
}

func dedupe(lists ...[]content.Problem) []content.Problem {
	seen := map[string]bool{}
	var out []content.Problem
	for _, ps := range lists {
		for _, p := range ps {
			if k := p.String(); !seen[k] {
				seen[k] = true
				out = append(out, p)
			}
		}
	}
	return out
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

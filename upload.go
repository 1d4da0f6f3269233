package bottega

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"github.com/bottega-app/bottega/content"
)

// Limits on what an admin may upload.
const (
	MaxUpload   = 20 << 20 // what Telegram lets bots download
	maxUnzipped = 20 << 20
	maxZipFiles = 500
)

// MergeUpload reads an upload into cur: a zipped track folder (or several)
// replaces the tracks with the same ids, a lesson file the lesson with its
// id in its track (u.Track, or the track that has the lesson already). It
// returns the merged curriculum and its problems, each at a file and line.
// A file that cannot be used at all is EINVALID with a Key.
func MergeUpload(cur *content.Curriculum, u Upload) (*content.Curriculum, []content.Problem, error) {
	switch strings.ToLower(path.Ext(u.Name)) {
	case ".zip":
		return mergeZip(cur, u.Data)
	case ".yaml", ".yml":
		return mergeLesson(cur, u.Name, u.Data, u.Track)
	}
	return nil, nil, unreadable()
}

func unreadable() error {
	return Errork(EINVALID, UploadUnreadable, nil, "send a lesson file (.yaml) or a zipped track folder (.zip)")
}

func mergeZip(cur *content.Curriculum, data []byte) (*content.Curriculum, []content.Problem, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, unreadable()
	}
	tooBig := Errork(EINVALID, UploadTooBig, nil, "the zip is too big: at most %d files and %d MB", maxZipFiles, maxUnzipped>>20)
	fsys := fstest.MapFS{}
	total := 0
	for _, f := range zr.File {
		name := path.Clean(strings.TrimPrefix(f.Name, "/"))
		if f.FileInfo().IsDir() || strings.HasPrefix(name, "__MACOSX") || strings.HasPrefix(path.Base(name), ".") || strings.HasPrefix(name, "..") {
			continue
		}
		if len(fsys) == maxZipFiles || f.UncompressedSize64 > uint64(maxUnzipped-total) {
			return nil, nil, tooBig
		}
		rc, err := f.Open()
		if err != nil {
			return nil, nil, unreadable()
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxUnzipped-int64(total)+1))
		_ = rc.Close() // read only: what was read is checked
		if err != nil {
			return nil, nil, unreadable()
		}
		total += len(b)
		if total > maxUnzipped {
			return nil, nil, tooBig
		}
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
	if err != nil || len(up.Tracks) == 0 {
		return nil, nil, unreadable()
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
	return merged, dedupe(problems, content.Validate(merged)), nil
}

func mergeLesson(cur *content.Curriculum, name string, data []byte, trackID string) (*content.Curriculum, []content.Problem, error) {
	var head struct {
		ID string `yaml:"id"`
	}
	_ = yaml.Unmarshal(data, &head) // a broken file is reported by the loader
	var track *content.Track
	if t := cur.Track(strings.Fields(trackID + " x")[0]); t != nil {
		track = t
	} else if l := cur.Lesson(head.ID); l != nil {
		track = cur.Track(l.Track)
	}
	if track == nil && head.ID == "" && len(cur.Tracks) > 0 {
		track = cur.Tracks[0] // unreadable: any track will do to report why
	}
	if track == nil {
		var ids []string
		for _, t := range cur.Tracks {
			ids = append(ids, t.ID)
		}
		list := strings.Join(ids, ", ")
		return nil, nil, Errork(EINVALID, UploadNoTrack, map[string]any{"Tracks": list}, "a new lesson: name its track (%s)", list)
	}
	meta, err := yaml.Marshal(map[string]any{
		"id": track.ID, "order": track.Order, "roles": track.Roles,
		"title": map[string]string(track.Title), "summary": map[string]string(track.Summary),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("describe track %s: %w", track.ID, err)
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
		if len(problems) == 0 {
			return nil, nil, unreadable()
		}
		return nil, problems, nil
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
	return merged, dedupe(problems, content.Validate(merged)), nil
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

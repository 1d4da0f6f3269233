package content

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Limits on the files a lesson names, see FORMAT.md: what WhatsApp accepts,
// which is less than Telegram does.
const (
	MaxImageBytes    = 5 << 20
	MaxVideoBytes    = 16 << 20
	MaxDocumentBytes = 1 << 20
	// MaxSourceVideoBytes bounds a video with chapters: it is cut into
	// clips of at most MaxVideoBytes when published, so it may be a long
	// recording.
	MaxSourceVideoBytes = 4 << 30
	// MaxVTTBytes bounds a WebVTT file of chapters or a transcript.
	MaxVTTBytes = 1 << 20
)

// Kinds of media file.
const (
	mediaImage    = "image"
	mediaVideo    = "video"
	mediaDocument = "document"
	mediaSource   = "source"
	mediaVTT      = "vtt"
)

// isDocumentType reports whether a file named with extension ext may be a step's
// document: plain text a learner can open on any phone and paste from, or import as a
// sheet.
func isDocumentType(ext string) bool {
	switch strings.ToLower(ext) {
	case ".txt", ".md", ".csv":
		return true
	}
	return false
}

// IsURL reports whether a step's image or a video is given by URL rather than
// as a file in the track folder.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// checkMedia checks the files that lesson l of the track folder dir names,
// and replaces each name with its clean form. A file must be inside the
// track folder (no absolute path, no "..", no symbolic link), be a picture
// or a video by its content, whatever its name, and be no larger than the
// platforms accept. The folder's owner is an admin, but the files are sent
// to every learner: a name must never reach anything else on the server.
func checkMedia(fsys fs.FS, dir string, l *Lesson) []Problem {
	var problems []Problem
	check := func(src *string, kind, field, what string) {
		if *src == "" || IsURL(*src) {
			return
		}
		clean, err := mediaFile(fsys, dir, *src, kind)
		if err != nil {
			problems = append(problems, Problem{File: l.File, Line: l.pos.line(field), Msg: fmt.Sprintf("%s %q: %v", what, *src, err)})
			return
		}
		*src = clean
	}
	if v := l.Video; v != nil {
		kind := mediaVideo
		if len(v.Chapters) > 0 || v.ChapterFile != "" {
			kind = mediaSource // cut into clips when published
		}
		check(&v.File, kind, "video.file", "video file")
		vtt := func(src *string, field, what string) []Cue {
			if *src == "" {
				return nil
			}
			if IsURL(*src) {
				problems = append(problems, Problem{File: l.File, Line: l.pos.line(field), Msg: fmt.Sprintf("%s %q: want a file inside the track folder, not a URL", what, *src)})
				return nil
			}
			before := len(problems)
			check(src, mediaVTT, field, what)
			if len(problems) > before {
				return nil
			}
			data, err := fs.ReadFile(fsys, path.Join(dir, *src))
			if err != nil {
				problems = append(problems, Problem{File: l.File, Line: l.pos.line(field), Msg: fmt.Sprintf("%s %q: cannot read it: %v", what, *src, cause(err))})
				return nil
			}
			cues, err := ParseVTT(data)
			if err != nil {
				problems = append(problems, Problem{File: l.File, Line: l.pos.line(field), Msg: fmt.Sprintf("%s %q: %v", what, *src, err)})
				return nil
			}
			if len(cues) == 0 {
				problems = append(problems, Problem{File: l.File, Line: l.pos.line(field), Msg: fmt.Sprintf("%s %q: has no cues", what, *src)})
			}
			return cues
		}
		if cues := vtt(&v.ChapterFile, "video.chapters", "video chapters"); len(cues) > 0 {
			v.Chapters = listedChapters(cues)
			if msg := assignChapters(l); msg != "" {
				problems = append(problems, Problem{File: l.File, Line: l.pos.line("video.chapters"), Msg: msg})
			}
		}
		v.Transcript = vtt(&v.TranscriptFile, "video.transcript", "video transcript")
	}
	for i := range l.Steps {
		s := &l.Steps[i]
		check(&s.Image, mediaImage, fmt.Sprintf("steps.%d.image", i), label("step", s.ID, i)+" image")
		for _, lang := range sortedKeys(s.Document) {
			src := s.Document[lang]
			if IsURL(src) {
				problems = append(problems, Problem{File: l.File, Line: l.pos.line(fmt.Sprintf("steps.%d.document.%s", i, lang)),
					Msg: fmt.Sprintf("%s document %s %q: want a file inside the track folder, not a URL", label("step", s.ID, i), lang, src)})
				continue
			}
			check(&src, mediaDocument, fmt.Sprintf("steps.%d.document.%s", i, lang), label("step", s.ID, i)+" document "+lang)
			s.Document[lang] = src
		}
	}
	return problems
}

// mediaFile checks the file src of the track folder dir and returns its
// clean name, relative to dir.
func mediaFile(fsys fs.FS, dir, src, kind string) (string, error) {
	if path.IsAbs(src) || filepath.IsAbs(src) || strings.ContainsRune(src, '\\') {
		return "", errors.New("want a URL or a file inside the track folder, not an absolute path")
	}
	clean := path.Clean(src)
	if !filepath.IsLocal(clean) || !fs.ValidPath(clean) {
		return "", errors.New("leads out of the track folder: want a file inside it")
	}
	// A symbolic link could lead anywhere, now or after the check: every
	// part of the name must be a real folder or file.
	name := dir
	for part := range strings.SplitSeq(clean, "/") {
		name = path.Join(name, part)
		fi, err := fs.Lstat(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			return "", errors.New("no such file in the track folder")
		}
		if err != nil {
			// Among others, a link out of the folder opened through an
			// os.Root.
			return "", fmt.Errorf("cannot read it: %v", cause(err))
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return "", errors.New("is a symbolic link: put the file itself in the track folder")
		}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return "", fmt.Errorf("cannot read it: %v", cause(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("cannot read it: %v", cause(err))
	}
	if !fi.Mode().IsRegular() {
		return "", errors.New("is not a file")
	}
	limit, what := int64(MaxImageBytes), "a picture"
	switch kind {
	case mediaVideo:
		limit, what = MaxVideoBytes, "a video file"
	case mediaSource:
		limit, what = MaxSourceVideoBytes, "a video with chapters"
	case mediaDocument:
		limit, what = MaxDocumentBytes, "a document"
	case mediaVTT:
		limit, what = MaxVTTBytes, "a WebVTT file"
	}
	if fi.Size() > limit {
		return "", fmt.Errorf("is %.1f MB: %s may be %d MB at most", float64(fi.Size())/(1<<20), what, limit>>20)
	}
	if kind == mediaVTT {
		if !strings.EqualFold(path.Ext(clean), ".vtt") {
			return "", errors.New("want a WebVTT file (.vtt)")
		}
		return clean, nil
	}
	if kind == mediaDocument {
		_, err := checkDocument(f, clean, limit)
		return clean, err
	}
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("cannot read it: %v", cause(err))
	}
	head = head[:n]
	switch {
	case kind == mediaImage && !isImage(head):
		return "", errors.New("is not a JPEG, PNG, WebP or GIF picture (judging by its content, not its name)")
	case (kind == mediaVideo || kind == mediaSource) && !isVideo(head):
		return "", errors.New("is not an MP4 or QuickTime video (judging by its content, not its name)")
	}
	return clean, nil
}

// checkDocument reads the document f, named name, and checks that it is text
// a phone can open: a .txt, .md or .csv file of UTF-8 text, with no NUL bytes
// (the mark of a binary file renamed), of at most limit bytes, which is all
// it reads.
func checkDocument(f io.Reader, name string, limit int64) ([]byte, error) {
	if !isDocumentType(path.Ext(name)) {
		return nil, errors.New("want a text (.txt), Markdown (.md) or CSV (.csv) file")
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read it: %v", cause(err))
	}
	switch {
	case int64(len(data)) > limit:
		return nil, fmt.Errorf("is over %d MB: a document may be %d MB at most", limit>>20, limit>>20)
	case len(data) == 0:
		return nil, errors.New("is empty")
	case bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data):
		return nil, errors.New("is not UTF-8 text (judging by its content, not its name): save it as UTF-8 text")
	}
	return data, nil
}

// cause drops the path from a file system error: the message already names
// the file as the lesson does.
func cause(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

// isImage reports whether a file starting with head is a JPEG, PNG, GIF or
// WebP picture, by their signatures.
func isImage(head []byte) bool {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}),
		bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")),
		bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return true
	}
	return len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP"
}

// isVideo reports whether a file starting with head is an MP4 or QuickTime
// video: an ISO base media file begins with a box whose type is ftyp, or, in
// old QuickTime files, one of the other top-level boxes.
func isVideo(head []byte) bool {
	if len(head) < 8 {
		return false
	}
	switch string(head[4:8]) {
	case "ftyp", "moov", "mdat", "wide", "free", "skip":
		return true
	}
	return false
}

// MediaPath returns the file on this server that a step's image or a
// lesson's video file names. The loader has checked it; this checks again
// when sending, so that a name stored by an older version, or a link put in
// the folder since, never makes the bot send another file: the name must
// lead, links resolved, to a file inside the track folder, and the track
// must have been published from a folder on disk (an absolute Dir; the
// built-in curriculum and chat uploads keep no files).
func (t *Track) MediaPath(src string) (string, error) {
	if t == nil || !filepath.IsAbs(t.Dir) {
		return "", errors.New("the track has no folder on this server")
	}
	if !filepath.IsLocal(src) {
		return "", fmt.Errorf("media file %q is not inside the track folder", src)
	}
	dir, err := filepath.EvalSymlinks(t.Dir)
	if err != nil {
		return "", fmt.Errorf("media file %q: %w", src, err)
	}
	real, err := filepath.EvalSymlinks(filepath.Join(t.Dir, src))
	if err != nil {
		return "", fmt.Errorf("media file %q: %w", src, err)
	}
	if rel, err := filepath.Rel(dir, real); err != nil || !filepath.IsLocal(rel) {
		return "", fmt.Errorf("media file %q leads out of the track folder", src)
	}
	return real, nil
}

// Document returns the file name and content of a step's document src, to
// send to a learner. Like MediaPath it checks the name again, and the content
// too: a file changed since it was published must still be text of at most
// MaxDocumentBytes. A track published from a folder on disk (an absolute Dir)
// reads it there; the built-in curriculum (Dir is a folder of BuiltinFS)
// reads it from the binary.
func (t *Track) Document(src string) (name string, data []byte, err error) {
	if t == nil {
		return "", nil, errors.New("no track")
	}
	if !filepath.IsAbs(t.Dir) {
		return builtinDocument(builtin, t.Dir, src)
	}
	if _, err := t.MediaPath(src); err != nil {
		return "", nil, err
	}
	// Opened through the track folder's root, so that nothing changed in the
	// folder since the check can lead the read outside it.
	root, err := os.OpenRoot(t.Dir)
	if err != nil {
		return "", nil, fmt.Errorf("document %q: %w", src, err)
	}
	defer root.Close()
	f, err := root.Open(src)
	if err != nil {
		return "", nil, fmt.Errorf("document %q: %w", src, err)
	}
	defer f.Close()
	return readDocument(f, src)
}

// builtinDocument reads document src of the track folder dir of fsys, a
// read-only file system such as the built-in curriculum.
func builtinDocument(fsys fs.FS, dir, src string) (string, []byte, error) {
	name := path.Join(dir, src)
	if dir == "" || !fs.ValidPath(dir) || !filepath.IsLocal(src) || !fs.ValidPath(name) {
		return "", nil, fmt.Errorf("document %q is not inside the track folder", src)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return "", nil, fmt.Errorf("document %q: %w", src, err)
	}
	defer f.Close()
	return readDocument(f, src)
}

// readDocument reads and checks document src from f.
func readDocument(f io.Reader, src string) (string, []byte, error) {
	data, err := checkDocument(f, src, MaxDocumentBytes)
	if err != nil {
		return "", nil, fmt.Errorf("document %q: %w", src, err)
	}
	return path.Base(src), data, nil
}

// NoFiles reports every picture, video or document of c's lessons that is a
// file rather than a URL, for a curriculum whose files are not kept, such as
// one uploaded through the chat: its lessons are stored, not its folder, so a
// file could never be sent.
func NoFiles(c *Curriculum) []Problem { return noFiles(c, true) }

// NoMedia is NoFiles for pictures and videos only, for an upload whose
// documents KeptDocuments checked.
func NoMedia(c *Curriculum) []Problem { return noFiles(c, false) }

func noFiles(c *Curriculum, documents bool) []Problem {
	var problems []Problem
	const (
		media    = "give a URL (https://...), or publish the folder with bottega content publish"
		document = "publish the folder with bottega content publish" // a document is always a file
	)
	add := func(l *Lesson, src, field, what, fix string) {
		if src != "" && !IsURL(src) {
			problems = append(problems, Problem{File: l.File, Line: l.pos.line(field),
				Msg: fmt.Sprintf("%s %q: an upload, in the chat or on the console, keeps no files of its own: %s", what, src, fix)})
		}
	}
	for _, l := range c.Lessons() {
		if l.Video != nil {
			add(l, l.Video.File, "video.file", "video file", media)
			add(l, l.Video.ChapterFile, "video.chapters", "video chapters", document)
			add(l, l.Video.TranscriptFile, "video.transcript", "video transcript", document)
		}
		for i, s := range l.Steps {
			add(l, s.Image, fmt.Sprintf("steps.%d.image", i), label("step", s.ID, i)+" image", media)
			if !documents {
				continue
			}
			for _, lang := range sortedKeys(s.Document) {
				add(l, s.Document[lang], fmt.Sprintf("steps.%d.document.%s", i, lang), label("step", s.ID, i)+" document "+lang, document)
			}
		}
	}
	return problems
}

// MissingFiles lists the pictures, videos and documents of a published
// curriculum that are no longer where it was published from: a track is
// published from a folder on disk (an absolute Dir) and the bot reads its
// files there, so a folder moved or renamed since leaves its steps without
// them. A video cut into clips when published needs its file no more.
func MissingFiles(c *Curriculum) []Problem {
	var problems []Problem
	const fix = "not found in the track's folder %s: was it moved or renamed? Publish the folder again from where it is (bottega content publish)"
	for _, t := range c.Tracks {
		if !filepath.IsAbs(t.Dir) {
			continue // the built-in curriculum, an upload: no folder
		}
		add := func(l *Lesson, src, what string, document bool) {
			if src == "" || IsURL(src) {
				return
			}
			var err error
			if document {
				_, _, err = t.Document(src)
			} else {
				_, err = t.MediaPath(src)
			}
			if err != nil {
				problems = append(problems, Problem{File: l.File, Msg: fmt.Sprintf("%s %q: "+fix, what, src, t.Dir)})
			}
		}
		for _, l := range t.Lessons {
			if v := l.Video; v != nil && len(v.Chapters) == 0 {
				add(l, v.File, "video file", false)
			}
			for i, s := range l.Steps {
				add(l, s.Image, label("step", s.ID, i)+" image", false)
				for _, lang := range sortedKeys(s.Document) {
					add(l, s.Document[lang], label("step", s.ID, i)+" document "+lang, true)
				}
			}
		}
	}
	return problems
}

// KeptDocuments lets an upload that keeps no files (see NoFiles) name the
// documents the current curriculum already has: each document of up, read
// from fsys where up was loaded from, must be in the folder of the track of
// cur with the same id, with the same content, since that is the file the
// bot sends. The tracks of up then take the folders of cur's, so that the
// documents are found there.
func KeptDocuments(cur, up *Curriculum, fsys fs.FS) []Problem {
	var problems []Problem
	for _, t := range up.Tracks {
		old := cur.Track(t.ID)
		for _, l := range t.Lessons {
			for i, s := range l.Steps {
				for _, lang := range sortedKeys(s.Document) {
					src := s.Document[lang]
					what := fmt.Sprintf("%s document %s %q", label("step", s.ID, i), lang, src)
					line := l.pos.line(fmt.Sprintf("steps.%d.document.%s", i, lang))
					data, err := fs.ReadFile(fsys, path.Join(t.Dir, src))
					if err != nil {
						problems = append(problems, Problem{File: l.File, Line: line, Msg: fmt.Sprintf("%s: cannot read it: %v", what, cause(err))})
						continue
					}
					var kept []byte
					if old != nil {
						_, kept, err = old.Document(src)
					}
					if old == nil || err != nil || !bytes.Equal(kept, data) {
						problems = append(problems, Problem{File: l.File, Line: line,
							Msg: what + ": an upload, in the chat or on the console, keeps no files of its own, and the published track does not have this file: publish the folder with bottega content publish"})
					}
				}
			}
		}
		if old != nil {
			t.Dir = old.Dir
		}
	}
	return problems
}

package admin_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"testing"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
)

var pngHead = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

// withImage gives the first step of a lesson file a picture, on line 18.
func withImage(t *testing.T, src []byte, image string) []byte {
	t.Helper()
	out := bytes.Replace(src, []byte("steps:\n  - id: "), []byte("steps:\n  - image: "+image+"\n    id: "), 1)
	if bytes.Equal(out, src) {
		t.Fatal("no steps to add a picture to")
	}
	return out
}

// withTemplate gives the first step of a lesson file a template in Italian.
func withTemplate(t *testing.T, src []byte, file string) []byte {
	t.Helper()
	out := bytes.Replace(src, []byte("steps:\n  - id: "), []byte("steps:\n  - document: {it: "+file+"}\n    id: "), 1)
	if bytes.Equal(out, src) {
		t.Fatal("no steps to add a template to")
	}
	return out
}

// zipShop zips the built-in bottega-digitale track with file replaced by data.
func zipShop(t *testing.T, file string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := fs.WalkDir(content.BuiltinFS(), "curriculum/bottega-digitale", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.BuiltinFS(), p)
		if err != nil {
			return err
		}
		if p == "curriculum/bottega-digitale/"+file {
			b = data
		}
		w, err := zw.Create(strings.TrimPrefix(p, "curriculum/"))
		if err == nil {
			_, err = w.Write(b)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipWith zips the built-in comune-social track with the first step of its
// first lesson showing image, and the files extra.
func zipWith(t *testing.T, image string, extra map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, b []byte) {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write(b)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	err := fs.WalkDir(content.BuiltinFS(), "curriculum/comune-social", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.BuiltinFS(), p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, "/01-citizen-communication.yaml") {
			b = withImage(t, b, image)
		}
		add(strings.TrimPrefix(p, "curriculum/"), b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range extra {
		add(name, b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A lesson uploaded through the chat can make the bot send no file of the
// server, nor any other file: each is reported at its line and nothing is
// published.
func TestUploadRefusesFiles(t *testing.T) {
	r := newRig(t)
	r.say(adminID, "/start")
	src, err := fs.ReadFile(content.BuiltinFS(), "curriculum/bottega-digitale/07-reviews.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The picture is on the line after "steps:".
	stepsLine := func(b []byte) int { return bytes.Count(b[:bytes.Index(b, []byte("\nsteps:\n"))], []byte("\n")) + 3 }
	comune, err := fs.ReadFile(content.BuiltinFS(), "curriculum/comune-social/01-citizen-communication.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lesson := fmt.Sprintf("07-reviews.yaml:%d: step why image", stepsLine(src))
	zipped := fmt.Sprintf("comune-social/01-citizen-communication.yaml:%d: step page image", stepsLine(comune))
	tests := []struct {
		name, file string
		data       []byte
		want       []string
	}{
		{"lesson, a file of the server", "07-reviews.yaml", withImage(t, src, "../../../../etc/passwd"), []string{lesson, "leads out of the track folder"}},
		{"lesson, an absolute path", "07-reviews.yaml", withImage(t, src, "/etc/hostname"), []string{lesson, "not an absolute path"}},
		{"lesson, a picture by name", "07-reviews.yaml", withImage(t, src, "images/shop.png"), []string{lesson, "no such file"}},
		{"zip, a file of the server", "track.zip", zipWith(t, "../../../../../etc/passwd", nil), []string{zipped, "leads out of the track folder"}},
		{"zip, a text file named .jpg", "track.zip", zipWith(t, "images/page.jpg", map[string][]byte{"comune-social/images/page.jpg": []byte("not a picture")}), []string{zipped, "is not a JPEG, PNG, WebP or GIF picture"}},
		{"zip, a picture too big", "track.zip", zipWith(t, "images/page.png", map[string][]byte{"comune-social/images/page.png": append(bytes.Clone(pngHead), make([]byte, 6<<20)...)}), []string{zipped, "is 6.0 MB: a picture may be 5 MB at most"}},
		{"lesson, a new template", "07-reviews.yaml", withTemplate(t, src, "templates/nuovo.txt"), []string{"step why document it \"templates/nuovo.txt\": no such file in the track folder"}},
		{"zip, a changed template", "track.zip", zipShop(t, "templates/risposte-recensioni.txt", []byte("Grazie!\n")), []string{"document it \"templates/risposte-recensioni.txt\": an upload, in the chat or on the console, keeps no files of its own, and the published track does not have this file"}},
		{"zip, a good picture", "track.zip", zipWith(t, "images/page.png", map[string][]byte{"comune-social/images/page.png": pngHead}), []string{zipped, "an upload, in the chat or on the console, keeps no files of its own"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := r.fake.AddFile(tt.file, tt.data)
			msg := last(t, r.do(bot.Update{UserID: strconv.Itoa(adminID), Document: &bot.File{Name: tt.file, ID: id}}))
			text := strings.ReplaceAll(msg.Text(), "&#34;", `"`)
			for _, want := range append([]string{"non ho pubblicato nulla"}, tt.want...) {
				if !strings.Contains(text, want) {
					t.Errorf("got %q, want %q", text, want)
				}
			}
			if len(msg.Buttons()) > 0 {
				t.Errorf("the upload can be published: %v", msg.Buttons())
			}
			if st, err := r.db.CurrentCurriculumState(bg); err != nil || st.Version != 1 {
				t.Errorf("version %d (%v), want 1", st.Version, err)
			}
		})
	}
}

// A file larger than bots may download is refused as too big, like a zip
// that unpacks too big, not as an error.
func TestUploadTooBig(t *testing.T) {
	r := newRig(t)
	r.say(adminID, "/start")
	for _, name := range []string{"07-reviews.yaml", "track.zip"} {
		id := r.fake.AddFile(name, make([]byte, 50<<20))
		msg := last(t, r.do(bot.Update{UserID: strconv.Itoa(adminID), Document: &bot.File{Name: name, ID: id}}))
		if want := r.texts.T("it", "admin_upload_file_too_big", nil); msg.Text() != want {
			t.Errorf("%s of 50 MB: got %q, want %q", name, msg.Text(), want)
		}
	}
}

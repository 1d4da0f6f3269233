package content

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pngHead is the start of a PNG file.
var pngHead = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

// mediaLesson is a lesson whose steps name files in every way that must be
// refused, and two that are fine.
const mediaLesson = `id: media
level: base
order: 3
roles: [shopkeeper]
locales: [it]
minutes: 2
title: {it: Foto}
summary: {it: Foto luminose.}
keywords: {it: [foto]}
video:
  file: videos/clip.mp4
  duration: 1:00
steps:
  - {id: up, text: {it: Su.}, image: ../../../../etc/passwd}
  - {id: abs, text: {it: Assoluto.}, image: /etc/passwd}
  - {id: link, text: {it: Link.}, image: images/link.png}
  - {id: linkdir, text: {it: Cartella.}, image: outside/secret.png}
  - {id: text, text: {it: Testo.}, image: images/notes.jpg}
  - {id: big, text: {it: Grande.}, image: images/huge.png}
  - {id: gone, text: {it: Manca.}, image: images/missing.png}
  - {id: ok, text: {it: Giusta.}, image: images/./sub/../ok.png}
quiz:
  - {id: q1, kind: truefalse, question: {it: "Luce?"}, answer: true, explain: {it: Sì.}}
  - {id: q2, kind: truefalse, question: {it: "Flash?"}, answer: false, explain: {it: No.}}
  - {id: q3, kind: truefalse, question: {it: "Sfondo?"}, answer: true, explain: {it: Sì.}}
  - {id: q4, kind: truefalse, question: {it: "Ombra?"}, answer: false, explain: {it: No.}}
`

// mediaFolder writes a curriculum with the shop track of testdata/valid and
// mediaLesson in it, with the files it names, and a secret picture outside.
func mediaFolder(t *testing.T) (root, secret string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "curriculum")
	if err := os.CopyFS(root, os.DirFS("testdata/valid")); err != nil {
		t.Fatal(err)
	}
	shop := filepath.Join(root, "shop")
	secret = filepath.Join(base, "private")
	files := map[string][]byte{
		filepath.Join(secret, "secret.png"):        pngHead,
		filepath.Join(shop, "03-media.yaml"):       []byte(mediaLesson),
		filepath.Join(shop, "images", "notes.jpg"): []byte("password=hunter2\nnot a picture\n"),
		filepath.Join(shop, "images", "huge.png"):  append(bytes.Clone(pngHead), make([]byte, 6<<20)...),
		filepath.Join(shop, "images", "ok.png"):    pngHead,
		filepath.Join(shop, "videos", "clip.mp4"):  []byte("#!/bin/sh\necho not a video\n"),
	}
	for name, data := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(secret, "secret.png"), filepath.Join(shop, "images", "link.png")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(shop, "outside")); err != nil {
		t.Fatal(err)
	}
	return root, secret
}

// lineOf returns the line of mediaLesson that contains s.
func lineOf(t *testing.T, s string) int {
	t.Helper()
	for i, l := range strings.Split(mediaLesson, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("no line has %q", s)
	return 0
}

// A lesson may name only pictures and videos inside its track folder: every
// other file is reported at its line, and nothing of it is read.
func TestLoadMedia(t *testing.T) {
	root, _ := mediaFolder(t)
	c, problems, err := LoadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, p := range problems {
		got[p.String()] = true
	}
	at := func(s, msg string) string {
		return fmt.Sprintf("shop/03-media.yaml:%d: %s", lineOf(t, s), msg)
	}
	want := []string{
		at("file: videos/clip.mp4", `video file "videos/clip.mp4": is not an MP4 or QuickTime video (judging by its content, not its name)`),
		at("id: up,", `step up image "../../../../etc/passwd": leads out of the track folder: want a file inside it`),
		at("id: abs,", `step abs image "/etc/passwd": want a URL or a file inside the track folder, not an absolute path`),
		at("id: link,", `step link image "images/link.png": is a symbolic link: put the file itself in the track folder`),
		at("id: linkdir,", `step linkdir image "outside/secret.png": is a symbolic link: put the file itself in the track folder`),
		at("id: text,", `step text image "images/notes.jpg": is not a JPEG, PNG, WebP or GIF picture (judging by its content, not its name)`),
		at("id: big,", `step big image "images/huge.png": is 6.0 MB: a picture may be 5 MB at most`),
		at("id: gone,", `step gone image "images/missing.png": no such file in the track folder`),
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no problem %q", w)
		}
		delete(got, w)
	}
	for p := range got {
		t.Errorf("unexpected problem %q", p)
	}
	if l := c.Lesson("media"); l == nil || l.Steps[7].Image != "images/ok.png" {
		t.Errorf("the good picture is not stored by its clean name: %+v", l)
	}
}

// The same rules hold for a curriculum read from any file system, such as an
// upload unpacked in memory or the built-in one.
func TestLoadMediaFS(t *testing.T) {
	root, _ := mediaFolder(t)
	for _, name := range []string{"shop/images/link.png", "shop/outside"} {
		if err := os.Remove(filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	_, problems, err := Load(os.DirFS(root), ".")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, p := range problems {
		lines = append(lines, p.String())
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{"../../../../etc/passwd\": leads out", "/etc/passwd\": want a URL", "images/notes.jpg\": is not a JPEG", "images/huge.png\": is 6.0 MB"} {
		if !strings.Contains(all, want) {
			t.Errorf("no problem with %q in:\n%s", want, all)
		}
	}
}

// Sending checks the name again, links resolved: a name stored before these
// rules, or a link put in the folder after publishing, reaches nothing
// outside the track folder.
func TestMediaPath(t *testing.T) {
	root, _ := mediaFolder(t)
	shop := &Track{Dir: filepath.Join(root, "shop")}
	if p, err := shop.MediaPath("images/ok.png"); err != nil || p != filepath.Join(root, "shop", "images", "ok.png") {
		t.Errorf("MediaPath(images/ok.png) = %q, %v", p, err)
	}
	for _, src := range []string{"../../../../etc/passwd", "/etc/passwd", "images/link.png", "outside/secret.png", "images/../../shop/../../private/secret.png", ""} {
		if p, err := shop.MediaPath(src); err == nil {
			t.Errorf("MediaPath(%q) = %q, want an error", src, p)
		}
	}
	for _, dir := range []string{"", "shop", "curriculum/bottega-digitale"} {
		// A track without a folder on this server: built in, or uploaded
		// through the chat.
		if p, err := (&Track{Dir: dir}).MediaPath("images/ok.png"); err == nil {
			t.Errorf("Dir %q: MediaPath = %q, want an error", dir, p)
		}
	}
}

// docLesson is a lesson whose steps name documents in every way that must be
// refused, and three that are fine.
const docLesson = `id: docs
level: base
order: 4
roles: [shopkeeper]
locales: [it, en]
minutes: 2
title: {it: Modelli, en: Templates}
summary: {it: Modelli da copiare., en: Templates to copy.}
keywords: {it: [modello], en: [template]}
steps:
  - {id: up, text: {it: Su., en: Up.}, document: {it: ../../../../etc/passwd}}
  - {id: abs, text: {it: Assoluto., en: Absolute.}, document: {it: /etc/passwd}}
  - {id: link, text: {it: Link., en: Link.}, document: {it: templates/link.txt}}
  - {id: url, text: {it: Indirizzo., en: Address.}, document: {it: "https://example.org/a.txt"}}
  - {id: bin, text: {it: Binario., en: Binary.}, document: {it: templates/nul.txt, en: templates/latin1.csv}}
  - {id: big, text: {it: Grande., en: Big.}, document: {it: templates/huge.md}}
  - {id: type, text: {it: Tipo., en: Type.}, document: {it: templates/form.pdf, en: templates/missing.txt}}
  - {id: ok, text: {it: Giusti., en: Fine.}, document: {it: templates/sub/../risposte.txt, en: templates/plan.CSV}}
quiz:
  - {id: q1, kind: truefalse, question: {it: "Luce?", en: "Light?"}, answer: true, explain: {it: Sì., en: "Yes."}}
  - {id: q2, kind: truefalse, question: {it: "Flash?", en: "Flash?"}, answer: false, explain: {it: No., en: "No."}}
  - {id: q3, kind: truefalse, question: {it: "Sfondo?", en: "Background?"}, answer: true, explain: {it: Sì., en: "Yes."}}
  - {id: q4, kind: truefalse, question: {it: "Ombra?", en: "Shadow?"}, answer: false, explain: {it: No., en: "No."}}
`

// A step's document must be a text file inside its track folder: every other
// file is reported at its line, like a picture.
func TestLoadDocuments(t *testing.T) {
	root, secret := mediaFolder(t)
	shop := filepath.Join(root, "shop")
	files := map[string][]byte{
		filepath.Join(secret, "secret.txt"):              []byte("password=hunter2\n"),
		filepath.Join(shop, "04-docs.yaml"):              []byte(docLesson),
		filepath.Join(shop, "templates", "nul.txt"):      []byte("text\x00with a NUL\n"),
		filepath.Join(shop, "templates", "latin1.csv"):   []byte("citt\xe0,prezzo\n"),
		filepath.Join(shop, "templates", "huge.md"):      bytes.Repeat([]byte("# riga\n"), (MaxDocumentBytes/7)+1),
		filepath.Join(shop, "templates", "form.pdf"):     []byte("%PDF-1.4\n"),
		filepath.Join(shop, "templates", "risposte.txt"): []byte("Grazie della recensione, è un piacere.\n"),
		filepath.Join(shop, "templates", "plan.CSV"):     []byte("giorno,tema\nlunedì,vetrina\n"),
	}
	for name, data := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(secret, "secret.txt"), filepath.Join(shop, "templates", "link.txt")); err != nil {
		t.Fatal(err)
	}
	c, problems, err := LoadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, p := range problems {
		if p.File == "shop/04-docs.yaml" {
			got[p.String()] = true
		}
	}
	at := func(s, msg string) string {
		for i, l := range strings.Split(docLesson, "\n") {
			if strings.Contains(l, s) {
				return fmt.Sprintf("shop/04-docs.yaml:%d: %s", i+1, msg)
			}
		}
		t.Fatalf("no line has %q", s)
		return ""
	}
	want := []string{
		at("id: up,", `step up document it "../../../../etc/passwd": leads out of the track folder: want a file inside it`),
		at("id: abs,", `step abs document it "/etc/passwd": want a URL or a file inside the track folder, not an absolute path`),
		at("id: link,", `step link document it "templates/link.txt": is a symbolic link: put the file itself in the track folder`),
		at("id: url,", `step url document it "https://example.org/a.txt": want a file inside the track folder, not a URL`),
		at("id: bin,", `step bin document it "templates/nul.txt": is not UTF-8 text (judging by its content, not its name): save it as UTF-8 text`),
		at("id: bin,", `step bin document en "templates/latin1.csv": is not UTF-8 text (judging by its content, not its name): save it as UTF-8 text`),
		at("id: big,", `step big document it "templates/huge.md": is 1.0 MB: a document may be 1 MB at most`),
		at("id: type,", `step type document it "templates/form.pdf": want a text (.txt), Markdown (.md) or CSV (.csv) file`),
		at("id: type,", `step type document en "templates/missing.txt": no such file in the track folder`),
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no problem %q", w)
		}
		delete(got, w)
	}
	for p := range got {
		t.Errorf("unexpected problem %q", p)
	}
	if l := c.Lesson("docs"); l == nil || l.Steps[7].Document["it"] != "templates/risposte.txt" || l.Steps[7].Document["en"] != "templates/plan.CSV" {
		t.Errorf("the good documents are not stored by their clean names: %+v", l)
	}
}

// A document over the limit by a few bytes, whose size the file system
// rounds to the limit, is still refused: the check counts the bytes read.
func TestCheckDocumentLimit(t *testing.T) {
	if _, err := checkDocument(strings.NewReader("abcdef"), "a.txt", 5); err == nil {
		t.Error("6 bytes with a limit of 5 accepted")
	}
	if data, err := checkDocument(strings.NewReader("abcde"), "a.txt", 5); err != nil || string(data) != "abcde" {
		t.Errorf("5 bytes with a limit of 5: %q, %v", data, err)
	}
}

// An upload (in the chat or on the console) keeps no files, so its lessons may name none,
// documents included.
func TestNoFiles(t *testing.T) {
	var got []string
	for _, p := range NoFiles(loadValid(t)) {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	src, err := os.ReadFile("testdata/valid/shop/01-hours.yaml")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s, msg string) string {
		for i, l := range strings.Split(string(src), "\n") {
			if strings.Contains(l, s) {
				return fmt.Sprintf("shop/01-hours.yaml:%d: %s", i+1, msg)
			}
		}
		t.Fatalf("no line has %q", s)
		return ""
	}
	for _, want := range []string{
		at("image: images/holidays.png", `step holidays image "images/holidays.png": an upload, in the chat or on the console, keeps no files of its own: give a URL`),
		at("en: templates/./hours.csv", `step check document en "templates/hours.csv": an upload, in the chat or on the console, keeps no files of its own: publish the folder with bottega content publish`),
		at("it: templates/orari.txt", `step check document it "templates/orari.txt": an upload, in the chat or on the console, keeps no files of its own: publish the folder with bottega content publish`),
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no problem %q in:\n%s", want, all)
		}
	}
}

// Sending reads a document again, checked as when loading: from the folder
// on disk, or from the built-in files for the built-in curriculum.
func TestTrackDocument(t *testing.T) {
	root, _ := mediaFolder(t)
	shop := filepath.Join(root, "shop")
	tr := &Track{Dir: shop}
	name, data, err := tr.Document("templates/orari.txt")
	if err != nil || name != "orari.txt" || !strings.HasPrefix(string(data), "Orari di apertura") {
		t.Errorf("Document(templates/orari.txt) = %q, %q, %v", name, data, err)
	}
	if err := os.WriteFile(filepath.Join(shop, "templates", "orari.txt"), []byte("now\x00binary"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"templates/orari.txt", "../../../../etc/passwd", "/etc/passwd", "images/ok.png", "templates/none.txt"} {
		if _, _, err := tr.Document(src); err == nil {
			t.Errorf("Document(%q) accepted", src)
		}
	}

	fsys := os.DirFS("testdata/valid")
	name, data, err = builtinDocument(fsys, "shop", "templates/hours.csv")
	if err != nil || name != "hours.csv" || !strings.HasPrefix(string(data), "day,open") {
		t.Errorf("builtinDocument = %q, %q, %v", name, data, err)
	}
	for _, tt := range []struct{ dir, src string }{{"shop", "../town/track.yaml"}, {"shop", "/etc/passwd"}, {"", "shop/templates/hours.csv"}, {"../x", "a.txt"}, {"shop", "images/holidays.png"}} {
		if _, _, err := builtinDocument(fsys, tt.dir, tt.src); err == nil {
			t.Errorf("builtinDocument(%q, %q) accepted", tt.dir, tt.src)
		}
	}
}

// TestMissingFiles: the files of a track published from a folder are where
// it was; moved, each is named, with what to do.
func TestMissingFiles(t *testing.T) {
	root := filepath.Join(t.TempDir(), "lessons")
	if err := os.CopyFS(root, os.DirFS("testdata/valid")); err != nil {
		t.Fatal(err)
	}
	c, problems, err := LoadDir(root)
	if err != nil || len(problems) > 0 {
		t.Fatalf("load: %v %v", problems, err)
	}
	if got := MissingFiles(c); len(got) > 0 {
		t.Fatalf("files in place reported missing: %v", got)
	}
	if err := os.Rename(root, root+"-moved"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range MissingFiles(c) {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{`image "images/holidays.png": not found in the track's folder`, `document it "templates/orari.txt": not found`, "Publish the folder again"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing files without %q:\n%s", want, all)
		}
	}
	builtin, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if got := MissingFiles(builtin); len(got) > 0 {
		t.Errorf("the built-in curriculum, read from the binary, has missing files: %v", got)
	}
}

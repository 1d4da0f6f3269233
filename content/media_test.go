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

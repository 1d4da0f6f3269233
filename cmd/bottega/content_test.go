package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bottega-app/bottega/content"
)

// copyBuiltinTrack copies the built-in shop track into a temporary lessons
// folder and returns the folder, the path of one of its lesson files and
// that file's text.
func copyBuiltinTrack(t *testing.T, lesson string) (lessons, file string, src []byte) {
	t.Helper()
	lessons = t.TempDir()
	track, err := fs.Sub(content.BuiltinFS(), "curriculum/bottega-digitale")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(lessons, "bottega-digitale"), track); err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(lessons, "bottega-digitale", lesson)
	if src, err = os.ReadFile(file); err != nil {
		t.Fatal(err)
	}
	return lessons, file, src
}

// A lesson that names a file of the server is reported at its line, and
// the folder is neither valid nor published.
func TestContentValidateRefusesServerFiles(t *testing.T) {
	lessons, file, src := copyBuiltinTrack(t, "07-reviews.yaml")
	bad := bytes.Replace(src, []byte("steps:\n  - id: "), []byte("steps:\n  - image: ../../../../etc/passwd\n    id: "), 1)
	if err := os.WriteFile(file, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"validate", "publish"} {
		var out bytes.Buffer
		err := run(context.Background(), []string{"content", sub, lessons}, envFrom(map[string]string{"BOTTEGA_DATA_DIR": dataDir(t)}), strings.NewReader(""), &out, io.Discard)
		if code := exitCode(err, io.Discard); code != 2 {
			t.Errorf("content %s: exit %d (%v), want 2", sub, code, err)
		}
		// The picture is on the line after "steps:".
		line := bytes.Count(bad[:bytes.Index(bad, []byte("\nsteps:\n"))], []byte("\n")) + 3
		want := fmt.Sprintf(`bottega-digitale/07-reviews.yaml:%d: step why image "../../../../etc/passwd": leads out of the track folder`, line)
		if !strings.Contains(out.String(), want) {
			t.Errorf("content %s printed:\n%s\nwant %s", sub, out.String(), want)
		}
	}
}

// Warnings are listed as file:line: warning: message, and validate still
// succeeds.
func TestContentValidateWarns(t *testing.T) {
	lessons, file, src := copyBuiltinTrack(t, "07-reviews.yaml")
	old := regexp.MustCompile(`(?m)^reviewed: .*$`)
	if !old.Match(src) {
		t.Fatal("07-reviews.yaml has no reviewed date to change")
	}
	if err := os.WriteFile(file, old.ReplaceAll(src, []byte("reviewed: 2020-01-01")), 0o644); err != nil {
		t.Fatal(err)
	}
	line := 1 + bytes.Count(src[:old.FindIndex(src)[0]], []byte("\n"))
	var out bytes.Buffer
	err := run(context.Background(), []string{"content", "validate", lessons}, envFrom(map[string]string{"BOTTEGA_DATA_DIR": dataDir(t)}), strings.NewReader(""), &out, io.Discard)
	if err != nil {
		t.Fatalf("validate: %v\n%s", err, out.String())
	}
	want := fmt.Sprintf("bottega-digitale/07-reviews.yaml:%d: warning: reviewed 2020-01-01, more than 6 months ago", line)
	if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "no problems") {
		t.Errorf("validate printed:\n%s\nwant %s", out.String(), want)
	}
}

// TestContentDiffPublishVersionsRollback goes through the publishing
// service from the command line: a changed lesson is diffed, published,
// listed and rolled back.
func TestContentDiffPublishVersionsRollback(t *testing.T) {
	env := envFrom(onTestServer(t, nil))
	lessons := filepath.Join(t.TempDir(), "lessons")
	sub, err := fs.Sub(content.BuiltinFS(), "curriculum")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(lessons, sub); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(lessons, "bottega-digitale", "07-reviews.yaml")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, regexp.MustCompile(`(?m)^minutes: \d+$`).ReplaceAll(src, []byte("minutes: 19")), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"content"}, args...), env, strings.NewReader(""), &out, io.Discard); err != nil {
			t.Fatalf("content %v: %v\n%s", args, err, out.String())
		}
		return out.String()
	}
	cmd("publish")
	if out := cmd("diff", lessons); !strings.Contains(out, "changed  1: reviews") || strings.Contains(out, "added") || strings.Contains(out, "removed") {
		t.Errorf("diff:\n%s", out)
	}
	if out := cmd("publish", lessons); !strings.Contains(out, "Published curriculum version 2.") {
		t.Errorf("publish:\n%s", out)
	}
	if out := cmd("rollback", "1"); !strings.Contains(out, "Published curriculum version 3.") || !strings.Contains(out, "changed  1: reviews") {
		t.Errorf("rollback:\n%s", out)
	}
	out := cmd("versions")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 3 || !strings.Contains(lines[0], "rollback to version 1") || !strings.Contains(lines[0], "(current)") || !strings.Contains(lines[1], lessons) {
		t.Errorf("versions:\n%s", out)
	}
	// A folder of one track, published alone, would remove the other
	// track's lessons: it says so and asks first (no answer: no).
	one := filepath.Join(t.TempDir(), "one")
	if err := os.CopyFS(filepath.Join(one, "comune-social"), os.DirFS(filepath.Join(lessons, "comune-social"))); err != nil {
		t.Fatal(err)
	}
	if out := cmd("publish", one); !strings.Contains(out, "Remove ") || !strings.Contains(out, "reviews") || !strings.Contains(out, "Nothing published.") {
		t.Errorf("publish of one track:\n%s", out)
	}
	if out := cmd("versions"); len(strings.Split(strings.TrimSpace(out), "\n")) != 3 {
		t.Errorf("a refused publish made a version:\n%s", out)
	}
	// The flag after the folder, as people type it, counts too.
	if out := cmd("publish", one, "-yes"); !strings.Contains(out, "Published curriculum version 4.") || !strings.Contains(out, "removed") {
		t.Errorf("publish -yes of one track:\n%s", out)
	}
	var buf bytes.Buffer
	err = run(context.Background(), []string{"content", "rollback", "99"}, env, strings.NewReader(""), &buf, io.Discard)
	if code := exitCode(err, io.Discard); code != 2 {
		t.Errorf("rollback to no version: exit %d (%v)", code, err)
	}
}

// TestContentHelpAndMissingFolder: --help of a sub-command says what it
// does and is no error; a folder that is not there is a usage error.
func TestContentHelpAndMissingFolder(t *testing.T) {
	env := map[string]string{"BOTTEGA_DATA_DIR": dataDir(t)}
	runCommand(t, env, "", commandLine{[]string{"content", "publish", "--help"}, 0, "every track to keep"})
	runCommand(t, env, "", commandLine{[]string{"content", "validate", filepath.Join(t.TempDir(), "nope")}, 2, "is not a folder"})
	// An empty folder is no curriculum: publishing it would leave the
	// learners no lesson.
	runCommand(t, env, "", commandLine{[]string{"content", "publish", "-yes", t.TempDir()}, 2, "no track folder here"})
}

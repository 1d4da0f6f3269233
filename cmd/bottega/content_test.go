package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bottega-app/bottega/content"
)

// A lesson that names a file of the server is reported at its line, and
// the folder is neither valid nor published.
func TestContentValidateRefusesServerFiles(t *testing.T) {
	lessons := t.TempDir()
	track, err := fs.Sub(content.BuiltinFS(), "curriculum/bottega-digitale")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(lessons, "bottega-digitale"), track); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(lessons, "bottega-digitale", "07-reviews.yaml")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(src, []byte("steps:\n  - id: "), []byte("steps:\n  - image: ../../../../etc/passwd\n    id: "), 1)
	if err := os.WriteFile(file, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"validate", "publish"} {
		var out bytes.Buffer
		err := run(context.Background(), []string{"content", sub, lessons}, envFrom(map[string]string{"BOTTEGA_DATA_DIR": t.TempDir()}), strings.NewReader(""), &out, io.Discard)
		if code := exitCode(err, io.Discard); code != 2 {
			t.Errorf("content %s: exit %d (%v), want 2", sub, code, err)
		}
		want := `bottega-digitale/07-reviews.yaml:17: step why image "../../../../etc/passwd": leads out of the track folder`
		if !strings.Contains(out.String(), want) {
			t.Errorf("content %s printed:\n%s\nwant %s", sub, out.String(), want)
		}
	}
}

// Package video cuts a lesson's long video into one short clip per step with
// ffmpeg, re-encoded once to what every chat platform plays (H.264 Main,
// AAC, the index at the front of the file, at most 16 MB), with a poster
// frame each. Clips are content-addressed: a clip's key hashes the source's
// bytes, the cut and the encoding settings, and clips are kept in a folder,
// so cutting the same video again re-encodes nothing.
package video

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Tools are the ffmpeg and ffprobe binaries.
type Tools struct {
	FFmpeg  string
	FFprobe string
}

// ErrNoFFmpeg says that ffmpeg or ffprobe cannot be found.
var ErrNoFFmpeg = errors.New("ffmpeg not found")

// Find locates ffmpeg and ffprobe: FFMPEG names the ffmpeg binary, with
// ffprobe next to it; otherwise both are looked up on PATH. Its error names
// the Debian package to install.
func Find(getenv func(string) string) (Tools, error) {
	if p := strings.TrimSpace(getenv("FFMPEG")); p != "" {
		probe := filepath.Join(filepath.Dir(p), "ffprobe")
		if strings.HasSuffix(filepath.Base(p), ".exe") {
			probe += ".exe"
		}
		for _, b := range []string{p, probe} {
			if fi, err := os.Stat(b); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
				return Tools{}, fmt.Errorf("%w: FFMPEG is %q, but %s is not an executable file: point FFMPEG at an ffmpeg binary with ffprobe next to it, or install Debian's ffmpeg package (apt-get install ffmpeg)", ErrNoFFmpeg, p, b)
			}
		}
		return Tools{FFmpeg: p, FFprobe: probe}, nil
	}
	ff, err := exec.LookPath("ffmpeg")
	if err != nil {
		return Tools{}, fmt.Errorf("%w on PATH: install Debian's ffmpeg package (apt-get install ffmpeg), or set FFMPEG to the ffmpeg binary", ErrNoFFmpeg)
	}
	probe, err := exec.LookPath("ffprobe")
	if err != nil {
		return Tools{}, fmt.Errorf("%w: ffprobe is not on PATH: install Debian's ffmpeg package (apt-get install ffmpeg), or set FFMPEG to an ffmpeg binary with ffprobe next to it", ErrNoFFmpeg)
	}
	return Tools{FFmpeg: ff, FFprobe: probe}, nil
}

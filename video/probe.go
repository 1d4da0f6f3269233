package video

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// Info is what ffprobe says of a media file.
type Info struct {
	Duration time.Duration
	Size     int64
	Streams  []Stream
}

// Stream is one stream of a media file.
type Stream struct {
	Type    string // video, audio, subtitle
	Codec   string // h264, aac, mov_text
	Profile string // Main, LC
	Width   int
	Height  int
}

// Stream returns the first stream of type typ, or false.
func (i Info) Stream(typ string) (Stream, bool) {
	for _, s := range i.Streams {
		if s.Type == typ {
			return s, true
		}
	}
	return Stream{}, false
}

// errUnreadable: ffprobe ran and could not read the file.
var errUnreadable = errors.New("unreadable media file")

// Probe asks ffprobe about the media file name.
func (t Tools) Probe(ctx context.Context, name string) (Info, error) {
	// #nosec G204 -- the binary is the configured ffprobe and name one argument, no shell
	cmd := exec.CommandContext(ctx, t.FFprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", name)
	var stderr bytes.Buffer
	cmd.Stderr = &limited{w: &stderr, n: 4096}
	out, err := cmd.Output()
	if xe := (*exec.ExitError)(nil); errors.As(err, &xe) && ctx.Err() == nil {
		return Info{}, fmt.Errorf("%w: ffprobe: %v: %s", errUnreadable, err, bytes.TrimSpace(stderr.Bytes()))
	} else if err != nil {
		return Info{}, fmt.Errorf("ffprobe: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	var raw struct {
		Format struct {
			Duration string `json:"duration"`
			Size     string `json:"size"`
		} `json:"format"`
		Streams []struct {
			CodecType string `json:"codec_type"`
			CodecName string `json:"codec_name"`
			Profile   string `json:"profile"`
			Width     int    `json:"width"`
			Height    int    `json:"height"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		return Info{}, fmt.Errorf("ffprobe output: %w", err)
	}
	var info Info
	if s, err := strconv.ParseFloat(raw.Format.Duration, 64); err == nil {
		info.Duration = time.Duration(s * float64(time.Second))
	}
	info.Size, _ = strconv.ParseInt(raw.Format.Size, 10, 64)
	for _, s := range raw.Streams {
		info.Streams = append(info.Streams, Stream{Type: s.CodecType, Codec: s.CodecName, Profile: s.Profile, Width: s.Width, Height: s.Height})
	}
	return info, nil
}

// Faststart reports whether the MP4 file name has its index (the moov box)
// before its media data (mdat), so that a player can start before the whole
// file has arrived.
func Faststart(name string) (bool, error) {
	f, err := os.Open(name) // #nosec G304 -- a clip this package wrote, or one a test names
	if err != nil {
		return false, err
	}
	defer f.Close()
	var off int64
	head := make([]byte, 16)
	for {
		if _, err := f.ReadAt(head[:8], off); err != nil {
			if errors.Is(err, io.EOF) {
				return false, errors.New("no moov box")
			}
			return false, err
		}
		size := int64(binary.BigEndian.Uint32(head[:4]))
		switch string(head[4:8]) {
		case "moov":
			return true, nil
		case "mdat":
			return false, nil
		}
		if size == 1 { // a 64-bit size follows
			if _, err := f.ReadAt(head[8:16], off+8); err != nil {
				return false, err
			}
			size = int64(binary.BigEndian.Uint64(head[8:16])) // #nosec G115 -- box sizes of files this package reads are far below 2^63
		}
		if size < 8 {
			return false, errors.New("not an MP4 file")
		}
		off += size
	}
}

// limited writes at most n bytes to w and drops the rest, for a command's
// error output.
type limited struct {
	w io.Writer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.n -= k
		if _, err := l.w.Write(p[:k]); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

package video

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// MaxClipBytes is the largest clip: WhatsApp's limit for a video, below
// Telegram's 50 MB for a bot's upload.
const MaxClipBytes = 16 << 20

// Settings are how clips are encoded. They are part of every clip's key: a
// change encodes the clips again.
type Settings struct {
	// MaxHeight bounds the picture's height; smaller videos keep theirs.
	MaxHeight int
	// Preset is x264's speed preset (veryfast, medium, ...).
	Preset string
	// AudioKbps is the AAC bitrate.
	AudioKbps int
	// MaxVideoKbps bounds the video bitrate of short clips; longer ones get
	// less, so that they fit MaxBytes.
	MaxVideoKbps int
	// MaxBytes bounds a clip's size.
	MaxBytes int64
}

// DefaultSettings suit a phone screen: 720 lines at most, about 2 Mbit/s.
func DefaultSettings() Settings {
	return Settings{MaxHeight: 720, Preset: "veryfast", AudioKbps: 96, MaxVideoKbps: 2000, MaxBytes: MaxClipBytes}
}

func (s Settings) key() string {
	return fmt.Sprintf("h264-main/aac/faststart height=%d preset=%s audio=%dk video<=%dk bytes<=%d", s.MaxHeight, s.Preset, s.AudioKbps, s.MaxVideoKbps, s.MaxBytes)
}

// minVideoKbps is the least video bitrate worth watching.
const minVideoKbps = 100

// videoKbps chooses the video bitrate of a clip of duration d: what fits
// MaxBytes with the audio, with room for the container, up to MaxVideoKbps.
func (s Settings) videoKbps(d time.Duration) (int, error) {
	secs := d.Seconds()
	if secs <= 0 {
		return 0, errors.New("the clip has no duration")
	}
	budget := float64(s.MaxBytes) * 0.93 * 8 / 1000 // kbit, 7% left for the container and the rate control's error
	total := int(budget / secs)
	v := min(total-s.AudioKbps, s.MaxVideoKbps)
	if v < minVideoKbps {
		longest := time.Duration(budget/float64(minVideoKbps+s.AudioKbps)) * time.Second
		return 0, fmt.Errorf("a clip of %s does not fit %d MB: make clips of at most %s (more chapters)", d.Round(time.Second), s.MaxBytes>>20, longest.Round(time.Minute))
	}
	return v, nil
}

// Cut is a part of the source: from Start, for Length. Subtitles, if any,
// is a WebVTT text timed from the start of the clip, muxed as soft
// subtitles.
type Cut struct {
	Start     time.Duration
	Length    time.Duration
	Subtitles string
	// Language of the subtitles, as ISO 639-2 (ita, eng); optional.
	Language string
}

// Clip is a cut, encoded.
type Clip struct {
	// Key is the clip's content address: the hash of the source's bytes,
	// the cut and the settings.
	Key    string
	Path   string // the MP4 file
	Poster string // a JPEG frame
	Size   int64
	// Encoded is true when this call encoded it, false when it was cached.
	Encoded bool
}

// Progress is how far a Cutter has come.
type Progress struct {
	Clip   int     // the clip being made, from 0
	Clips  int     // how many clips in all
	Done   float64 // of the current clip, from 0 to 1
	Cached bool    // the clip was already made: nothing to encode
}

// Cutter cuts videos into clips kept in Dir.
type Cutter struct {
	Tools    Tools
	Dir      string
	Settings Settings
}

// NewCutter returns a Cutter with the default settings, keeping its clips
// in dir.
func NewCutter(tools Tools, dir string) *Cutter {
	return &Cutter{Tools: tools, Dir: dir, Settings: DefaultSettings()}
}

// HashFile returns the SHA-256 of a file's bytes, in hex.
func HashFile(name string) (string, error) {
	f, err := os.Open(name) // #nosec G304 -- a lesson's video, checked by the loader to be inside its track folder
	if err != nil {
		return "", fmt.Errorf("hash video: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash video: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Key returns the content address of a cut of the source whose bytes hash
// to sourceHash.
func (c *Cutter) Key(sourceHash string, cut Cut) string {
	h := sha256.New()
	fmt.Fprintf(h, "bottega clip 1\nsource %s\nstart %d\nlength %d\n%s\n", sourceHash, cut.Start, cut.Length, c.Settings.key())
	if cut.Subtitles != "" {
		fmt.Fprintf(h, "subtitles %s %d\n%s", cut.Language, len(cut.Subtitles), cut.Subtitles)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Path returns where the clip with key is kept, and its poster.
func (c *Cutter) Path(key string) (clip, poster string, err error) {
	if len(key) != 64 || strings.Trim(key, "0123456789abcdef") != "" {
		return "", "", fmt.Errorf("%q is not a clip key", key)
	}
	dir := filepath.Join(c.Dir, key[:2])
	return filepath.Join(dir, key+".mp4"), filepath.Join(dir, key+".jpg"), nil
}

// CutAll cuts the video src, whose bytes hash to sourceHash, into clips,
// encoding only those not made before, and calls progress (if not nil) as
// it goes.
func (c *Cutter) CutAll(ctx context.Context, src, sourceHash string, cuts []Cut, progress func(Progress)) ([]Clip, error) {
	if progress == nil {
		progress = func(Progress) {}
	}
	clips := make([]Clip, len(cuts))
	for i, cut := range cuts {
		clip, err := c.cut(ctx, src, sourceHash, cut, func(done float64, cached bool) {
			progress(Progress{Clip: i, Clips: len(cuts), Done: done, Cached: cached})
		})
		if err != nil {
			return nil, fmt.Errorf("clip %d of %d (from %s): %w", i+1, len(cuts), clock(cut.Start), err)
		}
		clips[i] = clip
	}
	return clips, nil
}

func (c *Cutter) cut(ctx context.Context, src, sourceHash string, cut Cut, progress func(float64, bool)) (Clip, error) {
	key := c.Key(sourceHash, cut)
	path, poster, err := c.Path(key)
	if err != nil {
		return Clip{}, err
	}
	clip := Clip{Key: key, Path: path, Poster: poster}
	fi, err := os.Stat(path)
	if _, perr := os.Stat(poster); err == nil && perr == nil {
		clip.Size = fi.Size()
		progress(1, true)
		return clip, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return Clip{}, fmt.Errorf("clip folder: %w", err)
	}
	kbps, err := c.Settings.videoKbps(cut.Length)
	if err != nil {
		return Clip{}, err
	}
	progress(0, false)
	tmp := path + ".part"
	defer os.Remove(tmp)
	var subs string
	if cut.Subtitles != "" {
		subs = path + ".vtt"
		if err := os.WriteFile(subs, []byte(cut.Subtitles), 0o600); err != nil {
			return Clip{}, fmt.Errorf("subtitles: %w", err)
		}
		defer os.Remove(subs)
	}
	// A single pass with a capped rate rarely goes over; when it does, the
	// clip is encoded again at the rate that fits.
	for try := 0; ; try++ {
		if err := c.encode(ctx, src, tmp, subs, cut, kbps, progress); err != nil {
			return Clip{}, err
		}
		fi, err := os.Stat(tmp)
		if err != nil {
			return Clip{}, err
		}
		if fi.Size() <= c.Settings.MaxBytes {
			clip.Size = fi.Size()
			break
		}
		if try == 2 {
			return Clip{}, fmt.Errorf("the clip is %d bytes, over %d", fi.Size(), c.Settings.MaxBytes)
		}
		kbps = int(float64(kbps) * float64(c.Settings.MaxBytes) / float64(fi.Size()) * 0.9)
		if kbps < minVideoKbps {
			return Clip{}, fmt.Errorf("the clip does not fit %d MB", c.Settings.MaxBytes>>20)
		}
	}
	if err := c.poster(ctx, tmp, poster+".part.jpg", cut.Length); err != nil {
		return Clip{}, err
	}
	if err := os.Rename(poster+".part.jpg", poster); err != nil {
		return Clip{}, fmt.Errorf("keep poster: %w", err)
	}
	// The clip comes last: a clip file means the clip is whole.
	if err := os.Rename(tmp, path); err != nil {
		return Clip{}, fmt.Errorf("keep clip: %w", err)
	}
	clip.Encoded = true
	progress(1, false)
	return clip, nil
}

// encode runs ffmpeg for one clip.
func (c *Cutter) encode(ctx context.Context, src, dst, subs string, cut Cut, kbps int, progress func(float64, bool)) error {
	s := c.Settings
	args := []string{"-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats", "-progress", "pipe:1",
		"-ss", seconds(cut.Start), "-i", src}
	if subs != "" {
		args = append(args, "-i", subs)
	}
	args = append(args, "-t", seconds(cut.Length),
		"-map", "0:v:0", "-map", "0:a:0?")
	if subs != "" {
		args = append(args, "-map", "1:s:0", "-c:s", "mov_text")
		if cut.Language != "" {
			args = append(args, "-metadata:s:s:0", "language="+cut.Language)
		}
	}
	args = append(args,
		"-vf", fmt.Sprintf("scale=-2:'min(%d,ih)',format=yuv420p", s.MaxHeight),
		"-c:v", "libx264", "-profile:v", "main", "-preset", s.Preset,
		"-b:v", fmt.Sprintf("%dk", kbps), "-maxrate", fmt.Sprintf("%dk", kbps), "-bufsize", fmt.Sprintf("%dk", 2*kbps),
		"-c:a", "aac", "-b:a", fmt.Sprintf("%dk", s.AudioKbps), "-ac", "2",
		"-movflags", "+faststart", "-map_metadata", "-1", "-f", "mp4", dst)
	return c.run(ctx, args, cut.Length, func(f float64) { progress(f, false) })
}

// poster takes a frame a second into the clip (or from its middle, if
// shorter).
func (c *Cutter) poster(ctx context.Context, clip, dst string, length time.Duration) error {
	at := min(time.Second, length/2)
	args := []string{"-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-ss", seconds(at), "-i", clip,
		"-frames:v", "1", "-q:v", "4", "-f", "image2", "-c:v", "mjpeg", dst}
	return c.run(ctx, args, 0, nil)
}

// run runs ffmpeg with args, reading its -progress output (out_time_us)
// into fractions of total.
func (c *Cutter) run(ctx context.Context, args []string, total time.Duration, progress func(float64)) error {
	cmd := exec.CommandContext(ctx, c.Tools.FFmpeg, args...) // #nosec G204 -- the configured ffmpeg with arguments this package builds, no shell
	var stderr bytes.Buffer
	cmd.Stderr = &limited{w: &stderr, n: 4096}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start ffmpeg: %w", err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok || k != "out_time_us" || progress == nil || total <= 0 {
			continue
		}
		if us, err := strconv.ParseInt(v, 10, 64); err == nil && us >= 0 {
			progress(min(float64(time.Duration(us)*time.Microsecond)/float64(total), 1))
		}
	}
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("ffmpeg: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return nil
}

// seconds writes d as ffmpeg reads a time: seconds with milliseconds.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}

// clock writes d as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	s := int64(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

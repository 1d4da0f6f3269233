package llmtest

import (
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"
)

// MaxAudioBytes is the largest upload the transcription endpoint takes, as
// OpenAI's does.
const MaxAudioBytes = 25 << 20

// Segment is a timed piece of a transcript, in seconds.
type Segment struct {
	Start, End float64
	Text       string
}

// TranscriptionRequest is what a transcription request asked for.
type TranscriptionRequest struct {
	Model         string
	Format        string
	Granularities []string
	FileName      string
	Size          int
}

// SetTranscript makes the server answer every transcription request with
// these segments.
func (s *Server) SetTranscript(segments []Segment) {
	s.mu.Lock()
	s.segments = slices.Clone(segments)
	s.mu.Unlock()
}

// SetTranscriptionMode changes how the server answers transcription
// requests from the next one on.
func (s *Server) SetTranscriptionMode(m Mode) {
	s.mu.Lock()
	s.transcribeMode = m
	s.mu.Unlock()
}

// TranscriptionRequests returns the transcription requests received so far.
func (s *Server) TranscriptionRequests() []TranscriptionRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.transcriptions)
}

// audioTypes are the file types OpenAI's endpoint takes, by extension.
var audioTypes = []string{"flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"}

// transcribe answers POST /v1/audio/transcriptions, a multipart form with
// the file and the model, in the response_format asked for: json (the text),
// text, verbose_json (the text and its segments with their times), srt or
// vtt.
func (s *Server) transcribe(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxAudioBytes+1<<20)
	// #nosec G120 -- the body is bounded by MaxBytesReader just above
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if strings.Contains(err.Error(), "too large") {
			writeError(w, http.StatusRequestEntityTooLarge, "invalid_request_error", fmt.Sprintf("Maximum content size limit (%d) exceeded", MaxAudioBytes))
			return
		}
		writeError(w, http.StatusBadRequest, "invalid_request_error", "Could not parse multipart form")
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "you must provide a file parameter")
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "Could not read the file")
		return
	}
	model := r.FormValue("model")
	format := r.FormValue("response_format")
	if format == "" {
		format = "json"
	}
	req := TranscriptionRequest{Model: model, Format: format, Granularities: r.MultipartForm.Value["timestamp_granularities[]"], FileName: hdr.Filename, Size: len(data)}
	s.mu.Lock()
	s.transcriptions = append(s.transcriptions, req)
	mode, segs := s.transcribeMode, slices.Clone(s.segments)
	s.mu.Unlock()

	ext := strings.TrimPrefix(strings.ToLower(path.Ext(hdr.Filename)), ".")
	switch {
	case model == "":
		writeError(w, http.StatusBadRequest, "invalid_request_error", "you must provide a model parameter")
		return
	case !slices.Contains(audioTypes, ext):
		writeError(w, http.StatusBadRequest, "invalid_request_error", fmt.Sprintf("Invalid file format. Supported formats: %q", audioTypes))
		return
	case len(data) > MaxAudioBytes:
		writeError(w, http.StatusRequestEntityTooLarge, "invalid_request_error", fmt.Sprintf("Maximum content size limit (%d) exceeded (%d bytes read)", MaxAudioBytes, len(data)))
		return
	case len(data) == 0:
		writeError(w, http.StatusBadRequest, "invalid_request_error", "Audio file might be corrupted or unsupported")
		return
	case !slices.Contains([]string{"json", "text", "verbose_json", "srt", "vtt"}, format):
		writeError(w, http.StatusBadRequest, "invalid_request_error", fmt.Sprintf("Invalid value for 'response_format': %q", format))
		return
	}
	if s.fail(w, r, mode, `{"task": "transcribe", "segments": [{"start": 0.0, `) {
		return
	}
	var texts []string
	for _, sg := range segs {
		texts = append(texts, strings.TrimSpace(sg.Text))
	}
	text := strings.Join(texts, " ")
	switch format {
	case "text":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, text+"\n")
	case "srt", "vtt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, subtitles(segs, format))
	case "json":
		writeJSON(w, map[string]any{"text": text})
	default:
		out := make([]map[string]any, len(segs))
		end := 0.0
		for i, sg := range segs {
			out[i] = map[string]any{"id": i, "seek": 0, "start": sg.Start, "end": sg.End, "text": " " + strings.TrimSpace(sg.Text),
				"tokens": []int{}, "temperature": 0.0, "avg_logprob": -0.2, "compression_ratio": 1.2, "no_speech_prob": 0.01}
			end = max(end, sg.End)
		}
		writeJSON(w, map[string]any{"task": "transcribe", "language": "italian", "duration": end, "text": text, "segments": out})
	}
}

func subtitles(segs []Segment, format string) string {
	var b strings.Builder
	sep := "."
	if format == "vtt" {
		b.WriteString("WEBVTT\n\n")
	} else {
		sep = ","
	}
	ts := func(f float64) string {
		ms := int64(f*1000 + 0.5)
		return fmt.Sprintf("%02d:%02d:%02d%s%03d", ms/3600000, ms/60000%60, ms/1000%60, sep, ms%1000)
	}
	for i, sg := range segs {
		if format == "srt" {
			fmt.Fprintf(&b, "%d\n", i+1)
		}
		fmt.Fprintf(&b, "%s --> %s\n%s\n\n", ts(sg.Start), ts(sg.End), strings.TrimSpace(sg.Text))
	}
	return b.String()
}

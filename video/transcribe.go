package video

import (
	"context"
	"errors"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bottega-app/bottega/content"
)

// OpenAI transcribes with an OpenAI-compatible /v1/audio/transcriptions
// endpoint, asking for segments with their times (verbose_json).
type OpenAI struct {
	Client *openai.Client
	Model  string
}

// Name names the model.
func (o OpenAI) Name() string { return o.Model }

// Transcribe sends the audio file and returns its segments as cues.
func (o OpenAI) Transcribe(ctx context.Context, audio string) ([]content.Cue, error) {
	res, err := o.Client.CreateTranscription(ctx, openai.AudioRequest{
		Model:                  o.Model,
		FilePath:               audio,
		Format:                 openai.AudioResponseFormatVerboseJSON,
		TimestampGranularities: []openai.TranscriptionTimestampGranularity{openai.TranscriptionTimestampGranularitySegment},
	})
	if err != nil {
		return nil, err
	}
	if len(res.Segments) == 0 {
		if strings.TrimSpace(res.Text) == "" {
			return nil, nil // a video without speech
		}
		return nil, errors.New("the model gave the text without segments and their times: use a model that answers verbose_json with segments")
	}
	cues := make([]content.Cue, 0, len(res.Segments))
	for _, s := range res.Segments {
		text := strings.TrimSpace(s.Text)
		if text == "" {
			continue
		}
		cues = append(cues, content.Cue{Start: secs(s.Start), End: secs(s.End), Text: text})
	}
	return cues, nil
}

func secs(f float64) time.Duration {
	return time.Duration(f * float64(time.Second)).Round(time.Millisecond)
}

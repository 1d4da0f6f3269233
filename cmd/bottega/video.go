package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"time"

	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/video"
)

// clipDir is where the clips of the lessons' videos are kept.
func clipDir(cfg config) string { return filepath.Join(cfg.DataDir, "clips") }

// hasVideoCuts reports whether a lesson of c has a video to cut into clips.
func hasVideoCuts(c *content.Curriculum) bool {
	for _, l := range c.Lessons() {
		if len(l.Cuts(0)) > 0 {
			return true
		}
	}
	return false
}

// newVideoPublisher returns what cuts the lessons' videos into clips and
// transcribes them: ffmpeg from FFMPEG or PATH, and the speech-to-text
// model of OPENAI_TRANSCRIBE_MODEL, if set.
func newVideoPublisher(cfg config, getenv func(string) string) (*video.Publisher, error) {
	tools, err := video.Find(getenv)
	if err != nil {
		return nil, usagef("the lessons have videos to cut into clips, but %v", err)
	}
	p := &video.Publisher{Cutter: video.NewCutter(tools, clipDir(cfg)), HTTP: &http.Client{Timeout: time.Hour}}
	if cfg.OpenAITranscribeModel != "" {
		// A long recording takes the model minutes.
		c, err := assistant.NewClient(cfg.OpenAIBaseURL, cfg.OpenAIKey, &http.Client{Timeout: 30 * time.Minute})
		if err != nil {
			return nil, usagef("OPENAI_BASE_URL: %v", err)
		}
		p.Transcriber = video.OpenAI{Client: c, Model: cfg.OpenAITranscribeModel}
	}
	return p, nil
}

// prepareVideos cuts the videos of c into clips before it is published,
// printing the progress to w, a line for each quarter of a clip.
func prepareVideos(ctx context.Context, w io.Writer, cfg config, getenv func(string) string, c *content.Curriculum) error {
	if !hasVideoCuts(c) {
		return nil
	}
	p, err := newVideoPublisher(cfg, getenv)
	if err != nil {
		return err
	}
	last := -1
	rep, err := p.Prepare(ctx, c, func(e video.Event) {
		switch e.Stage {
		case "download":
			fmt.Fprintf(w, "%s: downloading the video...\n", e.Lesson)
		case "transcribe":
			fmt.Fprintf(w, "%s: transcribing the video with %s...\n", e.Lesson, cfg.OpenAITranscribeModel)
		case "cut":
			pr := e.Progress
			switch {
			case pr.Cached:
				fmt.Fprintf(w, "%s: clip %d of %d already made\n", e.Lesson, pr.Clip+1, pr.Clips)
			case pr.Done == 0:
				last = 0
				fmt.Fprintf(w, "%s: encoding clip %d of %d...\n", e.Lesson, pr.Clip+1, pr.Clips)
			case int(pr.Done*4) > last:
				last = int(pr.Done * 4)
				fmt.Fprintf(w, "%s: clip %d of %d: %d%%\n", e.Lesson, pr.Clip+1, pr.Clips, last*25)
			}
		}
	})
	if err != nil {
		return fmt.Errorf("cut the videos: %w", err)
	}
	fmt.Fprintf(w, "Videos: %d, clips encoded: %d, already made: %d (in %s).\n", rep.Videos, rep.Encoded, rep.Cached, clipDir(cfg))
	return nil
}

package bottega

import (
	"context"
	"fmt"

	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/video"
)

// VideoPreparer cuts the videos of the lessons of c into clips (and
// transcribes them), setting each step's clip, and tells how far it is
// (video.Publisher.Prepare).
type VideoPreparer func(ctx context.Context, c *content.Curriculum, progress func(video.Event)) (video.Report, error)

// Drafts reads and rewrites the drafts of the publishing service
// (store.Publishing): a draft's videos are cut into clips before it is
// published, and the steps then name their clips.
type Drafts interface {
	Draft(ctx context.Context, id int64) (*content.Curriculum, error)
	UpdateDraft(ctx context.Context, id int64, c *content.Curriculum) error
}

// PendingVideos returns the lessons of c with a video to cut that was not
// cut yet (an uploaded lesson: those of the published course have their
// clips), in their tracks; nil when there is none.
func PendingVideos(c *content.Curriculum) *content.Curriculum {
	var out *content.Curriculum
	for _, t := range c.Tracks {
		var ls []*content.Lesson
		for _, l := range t.Lessons {
			if l.Video != nil && l.Video.Source == "" && len(l.Cuts(0)) > 0 {
				ls = append(ls, l)
			}
		}
		if len(ls) == 0 {
			continue
		}
		if out == nil {
			out = &content.Curriculum{}
		}
		nt := *t
		nt.Lessons = ls // the same lessons: cutting sets their steps' clips
		out.Tracks = append(out.Tracks, &nt)
	}
	return out
}

// PublishDraftClips publishes draft id of an upload after cutting the
// videos of its lessons that are not cut yet, keeping the clips in the
// draft first: the chat's upload and the web console's both publish this
// way. It is slow (minutes for a long video): run it after the request
// that asked for it, outside any transaction. progress, if not nil, gets
// the draft's curriculum (for the lessons' titles) and each step of the
// work. Run again after a failure, it finds the clips made, or the draft
// published (ENOTFOUND). The errors keep their codes: ENOTFOUND (no such
// draft), ECONFLICT (another version was published since the draft).
func PublishDraftClips(ctx context.Context, p PublishService, d Drafts, prepare VideoPreparer, id int64, by string,
	progress func(*content.Curriculum, video.Event)) (Publication, video.Report, error) {
	var rep video.Report
	c, err := d.Draft(ctx, id)
	if err != nil {
		return Publication{}, rep, fmt.Errorf("read draft %d: %w", id, err)
	}
	if pending := PendingVideos(c); pending != nil {
		rep, err = prepare(ctx, pending, func(e video.Event) {
			if progress != nil {
				progress(c, e)
			}
		})
		if err != nil {
			// The preparer's error names the lesson and what failed: an
			// admin reads it as it is.
			return Publication{}, rep, err
		}
		if err := d.UpdateDraft(ctx, id, c); err != nil {
			return Publication{}, rep, fmt.Errorf("keep the clips of draft %d: %w", id, err)
		}
	}
	pub, err := p.PublishDraft(ctx, id, by)
	if err != nil {
		return Publication{}, rep, fmt.Errorf("publish draft %d: %w", id, err)
	}
	return pub, rep, nil
}

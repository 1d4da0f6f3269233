package bottega

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/bottega-app/bottega/content"
)

// PublishService checks, compares, publishes and rolls back the
// curriculum. The chat's uploads, the command line (bottega content) and
// the web console's Lessons page all go through it, so a curriculum is
// checked, compared and published by the same rules everywhere.
// store.Publishing implements it.
type PublishService interface {
	// CheckUpload reads an upload (a lesson file or a zipped track
	// folder) into the current curriculum and checks the result. Nothing
	// is published: a result without problems that differs from the
	// current version is kept as a draft (Draft.ID) for PublishDraft. A
	// file that cannot be used at all is EINVALID with a Key.
	CheckUpload(ctx context.Context, u Upload) (Draft, error)
	// Diff compares c with the current version.
	Diff(ctx context.Context, c *content.Curriculum) (Changes, error)
	// Publish checks c and makes it the current curriculum as a new
	// version, unless it is the current one already (Created false). A
	// curriculum with problems is EINVALID and publishes nothing.
	Publish(ctx context.Context, c *content.Curriculum, o Origin) (Publication, error)
	// PublishDraft publishes a draft of CheckUpload. ENOTFOUND when there
	// is no such draft; ECONFLICT when another version was published since
	// the draft was compared (check the upload again).
	PublishDraft(ctx context.Context, id int64, by string) (Publication, error)
	// Rollback publishes an earlier version again, as a new version.
	// ENOTFOUND when there is no such version.
	Rollback(ctx context.Context, version int64, by string) (Publication, error)
	// Versions lists the published versions, the newest (the current
	// one) first.
	Versions(ctx context.Context, limit int) ([]CurriculumVersion, error)
	// Version loads a published version; ENOTFOUND if there is none.
	Version(ctx context.Context, id int64) (*content.Curriculum, error)
}

// Upload is a file an admin sent to be published.
type Upload struct {
	// Name is the file's name: a lesson file (.yaml, .yml) or a zipped
	// track folder (.zip).
	Name string
	Data []byte
	// Track, for a new lesson, names its track (the chat's caption).
	Track string
	// By says who sent it (for the version's source), a user of Platform:
	// ids of different platforms may be equal.
	Platform, By string
}

// Changes are the lessons a new version adds, changes and removes, by id.
type Changes struct {
	Added   []string
	Changed []string
	Removed []string
}

// Empty reports whether no lesson changes (the tracks' own texts may).
func (c Changes) Empty() bool { return len(c.Added)+len(c.Changed)+len(c.Removed) == 0 }

// Draft is an upload read into the current curriculum and checked.
type Draft struct {
	// ID is the kept draft, 0 when there is nothing to publish (problems,
	// or the same as the current version).
	ID int64
	// Source says where it came from ("console upload by 42: x.zip").
	Source string
	// Base is the version the draft was compared with.
	Base       int64
	Curriculum *content.Curriculum
	// Problems, each with its file and line, stop the draft from being
	// published.
	Problems []content.Problem
	Changes
	// Same tells that the upload changes nothing.
	Same bool
}

// SourceBuiltin is the Source of the curriculum embedded in the program.
const SourceBuiltin = "built-in curriculum"

// The Sources of uploads and rollbacks begin with these; ReadSource
// takes them apart again.
const (
	sourceUpload   = "upload by "
	sourceRollback = "rollback to version "
)

// UploadSource is the Source of a file uploaded by a user.
func UploadSource(by, file string) string { return sourceUpload + by + ": " + file }

// RollbackSource is the Source of an earlier version published again, by
// a user ("" when from the command line).
func RollbackSource(version int64, by string) string {
	s := sourceRollback + strconv.FormatInt(version, 10)
	if by != "" {
		s += " by " + by
	}
	return s
}

// ReadSource says what a Source is, for a reader to put in their words:
// kind "builtin", "upload" (who, the file) or "rollback" (the version in
// what, who when known); "" for anything else (a folder), said as it is.
func ReadSource(src string) (kind, who, what string) {
	if src == SourceBuiltin {
		return "builtin", "", ""
	}
	if rest, ok := strings.CutPrefix(src, sourceUpload); ok {
		if who, file, ok := strings.Cut(rest, ": "); ok {
			return "upload", who, file
		}
	}
	if rest, ok := strings.CutPrefix(src, sourceRollback); ok {
		v, by, _ := strings.Cut(rest, " by ")
		if _, err := strconv.ParseInt(v, 10, 64); err == nil {
			// Versions published before RollbackSource named the
			// console's admin "console <id>" and the command line so.
			if by == "the command line" {
				by = ""
			}
			return "rollback", strings.TrimPrefix(by, "console "), v
		}
	}
	return "", "", ""
}

// Origin says where a curriculum to publish comes from.
type Origin struct {
	// Source is a folder, "built-in curriculum", an upload.
	Source string
	// Builtin marks the curriculum embedded in the program, which a newer
	// program may replace at start-up.
	Builtin bool
}

// Publication describes one publish of the curriculum.
type Publication struct {
	Version int64 // the new version, or the current one when nothing changed
	Created bool  // false when the curriculum was already the current one
	Added   []string
	Changed []string
	Removed []string
}

// CurriculumVersion is a published version, as a history lists it.
type CurriculumVersion struct {
	ID        int64     `db:"id"`
	Hash      string    `db:"hash"`
	Builtin   bool      `db:"builtin"`
	Source    string    `db:"source"`
	Added     []string  `db:"-"`
	Changed   []string  `db:"-"`
	Removed   []string  `db:"-"`
	CreatedAt time.Time `db:"created_at"`
	// Lessons counts its lessons.
	Lessons int `db:"lessons"`
}

// Keys of the errors of CheckUpload, for each edge to say in its own words.
const (
	UploadUnreadable = "upload_unreadable" // not a lesson file or a zipped track
	UploadTooBig     = "upload_too_big"    // a zip of too many files or bytes
	UploadNoTrack    = "upload_no_track"   // a new lesson, its track not named; Data["Tracks"]
	UploadProblems   = "upload_problems"   // Publish given a curriculum with problems; Data["Count"]
	DraftStale       = "draft_stale"       // another version was published since the draft
)

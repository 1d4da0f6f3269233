package content

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

// builtin holds the curriculum shipped with the binary, under "curriculum/". It is
// read-only.
//
//go:embed curriculum
var builtin embed.FS

// BuiltinFS returns the files of the built-in curriculum; the tracks are in its
// "curriculum" folder, so Track.Dir and Lesson.File of Builtin are paths in it.
func BuiltinFS() fs.FS { return builtin }

// Builtin loads and validates the built-in curriculum. Any problem is an error listing
// them all: the files ship with the binary, so they must be right.
func Builtin() (*Curriculum, error) {
	c, problems, err := Load(builtin, "curriculum")
	if err != nil {
		return nil, fmt.Errorf("built-in curriculum: %w", err)
	}
	if len(problems) > 0 {
		lines := make([]string, len(problems))
		for i, p := range problems {
			lines[i] = p.String()
		}
		return nil, fmt.Errorf("built-in curriculum has %d problems:\n%s", len(problems), strings.Join(lines, "\n"))
	}
	return c, nil
}

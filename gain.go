package bottega

import (
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
)

// Kinds of track check: the optional placement check a track starts with,
// and the final check it ends with.
const (
	CheckPlacement = "placement"
	CheckFinal     = "final"
)

// FinalPassPercent is the share of right answers in a track's final check
// that earns its certificate: a quiz's pass mark.
const FinalPassPercent = PassPercent

// TrackCheck is a learner's finished placement or final check on a track:
// the items asked ("lesson/question"), the answers chosen (as numbered in
// the lesson file), how many were right. A retaken check replaces the
// earlier one; Attempts counts them.
type TrackCheck struct {
	LearnerID  int64     `json:"-"`
	TrackID    string    `json:"track_id"`
	Kind       string    `json:"kind"`
	Items      []string  `json:"items"`
	Choices    []int     `json:"choices"`
	Right      int       `json:"right"`
	Total      int       `json:"total"`
	Attempts   int       `json:"attempts"`
	FinishedAt time.Time `json:"finished_at"`
}

// Percent is the share of right answers, 0 to 100.
func (c TrackCheck) Percent() float64 {
	if c.Total <= 0 {
		return 0
	}
	return 100 * float64(c.Right) / float64(c.Total)
}

// Passed reports whether a final check earns the certificate.
func (c TrackCheck) Passed() bool {
	return c.Total > 0 && c.Right*100 >= c.Total*FinalPassPercent
}

// Gain is the learning gain on a track: the final check's share of right
// answers minus the placement check's, in percentage points.
func Gain(placement, final TrackCheck) float64 {
	return final.Percent() - placement.Percent()
}

// GainGroup is the average learning gain of a group of learners: a track, a
// cohort (the month learners started in, or an invitation code). N counts
// the learners who took both checks of a track; one who did so on two
// tracks counts twice. Placement, Final and Gain are averages in
// percentage points.
type GainGroup struct {
	Key       string  `db:"key"`
	Label     string  `db:"label"`
	N         int     `db:"n"`
	Placement float64 `db:"placement"`
	Final     float64 `db:"final"`
	Gain      float64 `db:"gain"`
}

// GainStats is the learning gain by track and by cohort, with how many
// checks were taken at all.
type GainStats struct {
	Placements int // placement checks taken
	Finals     int // final checks taken
	Passed     int // final checks passed
	ByTrack    []GainGroup
	ByMonth    []GainGroup // cohorts by the month learners started in (UTC), "2026-12"
	ByInvite   []GainGroup // cohorts by invitation code; Label is the course
}

// Invite is an invitation code for a course: learners who start the bot
// with it (/start c_<code>) belong to its cohort.
type Invite struct {
	Code      string    `db:"code" json:"code"`
	Course    string    `db:"course" json:"course"`
	Platform  string    `db:"platform" json:"platform"`
	CreatedBy string    `db:"created_by" json:"created_by"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
	// Learners counts the members (when listed).
	Learners int `db:"learners" json:"learners"`
}

// MaxInviteCode is the longest invitation code: a Telegram start payload
// holds 64 characters, "c_" included.
const MaxInviteCode = 62

// MaxCourse is the longest course name.
const MaxCourse = 120

// ValidInviteCode reports whether s can be an invitation code: 1 to 62
// characters of A-Z, a-z, 0-9, _ and -, what a start payload allows.
func ValidInviteCode(s string) bool {
	if s == "" || len(s) > MaxInviteCode {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Certificate is a certificate of completion of a track, as issued: the
// name the learner confirmed, the track's title and lessons in their
// language, the hours of training, and a code that verifies it.
type Certificate struct {
	Code       string     `json:"code"`
	LearnerID  int64      `json:"-"`
	TrackID    string     `json:"track_id"`
	TrackTitle string     `json:"track_title"`
	Name       string     `json:"name"`
	Locale     string     `json:"locale"`
	Lessons    []string   `json:"lessons"`
	Minutes    int        `json:"minutes"`
	IssuedAt   time.Time  `json:"issued_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Hours is the training time in hours, to the nearest half hour, at least
// half an hour.
func (c Certificate) Hours() float64 {
	halves := (c.Minutes + 15) / 30
	return float64(max(halves, 1)) / 2
}

// MaxCertificateName is the longest name printed on a certificate, in
// characters.
const MaxCertificateName = 70

// CleanName tidies a name typed for a certificate (spaces collapsed) and
// reports whether it can be printed: 2 to 70 characters, at least one
// letter, no digits beyond a few, no control characters or markup.
func CleanName(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), " ")
	n, letters := 0, 0
	for _, r := range s {
		n++
		switch {
		case r < ' ' || r == 0x7f || r >= 0x80 && r < 0xa0:
			return "", false
		case strings.ContainsRune("<>{}[]|\\/@#$%^*=+_~`\"", r):
			return "", false
		case r >= '0' && r <= '9':
			return "", false
		case r == ' ' || r == '.' || r == '\'' || r == '’' || r == '-' || r == ',':
		case unicode.IsLetter(r):
			letters++
		case unicode.IsMark(r):
			// An accent written as its own character ("e" + "◌́").
		default:
			// Emoji and other symbols are no part of a name printed on
			// a certificate.
			return "", false
		}
	}
	if n < 2 || n > MaxCertificateName || letters < 2 {
		return "", false
	}
	return s, true
}

// codeAlphabet has no letters that read like digits (I, L, O) and no 0 or
// 1, so that a code copied from paper comes out right.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NewCode draws a code of n characters from r (crypto/rand.Reader when
// nil): 31 symbols, so 10 characters carry about 50 bits.
func NewCode(r io.Reader, n int) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, n)
	out := make([]byte, n)
	for i := 0; i < n; {
		if _, err := io.ReadFull(r, b[:1]); err != nil {
			return "", fmt.Errorf("draw a code: %w", err)
		}
		// Rejection sampling: 248 is the largest multiple of 31 below
		// 256, so every symbol is equally likely.
		if b[0] >= 248 {
			continue
		}
		out[i] = codeAlphabet[int(b[0])%len(codeAlphabet)]
		i++
	}
	return string(out), nil
}

// VerifyURL is the public page that verifies a certificate: base is the
// public address of the HTTP server (BOTTEGA_PUBLIC_URL).
func VerifyURL(base, code string) string {
	return strings.TrimRight(base, "/") + "/verify/" + code
}

// NormalizeCode reads a certificate code as a person may type it: any
// case, spaces and dashes ignored.
func NormalizeCode(s string) string {
	s = strings.ToUpper(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

// CertificateTask is the kind of the deferred task that renders a
// certificate's PDF and sends it, after the update that issued it is
// committed; its data is CertificateTaskData.
const CertificateTask = "certificate"

// CertificateTaskData names the certificate to send.
type CertificateTaskData struct {
	Code string `json:"code"`
}

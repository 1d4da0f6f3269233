package content

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseTime reads a video duration or position written either as a Go duration
// ("6m30s", "1h2m") or as a clock ("1:20" is m:ss, "1:02:03" is h:mm:ss).
func parseTime(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ":") {
		return parseClock(s)
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration like 6m30s or 6:30", s)
	}
	return d, nil
}

// parseClock reads m:ss or h:mm:ss.
func parseClock(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a time like 1:20 (m:ss) or 1:02:03 (h:mm:ss)", s)
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0, bad
	}
	var total int64
	for i, p := range parts {
		n, err := clockField(p, i > 0)
		if err != nil {
			return 0, bad
		}
		total = total*60 + n
		if total > int64(1000*time.Hour/time.Second) {
			return 0, bad
		}
	}
	return time.Duration(total) * time.Second, nil
}

// clockField reads one field of a clock; every field after the first has two digits
// and is below 60.
func clockField(p string, sexagesimal bool) (int64, error) {
	if p == "" || len(p) > 4 || strings.Trim(p, "0123456789") != "" {
		return 0, errors.New("not a number")
	}
	n, err := strconv.ParseInt(p, 10, 64)
	if err != nil {
		return 0, err
	}
	if sexagesimal && (len(p) != 2 || n >= 60) {
		return 0, errors.New("out of range")
	}
	return n, nil
}

// formatClock writes d as m:ss or h:mm:ss, the way a learner reads a video position.
func formatClock(d time.Duration) string {
	s := int64(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

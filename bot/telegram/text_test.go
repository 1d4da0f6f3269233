package telegram

import (
	"errors"
	"testing"
	"time"
)

func TestEscapeHTML(t *testing.T) {
	if got := escapeHTML(`<b>Tom & "Jerry"</b>`); got != `&lt;b&gt;Tom &amp; "Jerry"&lt;/b&gt;` {
		t.Errorf("escapeHTML = %q", got)
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("abcdef", 4); got != "abc…" {
		t.Errorf("truncate = %q", got)
	}
	if got := truncate("abc", 4); got != "abc" {
		t.Errorf("truncate = %q", got)
	}
}

func TestTrackerOffset(t *testing.T) {
	tr := newTracker()
	offset := func() int64 {
		o, _ := tr.next()
		return o
	}
	if offset() != 0 {
		t.Fatal("a new tracker must poll without an offset")
	}
	for _, id := range []int64{10, 11, 12} {
		if !tr.start(id) {
			t.Fatalf("start(%d) = false", id)
		}
	}
	if tr.start(11) {
		t.Error("an update in flight was started again")
	}
	tr.finish(11, nil)
	tr.finish(12, nil)
	if got := offset(); got != 10 {
		t.Errorf("offset with 10 in flight = %d, want 10", got)
	}
	if tr.start(12) {
		t.Error("a done update was started again")
	}
	tr.finish(10, errors.New("database down"))
	if got := offset(); got != 10 {
		t.Errorf("offset with 10 failed = %d, want 10", got)
	}
	if _, inflight := tr.next(); inflight != 0 {
		t.Error("busy with nothing in flight")
	}
	if !tr.start(10) {
		t.Error("a failed update must be submitted again")
	}
	tr.finish(10, nil)
	if got := offset(); got != 13 {
		t.Errorf("offset when all done = %d, want 13", got)
	}
}

// TestLimiterWindows checks the buckets against Telegram's windows, on a
// simulated clock: a group never gets more than 20 messages in a minute, a
// chat about one a second after a short burst.
func TestLimiterWindows(t *testing.T) {
	l := newLimiter(Limits{})
	group, chat := l.chat(-100123), l.chat(42)
	if chat.group != nil {
		t.Fatal("a private chat got a group limit")
	}
	t0 := time.Now()
	count := func(allow func(time.Time) bool, from, to time.Duration) int {
		n := 0
		for at := from; at < to; at += 10 * time.Millisecond {
			if allow(t0.Add(at)) {
				n++
			}
		}
		return n
	}
	groupAllow := func(at time.Time) bool { return group.group.AllowN(at, 1) }
	if n := count(groupAllow, 0, time.Minute); n > 20 || n < 18 {
		t.Errorf("group: %d messages in the first minute, want at most 20 (and close to it)", n)
	}
	if n := count(groupAllow, time.Minute, 2*time.Minute); n > 20 {
		t.Errorf("group: %d messages in the second minute", n)
	}
	chatAllow := func(at time.Time) bool { return chat.chat.AllowN(at, 1) }
	if n := count(chatAllow, 0, 10*time.Second); n > 13 || n < 10 {
		t.Errorf("chat: %d messages in 10s, want 3 at once then 1/s", n)
	}
}

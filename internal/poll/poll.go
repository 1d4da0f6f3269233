// Package poll waits in tests for what other goroutines do: a worker that
// sends, a broadcast that finishes.
package poll

import (
	"testing"
	"time"
)

// Until checks cond every few milliseconds until it holds, and fails the
// test, naming what it waited for, if it does not within a minute. The
// deadline only guards against a hang; it measures nothing.
func Until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		<-tick.C
	}
}

// Package logbuf is an output buffer for tests: a process, a logger or a
// console writes it from its goroutines while the test reads it and waits
// for a line to appear.
package logbuf

import (
	"bytes"
	"context"
	"strings"
	"sync"
)

// Buffer collects what is written to it, safely from several goroutines.
// The zero value is ready to use.
type Buffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed by the next write
}

// Write appends p and wakes those waiting in Wait.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Wait returns true once the buffer contains s, or false when ctx ends
// first.
func (b *Buffer) Wait(ctx context.Context, s string) bool {
	for {
		b.mu.Lock()
		if strings.Contains(b.buf.String(), s) {
			b.mu.Unlock()
			return true
		}
		if b.changed == nil {
			b.changed = make(chan struct{})
		}
		ch := b.changed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
}

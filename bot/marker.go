package bot

import (
	"context"
	"sync"
)

// Marker marks updates' replies sent in batches: one UPDATE for every update
// that finished meanwhile instead of a transaction each (group commit). A
// few batches run at once, so a caller seldom waits behind a batch other
// than its own.
type Marker struct {
	mark func(ctx context.Context, ids ...string) error
	fail func(ids []string, err error)
	in   chan marked
	wg   sync.WaitGroup
	once sync.Once
}

type marked struct {
	id   string
	done chan struct{}
}

// maxBatch bounds the updates one UPDATE marks.
const maxBatch = 256

// NewMarker starts up to n batchers calling mark; fail, if not nil, hears
// about the batches that could not be marked.
func NewMarker(n int, mark func(ctx context.Context, ids ...string) error, fail func(ids []string, err error)) *Marker {
	m := &Marker{mark: mark, fail: fail, in: make(chan marked, n)}
	for range min(4, max(n, 1)) {
		m.wg.Add(1)
		go m.run()
	}
	return m
}

// Mark marks id and returns once its batch is written (or failed).
func (m *Marker) Mark(id string) {
	done := make(chan struct{})
	m.in <- marked{id, done}
	<-done
}

// Close writes what is pending and stops the batchers. Mark must not be
// called after Close.
func (m *Marker) Close() {
	m.once.Do(func() { close(m.in) })
	m.wg.Wait()
}

func (m *Marker) run() {
	defer m.wg.Done()
	batch := make([]marked, 0, maxBatch)
	ids := make([]string, 0, maxBatch)
	for first := range m.in {
		batch = append(batch[:0], first)
	more:
		for len(batch) < maxBatch {
			select {
			case next, ok := <-m.in:
				if !ok {
					break more
				}
				batch = append(batch, next)
			default:
				break more
			}
		}
		ids = ids[:0]
		for _, b := range batch {
			ids = append(ids, b.id)
		}
		if err := m.mark(context.Background(), ids...); err != nil && m.fail != nil {
			m.fail(ids, err)
		}
		for _, b := range batch {
			close(b.done)
		}
	}
}

package telegramtest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// Load describes simulated learners: each of Chats learners sends /start,
// then presses the first button of the latest keyboard Presses times, each
// time once the bot answered the previous press and showed its new keyboard
// (as a person would).
type Load struct {
	Chats, Presses int
	// FirstChat is the first chat (and user) id; the others follow.
	FirstChat int64
}

// LoadResult is what a load run measured.
type LoadResult struct {
	// Updates counts the button presses answered.
	Updates int
	// Elapsed is the time the presses took, from the first to the last.
	Elapsed time.Duration
	// Latencies are, sorted, the times from injecting a press to the
	// bot's answer to it (answerCallbackQuery), as the fake saw them.
	Latencies []time.Duration
}

// Rate is updates per second.
func (r LoadResult) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Updates) / r.Elapsed.Seconds()
}

// Percentile returns the p-th percentile latency (0 < p <= 100).
func (r LoadResult) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(r.Latencies)))) - 1
	return r.Latencies[min(max(i, 0), len(r.Latencies)-1)]
}

type keyboard struct {
	msgID int
	data  string
	seq   int           // counts the chat's keyboards
	next  chan struct{} // closed when the next one arrives
}

// keyboardWait bounds the wait for the keyboard of a reply after its answer:
// a reply without buttons leaves the learner pressing the previous ones.
const keyboardWait = time.Second

// Drive runs the load against the bot polling (or served by) this fake and
// returns the measurements. It takes over OnCall while it runs, and Calls
// and Sent miss the calls made meanwhile: keeping them all would make the
// load measure the fake's garbage collection.
func (s *Server) Drive(ctx context.Context, l Load) (LoadResult, error) {
	if l.FirstChat == 0 {
		l.FirstChat = 1_000_000
	}
	var (
		mu      sync.Mutex
		keys    = map[int64]keyboard{}        // latest keyboard per chat
		answers = map[string]chan time.Time{} // callback id -> answer time
		started = map[int64]chan struct{}{}   // chat -> closed at first keyboard
		lats    = make([]time.Duration, 0, l.Chats*l.Presses)
	)
	for i := range l.Chats {
		started[l.FirstChat+int64(i)] = make(chan struct{})
	}
	s.OnCall(func(c Call) {
		if c.Status != 200 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case c.Method == "answerCallbackQuery":
			if ch := answers[c.Params["callback_query_id"]]; ch != nil {
				ch <- c.At
			}
		case c.IsMessage():
			if d := c.FirstData(); d != "" {
				chat := c.ChatID()
				k := keys[chat]
				if k.next != nil {
					close(k.next)
				}
				keys[chat] = keyboard{msgID: c.MessageID, data: d, seq: k.seq + 1, next: make(chan struct{})}
				if ch, ok := started[chat]; ok && ch != nil {
					close(ch)
					started[chat] = nil
				}
			}
		}
	})
	defer s.OnCall(nil)
	s.mu.Lock()
	s.unlogged = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.unlogged = false
		s.mu.Unlock()
	}()

	// Warm-up: every learner says /start and gets a keyboard.
	for i := range l.Chats {
		s.SendText(l.FirstChat+int64(i), l.FirstChat+int64(i), "/start")
	}
	for i := range l.Chats {
		chat := l.FirstChat + int64(i)
		mu.Lock()
		ready := started[chat]
		mu.Unlock()
		if ready == nil {
			continue
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return LoadResult{}, fmt.Errorf("chat %d: no keyboard after /start: %w", chat, ctx.Err())
		}
	}

	presses := func(chat int64) error {
		for range l.Presses {
			mu.Lock()
			k := keys[chat]
			mu.Unlock()
			u := s.PressUpdate(chat, chat, k.msgID, k.data)
			ch := make(chan time.Time, 1)
			mu.Lock()
			answers[u.CallbackQuery.ID] = ch
			mu.Unlock()
			t0 := time.Now()
			s.Inject(u)
			select {
			case at := <-ch:
				mu.Lock()
				lats = append(lats, at.Sub(t0))
				delete(answers, u.CallbackQuery.ID)
				mu.Unlock()
			case <-ctx.Done():
				return fmt.Errorf("chat %d: press not answered: %w", chat, ctx.Err())
			}
			// The answer comes before the new message: the next press is
			// on the keyboard that the reply brings.
			select {
			case <-k.next:
			case <-time.After(keyboardWait):
			case <-ctx.Done():
				return fmt.Errorf("chat %d: no keyboard after a press: %w", chat, ctx.Err())
			}
		}
		return nil
	}
	start := time.Now()
	errs := make(chan error, l.Chats)
	var wg sync.WaitGroup
	for i := range l.Chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- presses(l.FirstChat + int64(i))
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		if err != nil {
			return LoadResult{}, err
		}
	}
	slices.Sort(lats)
	return LoadResult{Updates: len(lats), Elapsed: elapsed, Latencies: lats}, nil
}

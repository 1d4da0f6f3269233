package telegram

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits are the flood limits the sender keeps to. Telegram documents about
// 30 messages/s overall, about 1 message/s per chat with short bursts, and
// 20 messages/min per group.
//
// How each kind of call counts:
//   - new messages (text, photo, video, document) wait for all three
//     limiters: global, chat, and group in group chats;
//   - edits count against the global limit only: they answer a button the
//     learner pressed, so they are paced by the learner, and holding them to
//     1/s would make lesson navigation feel stuck;
//   - callback answers are not limited: they are not messages, and a late
//     answer leaves the button spinning.
type Limits struct {
	// Rate is messages per second overall (default 30).
	Rate float64
	// Burst is how many messages may go at once overall (default 1).
	Burst int
	// ChatRate is messages per second to one chat (default 1).
	ChatRate float64
	// ChatBurst is how many messages may go to a chat at once (default 3).
	ChatBurst int
	// GroupPerMinute is messages per minute to one group (default 20). The
	// limiter is set so that no 60-second window exceeds it.
	GroupPerMinute int
}

func (l Limits) withDefaults() Limits {
	if l.Rate <= 0 {
		l.Rate = 30
	}
	if l.Burst <= 0 {
		l.Burst = 1
	}
	if l.ChatRate <= 0 {
		l.ChatRate = 1
	}
	if l.ChatBurst <= 0 {
		l.ChatBurst = 3
	}
	if l.GroupPerMinute <= 0 {
		l.GroupPerMinute = 20
	}
	return l
}

type kind int

const (
	kindSend kind = iota
	kindEdit
)

// limiter holds a token bucket overall and one per recently used chat.
type limiter struct {
	lim    Limits
	global *rate.Limiter
	// a group's bucket is refilled at groupRate with groupBurst tokens, so
	// that burst + rate*60s <= GroupPerMinute.
	groupRate  rate.Limit
	groupBurst int

	mu    sync.Mutex
	chats map[int64]*chatLimit
	calls int
}

type chatLimit struct {
	chat, group *rate.Limiter
	used        time.Time
}

func newLimiter(l Limits) *limiter {
	l = l.withDefaults()
	gb := max(1, l.GroupPerMinute/7)
	return &limiter{
		lim:        l,
		global:     rate.NewLimiter(rate.Limit(l.Rate), l.Burst),
		groupRate:  rate.Limit(float64(l.GroupPerMinute-gb) / 60),
		groupBurst: gb,
		chats:      map[int64]*chatLimit{},
	}
}

// idle is how long an unused chat bucket is kept: after that it is full
// again, the same as a new one.
const idle = time.Minute

func (l *limiter) chat(id int64) *chatLimit {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if l.calls%4096 == 0 {
		for k, c := range l.chats {
			if now.Sub(c.used) > idle {
				delete(l.chats, k)
			}
		}
	}
	c := l.chats[id]
	if c == nil {
		c = &chatLimit{chat: rate.NewLimiter(rate.Limit(l.lim.ChatRate), l.lim.ChatBurst)}
		if id < 0 { // groups and channels have negative ids
			c.group = rate.NewLimiter(l.groupRate, l.groupBurst)
		}
		l.chats[id] = c
	}
	c.used = now
	return c
}

// wait blocks until a call of kind k to chat may go.
func (l *limiter) wait(ctx context.Context, chat int64, k kind) error {
	if k == kindSend {
		c := l.chat(chat)
		if c.group != nil {
			if err := c.group.Wait(ctx); err != nil {
				return err
			}
		}
		if err := c.chat.Wait(ctx); err != nil {
			return err
		}
	}
	return l.global.Wait(ctx)
}

package telegram_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/internal/poll"
)

// echo answers each message with its text.
var echo = bot.HandlerFunc(func(_ context.Context, u bot.Update) ([]bot.Reply, error) {
	return []bot.Reply{{Text: u.Text}}, nil
})

func texts(calls []telegramtest.Call) []string {
	var out []string
	for _, c := range calls {
		if c.Method == "sendMessage" {
			out = append(out, c.Text())
		}
	}
	return out
}

// TestTimedOutReplyNotResentAfterRestart: Telegram receives a reply but its
// answer never comes back (the request times out). The reply may have
// arrived, so a restart does not send it again.
func TestTimedOutReplyNotResentAfterRestart(t *testing.T) {
	r := newRig(t)
	slow := func(o *telegram.Options) { o.RequestTimeout = 2 * time.Second }
	r.fake.Fail("sendMessage", 1, telegramtest.Fault{Stall: time.Hour}) // until the client gives up
	x := r.start(r.transport(slow), echo, nil, 2)
	const chat = 2001
	r.fake.SendText(chat, chat, "benvenuto")
	// The fake records the message once the client has given up on it.
	poll.Until(t, "the timed-out reply to reach the fake", func() bool { return len(sentTo(r.fake, chat)) == 1 })
	x.stop(t)

	x = r.start(r.transport(slow), echo, nil, 2) // resends what is unsent
	r.fake.SendText(chat, chat, "dopo")
	poll.Until(t, "the reply to the next message", func() bool { return len(sentTo(r.fake, chat)) >= 2 })
	x.stop(t)
	if got := texts(sentTo(r.fake, chat)); fmt.Sprint(got) != "[benvenuto dopo]" {
		t.Errorf("chat received %q, want [benvenuto dopo]: the timed-out reply once", got)
	}
}

// TestFailedReplyDeliveredWhileRunningInOrder: a reply whose sends all
// fail (five 502s, the transport's own retries included) is sent again
// while the bot runs, before the reply to the learner's next message.
func TestFailedReplyDeliveredWhileRunningInOrder(t *testing.T) {
	r := newRig(t)
	const chat = 2002
	r.fake.Fail("sendMessage", 5, telegramtest.Fault{Code: 502, Description: "Bad Gateway"})
	var failed atomic.Int32
	r.fake.OnCall(func(c telegramtest.Call) {
		if c.Method == "sendMessage" && c.Status == 502 {
			if failed.Add(1) == 5 {
				// The learner writes again while the first reply waits.
				r.fake.SendText(chat, chat, "due")
			}
		}
	})
	x := r.start(r.transport(nil), echo, nil, 2)
	defer x.stop(t)
	r.fake.SendText(chat, chat, "uno")
	poll.Until(t, "both replies", func() bool { return len(sentTo(r.fake, chat)) >= 2 })
	if got := texts(sentTo(r.fake, chat)); fmt.Sprint(got) != "[uno due]" {
		t.Errorf("chat received %q, want [uno due]", got)
	}
}

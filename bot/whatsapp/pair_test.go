package whatsapp_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/whatsapp"
	"github.com/bottega-app/bottega/bot/whatsapp/whatsapptest"
)

// many answers "lines" with 60 replies of text, "choices" with 7 replies
// that each carry a button, and anything else with one reply.
var many = bot.HandlerFunc(func(_ context.Context, _ bot.Tx, u bot.Update) ([]bot.Reply, error) {
	var out []bot.Reply
	switch u.Text {
	case "lines":
		for i := range 60 {
			out = append(out, bot.Reply{Text: fmt.Sprintf("riga %d", i)})
		}
	case "choices":
		for i := range 7 {
			out = append(out, bot.Reply{Text: fmt.Sprintf("scelta %d", i), Buttons: [][]bot.Button{{{Label: "Sì", Data: fmt.Sprintf("yes%d", i)}}}})
		}
	default:
		out = append(out, bot.Reply{Text: "eco: " + u.Text})
	}
	return out, nil
})

// refusals counts the fake's answers with code.
func refusals(f *whatsapptest.Server, code int) int {
	n := 0
	for _, m := range f.Messages() {
		if m.Code == code {
			n++
		}
	}
	return n
}

// TestPairRate: WhatsApp refuses a burst of messages to one learner
// (131056). Consecutive replies of text go as one message; replies that
// cannot be merged are paced to the pair rate, so none is refused; and a
// 131056 that comes all the same delays the message, which then goes once.
func TestPairRate(t *testing.T) {
	const every, burst = 150 * time.Millisecond, 3
	r := newRigWith(t, func(o *whatsapp.Options) { o.PairInterval, o.PairBurst = every, burst }, many)
	r.fake.SetPairRate(every, burst)
	const user = "393330000031"

	got := r.say(user, "lines")
	if len(got) != 1 {
		t.Errorf("60 lines went as %d messages, want 1", len(got))
	}
	all := texts(got)
	for i := range 60 {
		if !strings.Contains(all, fmt.Sprintf("riga %d\n", i)) {
			t.Fatalf("line %d is missing:\n%s", i, all)
		}
	}
	if i, j := strings.Index(all, "riga 9\n"), strings.Index(all, "riga 10\n"); i > j {
		t.Errorf("the lines are out of order:\n%s", all)
	}

	got = r.say(user, "choices")
	var seen []string
	for _, m := range got {
		seen = append(seen, m.Text())
	}
	if fmt.Sprint(seen) != "[scelta 0 scelta 1 scelta 2 scelta 3 scelta 4 scelta 5 scelta 6]" {
		t.Errorf("choices arrived as %q", seen)
	}
	if n := refusals(r.fake, whatsapptest.CodePairRate); n != 0 {
		t.Errorf("WhatsApp refused %d messages for the pair rate; the transport should pace them", n)
	}

	// A 131056 all the same (another process wrote to the learner): the
	// reply waits and goes, once.
	r.fake.Fail(1, whatsapptest.Fault{Code: whatsapptest.CodePairRate, To: user})
	got = r.say(user, "ancora")
	if n := refusals(r.fake, whatsapptest.CodePairRate); n != 1 {
		t.Fatalf("%d refusals, want the one injected", n)
	}
	if len(got) != 1 || got[0].Text() != "eco: ancora" {
		t.Errorf("after a 131056 the learner got %q, want the reply once", texts(got))
	}
}

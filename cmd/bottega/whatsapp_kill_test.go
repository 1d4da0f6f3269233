package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot/whatsapp"
	"github.com/bottega-app/bottega/bot/whatsapp/whatsapptest"
	"github.com/bottega-app/bottega/internal/logbuf"
)

// TestWhatsAppSurvivesSIGKILL kills the real binary with SIGKILL in the
// middle of a burst of WhatsApp webhooks, and starts it again on the same
// data directory, while the webhooks not answered 200 are delivered again,
// as Meta does. Every learner's message is answered exactly once: none
// lost, none twice.
func TestWhatsAppSurvivesSIGKILL(t *testing.T) {
	wa := whatsapptest.New(t)
	wa.AutoPush(true) // statuses, as WhatsApp sends them
	bin := buildBinary(t)
	dir := dataDir(t)
	addr := freeAddr(t)
	wa.SetWebhook("http://"+addr+"/whatsapp", whatsapptest.AppSecret)
	env := append(os.Environ(),
		"BOTTEGA_DATA_DIR="+dir,
		"WHATSAPP_TOKEN="+whatsapptest.Token,
		"WHATSAPP_PHONE_NUMBER_ID="+whatsapptest.PhoneNumberID,
		"WHATSAPP_APP_SECRET="+whatsapptest.AppSecret,
		"WHATSAPP_VERIFY_TOKEN=verify_me",
		"WHATSAPP_API_ENDPOINT="+wa.URL(),
		"HTTP_ADDR="+addr,
		// A reply the killed process marked as being sent but never
		// handed to WhatsApp gets no status: the restarted one sends it
		// after this wait. The statuses of the replies WhatsApp did take
		// come within milliseconds of the restart (the fake pushes them
		// again every 50ms until they are taken), so ten seconds is room
		// enough; the default, a minute, only made the test a minute
		// longer whenever the kill fell between the two.
		"WHATSAPP_CONFIRM_WAIT=10s",
	)
	logs := &logbuf.Buffer{}
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve")
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	first := start()
	defer func() {
		if t.Failed() {
			t.Logf("log:\n%s", logs.String())
		}
	}()

	const learners = 60
	users := make([]string, learners)
	for i := range users {
		users[i] = fmt.Sprintf("3933377%05d", i)
	}
	// The bot is up once the first learner's webhook is answered.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	deliver := func(body []byte) {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			if code, err := wa.Deliver(ctx, body); err == nil && code == http.StatusOK {
				return
			}
			select {
			case <-tick.C:
			case <-ctx.Done():
				return
			}
		}
	}
	deliver(whatsapptest.Payload(wa.Text(users[0], "Learner", "/start")))
	until(t, "the first reply", func() bool { return len(wa.Sent(users[0])) > 0 })

	// The burst: every other learner writes at once; the bot is killed
	// once a third of them have their answer.
	var answered atomic.Int64
	killed := make(chan struct{})
	var once sync.Once
	wa.OnMessage(func(m whatsapptest.Message) {
		if m.Type != "read" && m.Code == 0 && answered.Add(1) >= learners/3 {
			once.Do(func() { close(killed) })
		}
	})
	var wg sync.WaitGroup
	for _, u := range users[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			deliver(whatsapptest.Payload(wa.Text(u, "Learner", "/start")))
		}()
	}
	select {
	case <-killed:
	case <-ctx.Done():
		t.Fatal("no third of the burst answered")
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	killedAt := answered.Load()
	second := start()
	defer func() {
		_ = second.Process.Signal(syscall.SIGTERM)
		_ = second.Wait()
	}()
	wg.Wait() // every webhook answered 200, by one process or the other
	if ctx.Err() != nil {
		t.Fatal("the webhooks were not all answered")
	}
	until(t, "every learner answered", func() bool {
		for _, u := range users {
			if len(wa.Sent(u)) == 0 {
				return false
			}
		}
		return true
	})
	waitAllSentOn(t, dir, whatsapp.Platform, learners)
	if killedAt >= learners {
		t.Fatalf("the kill came after the whole burst was answered (%d replies)", killedAt)
	}
	for _, u := range users {
		if n := len(wa.Sent(u)); n != 1 {
			t.Errorf("learner %s got %d replies to /start, want 1", u, n)
		}
	}
	t.Logf("killed after %d of %d replies; %d replies waited for WhatsApp's confirmation after the restart",
		killedAt, learners, strings.Count(logs.String(), "waiting for the platform to confirm"))
}

// waitAllSentOn waits until the bot serving the private cluster in dir has
// recorded at least n updates of platform and marked all their replies
// sent. It counts first and looks for unsent replies second: an update
// committed between the two looks would otherwise be counted without being
// looked at, and the test would stop the bot before its replies went out.
func waitAllSentOn(t *testing.T, dir, platform string, n int) {
	t.Helper()
	db := openBotDB(t, dir)
	ctx := context.Background()
	until(t, "every reply marked sent", func() bool {
		recorded, err := db.CountUpdates(ctx, platform)
		if err != nil {
			t.Fatalf("count updates: %v", err)
		}
		unsent := 0
		if err := db.Unsent(ctx, platform, func(string, string, []byte) error { unsent++; return nil }); err != nil {
			t.Fatalf("unsent replies: %v", err)
		}
		return recorded >= n && unsent == 0
	})
}

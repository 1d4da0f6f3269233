package admin_test

import (
	"context"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows/admin"
)

// slowDownloader holds every download until released.
type slowDownloader struct {
	next      admin.Downloader
	started   chan struct{}
	release   chan struct{}
	startOnce sync.Once
	freeOnce  sync.Once
}

func (d *slowDownloader) Download(ctx context.Context, id string) ([]byte, error) {
	d.startOnce.Do(func() { close(d.started) })
	select {
	case <-d.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return d.next.Download(ctx, id)
}

func (d *slowDownloader) free() { d.freeOnce.Do(func() { close(d.release) }) }

// An admin's upload is downloaded after the update that brought it is
// committed, outside its transaction and the chat's lock: while the
// download is under way, the same chat's next update is handled. The
// preview comes when the download ends, before that update's answer.
func TestUploadDownloadsAfterCommit(t *testing.T) {
	dl := &slowDownloader{started: make(chan struct{}), release: make(chan struct{})}
	r := newRig(t, func(o *admin.Options) {
		dl.next = o.Downloader
		o.Downloader = dl
	})
	t.Cleanup(dl.free) // before the dispatcher closes, should the test fail
	r.say(adminID, "/start")
	src, err := fs.ReadFile(content.BuiltinFS(), "curriculum/bottega-digitale/07-reviews.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := r.fake.AddFile("07-reviews.yaml", regexp.MustCompile(`(?m)^minutes: \d+$`).ReplaceAll(src, []byte("minutes: 19")))
	chat := strconv.Itoa(adminID)
	deliver := func(id string, u bot.Update) {
		t.Helper()
		u.Platform, u.ID, u.ChatID, u.UserID, u.Lang = telegram.Platform, id, chat, chat, "it"
		done := make(chan error, 1)
		go func() { done <- bot.Deliver(bg, r.d, u) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("update %s was not handled while the upload's download waits", id)
		}
	}
	before := len(r.fake.Calls())
	deliver("up-1", bot.Update{Document: &bot.File{Name: "07-reviews.yaml", ID: file}})
	select {
	case <-dl.started:
	case <-time.After(time.Minute):
		t.Fatal("the download did not start")
	}
	deliver("up-2", bot.Update{Text: "/invites"})
	if n, err := r.db.CountUpdates(bg, telegram.Platform); err != nil || n < 3 {
		t.Fatalf("%d updates recorded (%v): the second is not committed", n, err)
	}
	dl.free()
	if err := r.d.Flush(bg, chat); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range r.fake.Calls()[before:] {
		if c.IsMessage() && c.Status == 200 {
			got = append(got, c.Text())
		}
	}
	if len(got) < 2 || !strings.Contains(got[0], "07-reviews.yaml") || !strings.Contains(got[0], "modificate") {
		t.Fatalf("the chat reads %q, want the preview first, then the answer to /invites", got)
	}
}

package telegram_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/internal/poll"
	"github.com/bottega-app/bottega/locales"
)

var ctx = context.Background()

func TestLongTextSplitAndEscaped(t *testing.T) {
	r := newRig(t)
	tr := r.transport(nil)
	para := strings.TrimSpace(strings.Repeat("Scrivi <b>chi sei</b> & cosa fai: 🧵 ", 40)) // ~1,500 characters
	text := strings.Join([]string{para, para, para, para, para, para}, "\n\n")
	reply := bot.Reply{Text: text, Buttons: [][]bot.Button{{{Label: "Avanti", Data: "v1|next"}, {Label: "Sito", URL: "https://example.org"}}}}
	id, err := tr.Send(ctx, "7001", reply)
	if err != nil {
		t.Fatal(err)
	}
	sent := sentTo(r.fake, 7001)
	if len(sent) < 3 {
		t.Fatalf("%d messages, want the text split in at least 3", len(sent))
	}
	var parts []string
	for i, c := range sent {
		if c.Params["parse_mode"] != "HTML" {
			t.Errorf("part %d: parse_mode %q", i, c.Params["parse_mode"])
		}
		if strings.Contains(c.Text(), "<b>") {
			t.Errorf("part %d: learner text not escaped", i)
		}
		plain := html.UnescapeString(c.Text())
		if !strings.HasSuffix(plain, "fai: 🧵") {
			t.Errorf("part %d not cut at a paragraph: ends %q", i, plain[max(0, len(plain)-20):])
		}
		parts = append(parts, plain)
		if hasButtons := len(c.Buttons()) > 0; hasButtons != (i == len(sent)-1) {
			t.Errorf("part %d of %d has buttons: %v", i+1, len(sent), hasButtons)
		}
	}
	if strings.Join(parts, "\n\n") != text {
		t.Error("the parts do not add up to the text")
	}
	if id != strconv.Itoa(sent[len(sent)-1].MessageID) {
		t.Errorf("Send returned id %s, want the last part's %d", id, sent[len(sent)-1].MessageID)
	}
}

func TestEditsAndFallback(t *testing.T) {
	r := newRig(t)
	tr := r.transport(nil)
	kb := [][]bot.Button{{{Label: "Menu", Data: "v1|menu"}}}
	id, err := tr.Send(ctx, "7002", bot.Reply{Text: "one", Buttons: kb})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := tr.Send(ctx, "7002", bot.Reply{Text: "two", EditID: id, Buttons: kb}); err != nil || got != id {
		t.Fatalf("edit = %s, %v; want %s", got, err, id)
	}
	// Pressing the same button twice edits to the same content: not an error.
	if _, err := tr.Send(ctx, "7002", bot.Reply{Text: "two", EditID: id, Buttons: kb}); err != nil {
		t.Fatalf("edit to the same content: %v", err)
	}
	// Only the keyboard changes.
	if _, err := tr.Send(ctx, "7002", bot.Reply{EditID: id, Buttons: [][]bot.Button{{{Label: "Indietro", Data: "v1|back"}}}}); err != nil {
		t.Fatalf("remove keyboard: %v", err)
	}
	// A message that cannot be edited: a new one goes out instead.
	got, err := tr.Send(ctx, "7002", bot.Reply{Text: "three", EditID: "999"})
	if err != nil || got == "999" {
		t.Fatalf("edit of a missing message = %s, %v; want a new message", got, err)
	}
	var methods []string
	for _, c := range r.fake.Calls() {
		if c.ChatID() == 7002 {
			methods = append(methods, c.Method+":"+strconv.Itoa(c.Status))
		}
	}
	want := "sendMessage:200 editMessageText:200 editMessageText:400 editMessageReplyMarkup:200 editMessageText:400 sendMessage:200"
	if strings.Join(methods, " ") != want {
		t.Errorf("calls:\n got %s\nwant %s", strings.Join(methods, " "), want)
	}
}

func TestMediaUploadedOnce(t *testing.T) {
	r := newRig(t)
	tr := r.transport(nil)
	dir := t.TempDir()
	photo := filepath.Join(dir, "storefront.jpg")
	if err := os.WriteFile(photo, []byte("\xff\xd8\xff fake jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	kb := [][]bot.Button{{{Label: "Ok", Data: "v1|ok"}}}
	for range 2 {
		if _, err := tr.Send(ctx, "7003", bot.Reply{Text: "La vetrina <prima>", Media: &bot.Media{Kind: "photo", File: photo}, Buttons: kb}); err != nil {
			t.Fatal(err)
		}
	}
	if n := r.fake.Uploads(); n != 1 {
		t.Errorf("%d uploads, want 1 (then the cached file_id)", n)
	}
	photos := r.fake.Calls("sendPhoto")
	if len(photos) != 2 || photos[1].Params["photo"] == "" || photos[1].Params["photo"] != "photo-file-1" {
		t.Errorf("second photo sent as %q, want the file_id of the first", photos[len(photos)-1].Params["photo"])
	}
	if c := photos[0].Params["caption"]; c != "La vetrina &lt;prima&gt;" {
		t.Errorf("caption %q", c)
	}

	// A video by URL, from a time, with a caption too long for one.
	long := strings.Repeat("Guarda il video fino alla fine. ", 50)
	video := &bot.Media{Kind: "video", URL: "https://example.org/lesson.mp4", Start: 90 * time.Second}
	for range 2 {
		if _, err := tr.Send(ctx, "7003", bot.Reply{Text: long, Media: video, Buttons: kb}); err != nil {
			t.Fatal(err)
		}
	}
	videos := r.fake.Calls("sendVideo")
	if len(videos) != 2 || videos[0].Params["video"] != video.URL || videos[1].Params["video"] == video.URL {
		t.Fatalf("videos sent as %q, %q; want the URL, then the file_id", videos[0].Params["video"], videos[len(videos)-1].Params["video"])
	}
	caption := videos[0].Params["caption"]
	if videos[0].Params["start_timestamp"] != "90" || caption == "" || len([]rune(caption)) > 1024 || !strings.HasPrefix(long, caption) || len(videos[0].Buttons()) != 0 {
		t.Errorf("video params %v: want start_timestamp 90, the caption's first part, no buttons", videos[0].Params)
	}
	last := r.fake.Sent()[len(r.fake.Sent())-1]
	if last.Method != "sendMessage" || len(last.Buttons()) == 0 || !strings.HasSuffix(strings.TrimSpace(long), last.Params["text"]) ||
		len(caption)+len(last.Params["text"]) < len(strings.TrimSpace(long))-2 {
		t.Errorf("the rest of the long caption should follow as a message with the buttons, got %s %q", last.Method, last.Params["text"])
	}

	// A clip named by its key is uploaded once for the key, wherever its
	// file is.
	for i := range 2 {
		clip := filepath.Join(dir, fmt.Sprintf("clip%d.mp4", i))
		if err := os.WriteFile(clip, []byte("\x00\x00\x00\x18ftypmp42 fake clip"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Send(ctx, "7003", bot.Reply{Text: "Il passo", Media: &bot.Media{Kind: "video", File: clip, Key: "clip:abc"}}); err != nil {
			t.Fatal(err)
		}
	}
	clips := r.fake.Calls("sendVideo")[2:]
	if len(clips) != 2 || len(clips[0].Files["video"]) == 0 || clips[1].Params["video"] == "" || len(clips[1].Files["video"]) != 0 {
		t.Errorf("clip sent as %v then %v: want an upload, then the file id", clips[0].Params, clips[1].Params)
	}
	if id, err := r.db.MediaID(ctx, telegram.Platform, "video:clip:abc"); err != nil || id == "" || id != clips[1].Params["video"] {
		t.Errorf("clip cached as %q (%v), sent as %q", id, err, clips[1].Params["video"])
	}

	// A video Telegram already has (as one an admin sent) goes by its id.
	known, err := r.db.MediaID(ctx, telegram.Platform, "video:url:"+video.URL)
	if err != nil || known == "" {
		t.Fatalf("no file id cached for the video: %q, %v", known, err)
	}
	if _, err := tr.Send(ctx, "7003", bot.Reply{Text: "Il video", Media: &bot.Media{Kind: "video", ID: known}}); err != nil {
		t.Fatal(err)
	}
	if vs := r.fake.Calls("sendVideo"); vs[len(vs)-1].Params["video"] != known {
		t.Errorf("video by id sent as %q, want %q", vs[len(vs)-1].Params["video"], known)
	}

	// A file_id Telegram no longer knows is dropped and the source sent again.
	if err := r.db.SaveMediaID(ctx, telegram.Platform, "photo:url:https://example.org/a.jpg", "stale-id"); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Send(ctx, "7003", bot.Reply{Media: &bot.Media{Kind: "photo", URL: "https://example.org/a.jpg"}}); err != nil {
		t.Fatal(err)
	}
	if id, _ := r.db.MediaID(ctx, telegram.Platform, "photo:url:https://example.org/a.jpg"); id == "stale-id" || id == "" {
		t.Errorf("cached id after a stale one = %q", id)
	}
}

func TestDocument(t *testing.T) {
	r := newRig(t)
	tr := r.transport(nil)
	data := []byte(`{"learner":"Giulia"}`)
	if _, err := tr.Send(ctx, "7004", bot.Reply{Text: "I tuoi dati", File: &bot.File{Name: "bottega-export.json", Data: data}}); err != nil {
		t.Fatal(err)
	}
	docs := r.fake.Calls("sendDocument")
	if len(docs) != 1 || string(docs[0].Files["document"]) != string(data) || docs[0].Params["caption"] != "I tuoi dati" {
		t.Fatalf("document calls = %+v", docs)
	}
}

// A reply that answers a message (in groups) says so, for text, photos and
// documents alike; one whose message is gone still goes out.
func TestRepliesAnswerTheirMessage(t *testing.T) {
	r := newRig(t)
	tr := r.transport(nil)
	const group = -7005
	asked := r.fake.TextUpdate(group, 42, "/start")
	r.fake.Inject(asked)
	to := strconv.Itoa(asked.Message.MessageID)
	replies := []bot.Reply{
		{Text: "Ciao", ReplyTo: to},
		{Text: "La vetrina", Media: &bot.Media{Kind: "photo", URL: "https://example.org/v.jpg"}, ReplyTo: to},
		{Text: "I tuoi dati", File: &bot.File{Name: "export.json", Data: []byte("{}")}, ReplyTo: to},
		{Text: "Ancora qui", ReplyTo: "999"}, // deleted meanwhile
		{Text: "Senza risposta"},
	}
	for _, rep := range replies {
		if _, err := tr.Send(ctx, strconv.Itoa(group), rep); err != nil {
			t.Fatalf("send %q: %v", rep.Text, err)
		}
	}
	sent := sentTo(r.fake, group)
	if len(sent) != len(replies) {
		t.Fatalf("%d messages, want %d", len(sent), len(replies))
	}
	for i, c := range sent {
		if got, want := c.Params["reply_to_message_id"], replies[i].ReplyTo; got != want {
			t.Errorf("%s %q answers %q, want %q", c.Method, replies[i].Text, got, want)
		}
	}
}

func TestNoticeAnswersTheButton(t *testing.T) {
	r := newRig(t)
	h := bot.HandlerFunc(func(ctx context.Context, u bot.Update) ([]bot.Reply, error) {
		switch u.Data {
		case "save":
			return []bot.Reply{{Notice: "Salvato ✓", Text: "Fatto", Edit: true}}, nil
		case "quiet":
			return nil, nil
		}
		return []bot.Reply{{Text: "Scegli", Buttons: [][]bot.Button{{{Label: "Salva", Data: "save"}}}}}, nil
	})
	x := r.start(r.transport(nil), h, nil, 2)
	defer x.stop(t)
	r.fake.SendText(7005, 7005, "/start")
	poll.Until(t, "the menu", func() bool { return len(sentTo(r.fake, 7005)) == 1 })
	msg := sentTo(r.fake, 7005)[0].MessageID
	r.fake.Press(7005, 7005, msg, "save")
	r.fake.Press(7005, 7005, msg, "quiet")
	poll.Until(t, "both presses answered", func() bool { return len(r.fake.Calls("answerCallbackQuery")) == 2 })
	ans := r.fake.Calls("answerCallbackQuery")
	texts := map[string]bool{ans[0].Params["text"]: true, ans[1].Params["text"]: true}
	if !texts["Salvato ✓"] || !texts[""] {
		t.Errorf("answers %q, %q; want the notice and an empty one", ans[0].Params["text"], ans[1].Params["text"])
	}
	for _, a := range ans {
		if a.Status != 200 {
			t.Errorf("answer status %d", a.Status)
		}
	}
	edits := r.fake.Calls("editMessageText")
	if len(edits) != 1 || edits[0].Params["message_id"] != strconv.Itoa(msg) {
		t.Errorf("edits = %+v", edits)
	}
}

func TestMenuAndDescription(t *testing.T) {
	r := newRig(t)
	r.fake.Fail("setMyDescription", 100, telegramtest.Fault{Code: 500})
	tr := r.transport(func(o *telegram.Options) {
		o.Texts, o.Languages, o.Commands, o.Retries = r.texts, locales.Supported, []string{"start", "chiaro", "clear", "help"}, -1
	})
	x := r.start(tr, r.flows(), nil, 2)
	defer x.stop(t)
	r.fake.SendText(7006, 7006, "/start")
	poll.Until(t, "a reply despite the failed description", func() bool { return len(sentTo(r.fake, 7006)) == 1 })
	// The menus and the description are set in the background, beside
	// the polling: wait until the last menu is set and the failure told.
	poll.Until(t, "every menu set and the description's failure logged", func() bool {
		return len(r.fake.Calls("setMyCommands")) >= 7 && strings.Contains(r.logs.String(), "bot description not set")
	})
	var langs []string
	for _, c := range r.fake.Calls("setMyCommands") {
		langs = append(langs, c.Params["language_code"])
		if c.Status != 200 || !strings.Contains(c.Params["commands"], `"command":"help"`) {
			t.Errorf("setMyCommands %v: %d", c.Params, c.Status)
		}
		// The checker is /chiaro in the Italian (and default) menu,
		// /clear in the others: a "-" description leaves a command out.
		chiaro := strings.Contains(c.Params["commands"], `"command":"chiaro"`)
		clear := strings.Contains(c.Params["commands"], `"command":"clear"`)
		italian := c.Params["language_code"] == "" || c.Params["language_code"] == "it"
		if chiaro != italian || clear == italian || strings.Contains(c.Params["commands"], `"description":"-"`) {
			t.Errorf("menu %q: %s", c.Params["language_code"], c.Params["commands"])
		}
	}
	if got := strings.Join(langs, ","); got != ",it,en,es,fr,de,pl" {
		t.Errorf("menus for %q", got)
	}
	if !strings.Contains(r.logs.String(), "bot description not set") {
		t.Error("no warning about the description")
	}
}

// TestRateLimitedBurst: a burst of sends to many chats goes out at the
// overall rate. Only a lower bound on the time taken is checked, which a
// slow machine cannot break; the buckets themselves are checked on a
// simulated clock (TestLimiterWindows).
func TestRateLimitedBurst(t *testing.T) {
	r := newRig(t)
	const rate, chats = 10.0, 30
	tr := r.transport(func(o *telegram.Options) { o.Limits = telegram.Limits{Rate: rate} })
	start := time.Now()
	var wg sync.WaitGroup
	for i := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := tr.Send(ctx, strconv.Itoa(8000+i), bot.Reply{Text: "Nuova lezione!"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if took, least := time.Since(start), time.Duration((chats-1)/rate*float64(time.Second)); took < least {
		t.Errorf("%d messages went out in %v, at %.0f/s they take at least %v", chats, took, rate, least)
	}
	if n := len(r.fake.Sent()); n != chats {
		t.Fatalf("%d sends, want %d", n, chats)
	}
}

// TestPerChatLimit: messages to one chat wait for its bucket (a lower
// bound on the time, as above).
func TestPerChatLimit(t *testing.T) {
	r := newRig(t)
	tr := r.transport(func(o *telegram.Options) { o.Limits = telegram.Limits{Rate: 1000, ChatRate: 10, ChatBurst: 1} })
	start := time.Now()
	for range 4 {
		if _, err := tr.Send(ctx, "8500", bot.Reply{Text: "passo"}); err != nil {
			t.Fatal(err)
		}
	}
	// 10/s is 100ms apart.
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("4 messages to one chat went out in %v, want at least 300ms", took)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	r := newRig(t)
	tr := r.transport(nil)
	r.fake.Fail("sendMessage", 1, telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	if _, err := tr.Send(ctx, "8600", bot.Reply{Text: "ciao"}); err != nil {
		t.Fatal(err)
	}
	calls := r.fake.Calls("sendMessage")
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Fatalf("calls %+v", calls)
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < time.Second {
		t.Errorf("retried after %v, Telegram asked for 1s", gap)
	}
}

func TestServerErrorsRetried(t *testing.T) {
	r := newRig(t)
	tr := r.transport(func(o *telegram.Options) { o.Sleep = func(context.Context, time.Duration) error { return nil } })
	r.fake.Fail("sendMessage", 2, telegramtest.Fault{Code: 502, Description: "Bad Gateway"})
	if _, err := tr.Send(ctx, "8700", bot.Reply{Text: "ciao"}); err != nil {
		t.Fatal(err)
	}
	if n := len(sentTo(r.fake, 8700)); n != 1 {
		t.Errorf("%d messages arrived, want 1", n)
	}

	// A proxy's page instead of the Bot API's JSON: retried too, and its
	// status reported once the retries are spent.
	r.fake.Fail("sendMessage", 2, telegramtest.Fault{Code: 502, Proxy: true})
	if _, err := tr.Send(ctx, "8701", bot.Reply{Text: "ciao"}); err != nil {
		t.Fatal(err)
	}
	r.fake.Fail("sendMessage", 0, telegramtest.Fault{Code: 503, Proxy: true})
	_, err := tr.Send(ctx, "8702", bot.Reply{Text: "ciao"})
	var e *telegram.Error
	if !errors.As(err, &e) || e.Code != 503 {
		t.Fatalf("err = %v, want a telegram.Error with code 503", err)
	}
	if n := len(r.fake.Calls("sendMessage")); n != 3+3+5 {
		t.Errorf("%d sendMessage calls, want 3, 3 and 5 (4 retries)", n)
	}
}

func TestBlockedLearnerMarked(t *testing.T) {
	r := newRig(t)
	tr := r.transport(nil)
	l, _, err := r.db.EnsureLearner(ctx, telegram.Platform, "8800", "8800", "Marta", "it")
	if err != nil {
		t.Fatal(err)
	}
	r.fake.Fail("sendMessage", 1, telegramtest.Fault{Code: 403, Description: "Forbidden: bot was blocked by the user"})
	_, err = tr.Send(ctx, "8800", bot.Reply{Text: "ciao"})
	if !errors.Is(err, bot.ErrBlocked) {
		t.Fatalf("err = %v, want ErrBlocked", err)
	}
	l, err = r.db.Learner(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l.BlockedAt == nil {
		t.Error("learners.blocked_at not set")
	}
}

// TestTokenNeverInErrors makes calls fail every way they can and looks for
// the token in the errors and the log.
func TestTokenNeverInErrors(t *testing.T) {
	r := newRig(t)
	var errs []error

	// Nothing listens there: the library's error quotes the URL.
	_, err := telegram.New(ctx, telegram.Options{Token: telegramtest.Token, Endpoint: "http://127.0.0.1:1/bot%s/%s", Retries: -1, Logger: r.logger()})
	if err == nil {
		t.Fatal("New succeeded without a server")
	}
	errs = append(errs, err)

	tr := r.transport(func(o *telegram.Options) { o.Retries, o.RequestTimeout = 1, 200*time.Millisecond })
	r.fake.Fail("sendMessage", 2, telegramtest.Fault{Stall: time.Second})
	_, err = tr.Send(ctx, "8900", bot.Reply{Text: "ciao"})
	errs = append(errs, err)
	r.fake.Fail("sendMessage", 2, telegramtest.Fault{Code: 500, Description: "Internal Server Error"})
	_, err = tr.Send(ctx, "8900", bot.Reply{Text: "ciao"})
	errs = append(errs, err)
	r.fake.Fail("sendMessage", 1, telegramtest.Fault{Code: 400, Description: "Bad Request: chat not found"})
	_, err = tr.Send(ctx, "8900", bot.Reply{Text: "ciao"})
	errs = append(errs, err)

	// A sink that always fails makes the poll loop log.
	x := r.start(tr, bot.HandlerFunc(func(context.Context, bot.Update) ([]bot.Reply, error) { return nil, nil }), nil, 1)
	r.fake.Fail("getUpdates", 1, telegramtest.Fault{Code: 502})
	r.fake.SendText(8900, 8900, "/start")
	poll.Until(t, "the update handled", func() bool { return countUpdates(t, r.db) == 1 })
	x.stop(t)

	for i, err := range errs {
		if err == nil {
			t.Errorf("case %d: no error", i)
			continue
		}
		if strings.Contains(err.Error(), telegramtest.Token) || strings.Contains(err.Error(), "TEST-fake-token") {
			t.Errorf("case %d: token in error %q", i, err)
		}
	}
	if strings.Contains(r.logs.String(), "TEST-fake-token") {
		t.Errorf("token in the log:\n%s", r.logs.String())
	}
	if !strings.Contains(r.logs.String(), "receive updates") {
		t.Error("the failed poll was not logged (the test did not test the log)")
	}
}

// TestTimedOutSendIsNotRepeated: a message whose answer timed out may have
// been delivered, so it is not sent again (that would be a duplicate); an
// edit, which is harmless to repeat, is retried.
func TestTimedOutSendIsNotRepeated(t *testing.T) {
	r := newRig(t)
	tr := r.transport(func(o *telegram.Options) { o.Retries, o.RequestTimeout = 3, 200*time.Millisecond })
	r.fake.Fail("sendMessage", 1, telegramtest.Fault{Stall: 500 * time.Millisecond})
	if _, err := tr.Send(ctx, "8901", bot.Reply{Text: "una volta sola"}); err == nil {
		t.Fatal("a timed-out send reported success")
	}
	// The stalled request is still handled by the fake, as Telegram would,
	// after any retry (Send retries before it returns): once it is
	// recorded, every request Send made is.
	poll.Until(t, "the stalled message to arrive", func() bool {
		calls := r.fake.Calls("sendMessage")
		return len(calls) > 0 && calls[len(calls)-1].Stalled > 0
	})
	if n := len(r.fake.Calls("sendMessage")); n != 1 {
		t.Errorf("sendMessage reached the fake %d times, want 1", n)
	}

	id, err := tr.Send(ctx, "8901", bot.Reply{Text: "base"})
	if err != nil {
		t.Fatal(err)
	}
	r.fake.Fail("editMessageText", 1, telegramtest.Fault{Stall: 500 * time.Millisecond})
	if _, err := tr.Send(ctx, "8901", bot.Reply{Text: "modificato", EditID: id}); err != nil {
		t.Errorf("a timed-out edit was not retried: %v", err)
	}
}

// TestFittedByRender: what bot/render decides for Telegram is what goes
// out. A notice for a press this process does not know (from before a
// restart, too old to answer) is a message of its own; a long text that
// edits a message edits it with its first part, and the rest follows with
// the keyboard.
func TestFittedByRender(t *testing.T) {
	r := newRig(t)
	tr := r.transport(nil)
	if _, err := tr.Send(ctx, "7007", bot.Reply{Notice: "Grazie del voto!", CallbackID: "press-before-restart"}); err != nil {
		t.Fatal(err)
	}
	if sent := sentTo(r.fake, 7007); len(sent) != 1 || sent[0].Text() != "Grazie del voto!" || len(r.fake.Calls("answerCallbackQuery")) != 0 {
		t.Fatalf("an unknown press's notice went as %+v (and %d answers), want one message", sent, len(r.fake.Calls("answerCallbackQuery")))
	}
	id, err := tr.Send(ctx, "7007", bot.Reply{Text: "Menu", Buttons: [][]bot.Button{{{Label: "Lezioni", Data: "v1|lessons"}}}})
	if err != nil {
		t.Fatal(err)
	}
	para := strings.TrimSpace(strings.Repeat("Una scheda completa ha orari veri. ", 70)) // ~2,400 characters
	kb := [][]bot.Button{{{Label: "Avanti", Data: "v1|next"}}}
	last, err := tr.Send(ctx, "7007", bot.Reply{Text: para + "\n\n" + para, EditID: id, Buttons: kb})
	if err != nil {
		t.Fatal(err)
	}
	edits, sent := r.fake.Calls("editMessageText"), sentTo(r.fake, 7007)
	if len(edits) != 1 || edits[0].Params["message_id"] != id || edits[0].Text() != para || len(edits[0].Buttons()) != 0 {
		t.Fatalf("edits %+v: want the message edited to the first paragraph, without buttons", edits)
	}
	rest := sent[len(sent)-1]
	if rest.Method != "sendMessage" || rest.Text() != para || len(rest.Buttons()) != 1 || last != strconv.Itoa(rest.MessageID) {
		t.Errorf("the rest went as %s %q with %d buttons (id %s, Send returned %s); want a new message with the keyboard",
			rest.Method, rest.Text(), len(rest.Buttons()), strconv.Itoa(rest.MessageID), last)
	}
}

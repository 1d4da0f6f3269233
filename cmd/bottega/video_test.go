package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bottega-app/bottega/assistant/llmtest"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/bot/whatsapp/whatsapptest"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/video/videotest"
)

// content publish cuts a lesson's video into clips, transcribed by the
// model, and says how far it is; publishing again encodes nothing.
func TestContentPublishCutsVideos(t *testing.T) {
	tools := videotest.Tools(t)
	lessons := videotest.Folder(t, tools, t.TempDir(), "")
	llm := llmtest.New("")
	defer llm.Close()
	llm.SetTranscript([]llmtest.Segment{{Start: 135, End: 140, Text: "Il QR code va stampato sulla vetrina."}})
	env := envFrom(onTestServer(t, map[string]string{"OPENAI_BASE_URL": llm.URL(), "OPENAI_TRANSCRIBE_MODEL": "whisper-1"}))

	var out bytes.Buffer
	if err := run(context.Background(), []string{"content", "publish", lessons}, env, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"webinar: transcribing the video with whisper-1...", "webinar: encoding clip 1 of 5...", "webinar: clip 5 of 5: 100%", "Videos: 1, clips encoded: 5, already made: 0", "Published curriculum version"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
	// A diff before cutting compares the lesson as publishing would leave
	// it: the same files are no change, a changed step is one.
	out.Reset()
	if err := run(context.Background(), []string{"content", "diff", lessons}, env, strings.NewReader(""), &out, io.Discard); err != nil || !strings.Contains(out.String(), "no lesson changes") {
		t.Errorf("diff of the files just published: %v\n%s", err, out.String())
	}
	file := filepath.Join(lessons, "roadshow", "webinar.yaml")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, bytes.Replace(src, []byte("Foto luminose e vere."), []byte("Foto luminose, vere e nitide."), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"content", "diff", lessons}, env, strings.NewReader(""), &out, io.Discard); err != nil || !strings.Contains(out.String(), "changed  1: webinar") {
		t.Errorf("diff of a changed step: %v\n%s", err, out.String())
	}
	if err := os.WriteFile(file, src, 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"content", "publish", lessons}, env, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"webinar: clip 5 of 5 already made", "clips encoded: 0, already made: 5", "Nothing changed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("again: no %q in:\n%s", want, out.String())
		}
	}
	if n := len(llm.TranscriptionRequests()); n != 1 {
		t.Errorf("%d transcription requests, want 1", n)
	}
}

// Without ffmpeg, publishing a lesson with a video says what to install
// and publishes nothing.
func TestContentPublishWithoutFFmpeg(t *testing.T) {
	tools := videotest.Tools(t)
	lessons := videotest.Folder(t, tools, t.TempDir(), "")
	t.Setenv("PATH", t.TempDir())
	env := envFrom(map[string]string{"BOTTEGA_DATA_DIR": dataDir(t)})
	var out bytes.Buffer
	err := run(context.Background(), []string{"content", "publish", lessons}, env, strings.NewReader(""), &out, io.Discard)
	if code := exitCode(err, io.Discard); code != 2 || !strings.Contains(err.Error(), "apt-get install ffmpeg") {
		t.Fatalf("exit %d: %v", code, err)
	}
}

// A published lesson with a video plays on Telegram one clip per step,
// uploaded once and then sent by its file id; a question about something
// said only in the video is answered citing the lesson and the time, and
// the citation's button sends the clip from that moment. On WhatsApp, the
// clip goes as video media, uploaded once and then sent by its media id.
func TestVideoLessonOnTelegramAndWhatsApp(t *testing.T) {
	tools := videotest.Tools(t)
	lessons := videotest.Folder(t, tools, t.TempDir(), "")
	llm := llmtest.New("")
	defer llm.Close()
	llm.SetTranscript([]llmtest.Segment{
		{Start: 20, End: 24, Text: "Oggi parliamo della vetrina online."},
		{Start: 135, End: 140, Text: "Stampate il QR code della scheda e attaccatelo alla cassa."},
	})
	vars := onTestServer(t, nil)
	dir, dsn := vars["BOTTEGA_DATA_DIR"], vars["DATABASE_URL"]
	var out bytes.Buffer
	publish := envFrom(map[string]string{"BOTTEGA_DATA_DIR": dir, "DATABASE_URL": dsn, "OPENAI_BASE_URL": llm.URL(), "OPENAI_TRANSCRIBE_MODEL": "whisper-1"})
	if err := run(context.Background(), []string{"content", "publish", lessons}, publish, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}

	fake := telegramtest.New(t)
	called := make(chan struct{}, 1)
	fake.OnCall(func(telegramtest.Call) {
		select {
		case called <- struct{}{}:
		default:
		}
	})
	// waitCall waits for a call of method to chat that ok accepts, and
	// returns it.
	seen := map[int]bool{}
	waitCall := func(chat int64, method string, ok func(telegramtest.Call) bool) telegramtest.Call {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		for {
			for i, c := range fake.Sent() {
				if !seen[i] && c.ChatID() == chat && c.Method == method && c.Status == 200 && ok(c) {
					seen[i] = true
					return c
				}
			}
			select {
			case <-called:
			case <-ctx.Done():
				var got []string
				for _, c := range fake.Sent() {
					got = append(got, c.Method+" "+c.Text())
				}
				t.Fatalf("chat %d: no %s; calls:\n%s", chat, method, strings.Join(got, "\n"))
			}
		}
	}
	any := func(telegramtest.Call) bool { return true }
	// The model answers from the passage that holds what was said, citing it.
	llm.SetReply(func(req openai.ChatCompletionRequest) string {
		last := req.Messages[len(req.Messages)-1].Content
		if m := regexp.MustCompile(`(?m)^\[(\d+)\] [^\n]*\n[^\n]*QR code`).FindStringSubmatch(last); m != nil {
			return "Attaccalo vicino alla cassa, stampato [" + m[1] + "]."
		}
		return "QR code scheda cassa"
	})
	env := map[string]string{
		"OPENAI_BASE_URL":       llm.URL(),
		"BOTTEGA_DATA_DIR":      dir,
		"DATABASE_URL":          dsn,
		"TELEGRAM_TOKEN":        telegramtest.Token,
		"TELEGRAM_API_ENDPOINT": fake.Endpoint(),
		"TELEGRAM_RATE":         "100",
		"HTTP_ADDR":             freeAddr(t),
	}
	srv := serve(t, env)

	open := flows.OpenLessonData("webinar", "profile")
	var clipID string
	for _, chat := range []int64{42, 43} {
		fake.SendText(chat, chat, "/start")
		m := waitCall(chat, "sendMessage", any)
		fake.Press(chat, chat, m.MessageID, open)
		v := waitCall(chat, "sendVideo", any)
		if !strings.Contains(v.Text(), "La scheda dell'attività va tenuta aggiornata.") && !strings.Contains(v.Text(), "Keep your business profile up to date.") {
			t.Errorf("chat %d: the clip's caption is %q, want the step's text", chat, v.Text())
		}
		if chat == 42 {
			if len(v.Files["video"]) == 0 {
				t.Fatalf("the first learner's clip was not uploaded: %v", v.Params)
			}
			continue
		}
		clipID = v.Params["video"]
		if len(v.Files["video"]) != 0 || clipID == "" {
			t.Errorf("the second learner's clip was uploaded again (params %v), want the file id", v.Params)
		}
	}
	if n := fake.Uploads(); n != 1 {
		t.Errorf("%d uploads, want 1", n)
	}

	// Something said only in the video.
	fake.SendText(42, 42, "dove attacco il QR code della scheda?")
	// The answer streams into a message: its last edit has the sources and
	// the buttons.
	ans := waitCall(42, "editMessageText", func(c telegramtest.Call) bool { return strings.Contains(c.Text(), "cassa") && len(c.Buttons()) > 0 })
	if !strings.Contains(ans.Text(), "2:15") {
		t.Errorf("the answer does not cite the time: %q", ans.Text())
	}
	if !strings.Contains(ans.Text(), "Il webinar della vetrina") && !strings.Contains(ans.Text(), "The shop window webinar") {
		t.Errorf("the answer does not name the lesson: %q", ans.Text())
	}
	play := ""
	for _, row := range ans.Buttons() {
		for _, b := range row {
			if b.CallbackData != nil && strings.Contains(*b.CallbackData, "|w|webinar|reviews|135") {
				play = *b.CallbackData
			}
		}
	}
	if play == "" {
		t.Fatalf("no button plays the clip from 2:15: %+v", ans.Buttons())
	}
	fake.Press(42, 42, ans.MessageID, play)
	v := waitCall(42, "sendVideo", any)
	// The clip of the step starts at 1:50: 2:15 is 25 seconds into it.
	if v.Params["start_timestamp"] != "25" || !strings.Contains(v.Text(), "2:15") {
		t.Errorf("the clip was sent from %q with %q, want 25 seconds in", v.Params["start_timestamp"], v.Text())
	}
	srv.stop()

	// The same bot on WhatsApp (a process serving WhatsApp sends answers
	// whole: apart from the Telegram one above, whose answer streams).
	wa := whatsapptest.New(t)
	waEnv := map[string]string{
		"BOTTEGA_DATA_DIR":         dir,
		"DATABASE_URL":             dsn,
		"WHATSAPP_TOKEN":           whatsapptest.Token,
		"WHATSAPP_PHONE_NUMBER_ID": whatsapptest.PhoneNumberID,
		"WHATSAPP_APP_SECRET":      whatsapptest.AppSecret,
		"WHATSAPP_VERIFY_TOKEN":    "verify_me",
		"WHATSAPP_API_ENDPOINT":    wa.URL(),
		"HTTP_ADDR":                freeAddr(t),
	}
	wa.SetWebhook("http://"+waEnv["HTTP_ADDR"]+"/whatsapp", whatsapptest.AppSecret)
	serve(t, waEnv)
	wctx, wcancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer wcancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	// waitSent waits until user has a message after the first n that ok
	// accepts, and returns it.
	waitSent := func(user string, n int, ok func(whatsapptest.Message) bool) whatsapptest.Message {
		t.Helper()
		for {
			for _, m := range wa.Sent(user)[min(n, len(wa.Sent(user))):] {
				if m.Code == 0 && ok(m) {
					return m
				}
			}
			select {
			case <-tick.C:
			case <-wctx.Done():
				t.Fatalf("%s: not sent; messages: %+v", user, wa.Sent(user))
			}
		}
	}
	var videos []whatsapptest.Message
	for i, user := range []string{"393331110001", "393331110002"} {
		// The webhook answers 503 until the bot runs.
		body := whatsapptest.Payload(wa.Text(user, "Giulia", "/start"))
		for {
			code, err := wa.Deliver(wctx, body)
			if err == nil && code == http.StatusOK {
				break
			}
			select {
			case <-tick.C:
			case <-wctx.Done():
				t.Fatalf("webhook: %d %v", code, err)
			}
		}
		m := waitSent(user, 0, func(whatsapptest.Message) bool { return true })
		n := len(wa.Sent(user))
		if code, err := wa.Push(wctx, wa.ButtonReply(user, "Giulia", m.ID, open, "Apri")); err != nil || code != http.StatusOK {
			t.Fatalf("webhook: %d %v", code, err)
		}
		// The clip heads the step's text and its buttons.
		v := waitSent(user, n, func(m whatsapptest.Message) bool { return m.Header() == "video" })
		videos = append(videos, v)
		waitSent(user, n, func(m whatsapptest.Message) bool {
			return strings.Contains(m.Text(), "La scheda dell'attività va tenuta aggiornata.") || strings.Contains(m.Text(), "Keep your business profile up to date.")
		})
		if i == 0 && (len(wa.Uploads()) != 1 || wa.Uploads()[0].Type != "video/mp4") {
			t.Fatalf("the first learner's clip: uploads %+v, want one video/mp4", wa.Uploads())
		}
	}
	if n := len(wa.Uploads()); n != 1 || videos[0].MediaID() != wa.Uploads()[0].ID || videos[1].MediaID() != videos[0].MediaID() {
		t.Errorf("%d uploads, clips sent by %q and %q: want one upload, then its media id", n, videos[0].MediaID(), videos[1].MediaID())
	}
}

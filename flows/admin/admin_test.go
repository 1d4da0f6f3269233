package admin_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/broadcast"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/flows/admin"
	"github.com/bottega-app/bottega/internal/poll"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var bg = context.Background()

const (
	adminID   = 5001
	learnerID = 5002
)

// rig is the bot as served: the Telegram transport against the fake Bot
// API, the dispatcher, the flows with the admin extension, and the
// delivery worker.
type rig struct {
	t      *testing.T
	db     *store.DB
	fake   *telegramtest.Server
	tr     *telegram.Transport
	d      *bot.Dispatcher
	lib    *store.Library
	texts  *locales.Catalog
	w      *broadcast.Worker
	nextID atomic.Int64
}

func newRig(t *testing.T, with ...func(*admin.Options)) *rig {
	t.Helper()
	r := &rig{t: t, db: pgtest.New(t), fake: telegramtest.New(t)}
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.db.PublishCurriculum(bg, c, store.PublishOptions{Builtin: true}); err != nil {
		t.Fatal(err)
	}
	r.lib = store.NewLibrary(r.db, time.Millisecond)
	if r.texts, err = locales.Load(); err != nil {
		t.Fatal(err)
	}
	r.tr, err = telegram.New(bg, telegram.Options{Token: telegramtest.Token, Endpoint: r.fake.Endpoint(), Store: r.db,
		Limits: telegram.Limits{Rate: 1000, ChatRate: 1000, ChatBurst: 100}})
	if err != nil {
		t.Fatal(err)
	}
	r.w = broadcast.NewWorker(broadcast.Config{
		Platform: telegram.Platform, Store: r.db, Sender: r.tr, Rate: 500,
		Render: broadcast.Messages{Texts: r.texts, Library: r.lib}.Render,
		Progress: func(b bottega.Broadcast, c bottega.DeliveryCounts) bot.Reply {
			cur, _, _ := r.lib.Current(bg)
			return admin.Progress(r.texts, cur)(b, c)
		},
		Poll: 10 * time.Millisecond, ProgressEvery: 20 * time.Millisecond,
	})
	o := admin.Options{
		Admins: []string{strconv.Itoa(adminID)}, Store: r.db, Texts: r.texts, Library: r.lib,
		Downloader: r.tr, Rate: 500, Broadcasts: &store.Broadcasts{DB: r.db, Library: r.lib, Wake: r.w.Wake},
		Publishing: &store.Publishing{DB: r.db, Library: r.lib},
	}
	for _, f := range with {
		f(&o)
	}
	bs, pub := o.Broadcasts.(*store.Broadcasts), o.Publishing.(*store.Publishing)
	o.InTx = func(tx bot.Tx) (admin.Tx, error) {
		t := tx.(*store.Tx)
		return admin.Tx{Store: t, Broadcasts: bs.In(t), Publishing: pub.In(t)}, nil
	}
	adm := admin.New(o)
	fl := flows.New(flows.Options{Store: r.db, Texts: r.texts, Library: r.lib, Extensions: []flows.Extension{adm}})
	r.d = bot.New(bot.Config{Platform: telegram.Platform, Store: r.db, Handler: adm.Wrap(fl), Sender: r.tr, Tasks: adm.Tasks()})
	t.Cleanup(r.d.Close)
	r.nextID.Store(1)
	return r
}

// run starts the delivery worker until the test ends.
func (r *rig) run() {
	ctx, cancel := context.WithCancel(bg)
	done := make(chan struct{})
	go func() { r.w.Run(ctx); close(done) }()
	r.t.Cleanup(func() { cancel(); <-done })
}

// do delivers an update from user and returns what the bot sent for it.
func (r *rig) do(u bot.Update) []telegramtest.Call {
	r.t.Helper()
	before := len(r.fake.Calls())
	u.Platform = telegram.Platform
	u.ID = strconv.FormatInt(r.nextID.Add(1), 10)
	u.Lang = "it"
	if u.ChatID == "" {
		u.ChatID = u.UserID
	}
	if err := bot.Deliver(bg, r.d, u); err != nil {
		r.t.Fatal(err)
	}
	// The tasks the update started (a download, publishing, a chart)
	// answer too.
	if err := r.d.Flush(bg, u.ChatID); err != nil {
		r.t.Fatal(err)
	}
	var out []telegramtest.Call
	for _, c := range r.fake.Calls()[before:] {
		if c.IsMessage() && c.Status == 200 {
			out = append(out, c)
		}
	}
	return out
}

func (r *rig) say(user int64, text string) []telegramtest.Call {
	return r.do(bot.Update{UserID: strconv.FormatInt(user, 10), Text: text})
}

// press presses a button of the message a call sent.
func (r *rig) press(user int64, on telegramtest.Call, data string) []telegramtest.Call {
	return r.do(bot.Update{UserID: strconv.FormatInt(user, 10), Data: data, MessageID: strconv.Itoa(on.MessageID)})
}

// button finds the data of the button whose label contains label.
func button(t *testing.T, c telegramtest.Call, label string) string {
	t.Helper()
	for _, row := range c.Buttons() {
		for _, b := range row {
			if strings.Contains(b.Text, label) && b.CallbackData != nil {
				return *b.CallbackData
			}
		}
	}
	t.Fatalf("no button %q in %q", label, c.Text())
	return ""
}

func last(t *testing.T, cs []telegramtest.Call) telegramtest.Call {
	t.Helper()
	if len(cs) == 0 {
		t.Fatal("the bot sent nothing")
	}
	return cs[len(cs)-1]
}

func TestOnlyAdminsUseAdminCommands(t *testing.T) {
	r := newRig(t)
	r.say(learnerID, "/start")
	r.say(adminID, "/start")
	unknown := last(t, r.say(learnerID, "/nonexistent")).Text()
	expired := last(t, r.press(learnerID, telegramtest.Call{MessageID: 1}, "v1|x|zz")).Text()
	// A broadcast exists for the buttons to target.
	b, err := r.db.CreateBroadcast(bg, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "x"}, bottega.Audience{Platform: telegram.Platform})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(b.ID, 10)
	tests := []struct {
		name, text, data string
		want             string
	}{
		{"broadcast", "/broadcast", "", unknown},
		{"broadcast text", "/broadcast Ciao a tutti", "", unknown},
		{"stats", "/stats", "", unknown},
		{"pause", "/pause", "", unknown},
		{"resume", "/resume " + id, "", unknown},
		{"cancel", "/cancel " + id, "", unknown},
		{"pause button", "", "v1|x|bp|" + id, expired},
		{"cancel button", "", "v1|x|bc|" + id, expired},
		{"send button", "", "v1|x|bs", expired},
		{"publish button", "", "v1|x|up", expired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []telegramtest.Call
			if tt.data != "" {
				got = r.press(learnerID, telegramtest.Call{MessageID: 1}, tt.data)
			} else {
				got = r.say(learnerID, tt.text)
			}
			if text := last(t, got).Text(); text != tt.want {
				t.Errorf("got %q, want the normal answer %q", text, tt.want)
			}
			if st, err := r.db.LoadAdminState(bg, telegram.Platform, strconv.Itoa(learnerID)); err != nil || st != nil {
				t.Errorf("admin state %s (%v)", st, err)
			}
			if got, err := r.db.Broadcast(bg, b.ID); err != nil || got.Status != bottega.BroadcastRunning {
				t.Errorf("the broadcast changed: %s (%v)", got.Status, err)
			}
			if n, err := r.db.ActiveBroadcasts(bg, telegram.Platform); err != nil || len(n) != 1 {
				t.Errorf("%d broadcasts (%v)", len(n), err)
			}
		})
	}
	// A document from a learner goes to the flows, and is not published.
	file := r.fake.AddFile("x.yaml", []byte("id: x"))
	r.do(bot.Update{UserID: strconv.Itoa(learnerID), Document: &bot.File{Name: "x.yaml", ID: file}})
	if st, err := r.db.CurrentCurriculumState(bg); err != nil || st.Version != 1 {
		t.Errorf("curriculum version %d (%v)", st.Version, err)
	}
	// /help lists the admin commands to the admin only.
	if text := last(t, r.say(learnerID, "/help")).Text(); strings.Contains(text, "/broadcast") {
		t.Errorf("a learner's /help lists the admin commands:\n%s", text)
	}
	if text := last(t, r.say(adminID, "/help")).Text(); !strings.Contains(text, "/menu") || !strings.Contains(text, "/broadcast") || !strings.Contains(text, "/stats") {
		t.Errorf("the admin's /help lacks the flows' or the admin commands:\n%s", text)
	}
	// The same commands work for the admin.
	if text := last(t, r.say(adminID, "/pause")).Text(); text == unknown {
		t.Error("the admin got the unknown command answer")
	}
	if b, _ := r.db.Broadcast(bg, b.ID); b.Status != bottega.BroadcastPaused {
		t.Errorf("admin /pause: %s", b.Status)
	}
}

func TestBroadcastWizard(t *testing.T) {
	r := newRig(t)
	r.run()
	roles := []string{bottega.RoleShopkeeper, bottega.RoleArtisan, bottega.RoleMunicipal}
	var ls []bottega.Learner
	consent := time.Now() // audiences hold only learners who gave consent
	for i := range 9 {
		id := strconv.Itoa(7000 + i)
		ls = append(ls, bottega.Learner{Platform: telegram.Platform, ExternalID: id, ChatID: id, Locale: []string{"it", "en", "pl"}[i%3], Role: roles[i%3], ConsentAt: &consent})
	}
	if err := r.db.CreateLearners(bg, ls); err != nil {
		t.Fatal(err)
	}
	r.say(adminID, "/start")
	msg := last(t, r.say(adminID, "/broadcast"))
	msg = last(t, r.press(adminID, msg, button(t, msg, "lezione")))
	if !strings.Contains(msg.Text(), "Quale lezione") {
		t.Fatalf("lesson list: %q", msg.Text())
	}
	// The lesson list has pages; the last lesson is on the first one.
	lessonData := msg.FirstData()
	lesson := strings.TrimPrefix(lessonData, "v1|x|bl|")
	msg = last(t, r.press(adminID, msg, lessonData))
	// The 9 learners; not the admin, who gave no consent.
	if !strings.Contains(msg.Text(), "Destinatari ora: 9") {
		t.Fatalf("audience: %q", msg.Text())
	}
	// Role: everyone -> shops -> artisans.
	msg = last(t, r.press(adminID, msg, button(t, msg, "Ruolo")))
	msg = last(t, r.press(adminID, msg, button(t, msg, "Ruolo")))
	if !strings.Contains(msg.Text(), "Destinatari ora: 3") || !strings.Contains(button(t, msg, "Ruolo: artigiani"), "ba|r") {
		t.Fatalf("audience with a role: %q", msg.Text())
	}
	msg = last(t, r.press(adminID, msg, button(t, msg, "Anteprima")))
	if !strings.Contains(msg.Text(), "Destinatari: 3") || !strings.Contains(msg.Text(), "Nuova lezione") {
		t.Fatalf("preview: %q", msg.Text())
	}
	progress := msg
	sent := toChat(r.press(adminID, msg, button(t, msg, "Invia a 3")), adminID)
	if !strings.Contains(last(t, sent).Text(), "Invio n.") {
		t.Fatalf("progress: %q", last(t, sent).Text())
	}
	// Pressing Send again does nothing: the wizard is over.
	r.press(adminID, msg, button(t, msg, "Invia a 3"))
	bs, err := r.db.ActiveBroadcasts(bg, telegram.Platform)
	if err != nil || len(bs) > 1 {
		t.Fatalf("%d broadcasts (%v)", len(bs), err)
	}
	var b bottega.Broadcast
	poll.Until(t, "the broadcast to finish", func() bool {
		var err error
		b, err = r.db.Broadcast(bg, 1)
		return err == nil && b.Status == bottega.BroadcastDone
	})
	if b.Total != 3 || b.LessonID != lesson || b.ProgressMessage != strconv.Itoa(progress.MessageID) {
		t.Errorf("broadcast %+v", b)
	}
	got := map[int64]string{}
	for _, c := range r.fake.Sent() {
		if c.Method == "sendMessage" && c.ChatID() >= 7000 {
			got[c.ChatID()] = c.FirstData()
		}
	}
	want := flows.OpenLessonData(lesson, "")
	if len(got) != 3 || got[7001] != want || got[7004] != want || got[7007] != want {
		t.Errorf("received %v, want the artisans 7001, 7004, 7007 with %q", got, want)
	}
	// The progress message ends up saying it is done, without buttons.
	poll.Until(t, "the final progress edit", func() bool {
		for _, c := range r.fake.Calls("editMessageText") {
			if c.Params["message_id"] == strconv.Itoa(progress.MessageID) && strings.Contains(c.Text(), "Finito") && c.Params["reply_markup"] == "" {
				return true
			}
		}
		return false
	})
}

func TestPauseAndCancelButtons(t *testing.T) {
	r := newRig(t)
	r.say(adminID, "/start")
	consent := time.Now() // a learner for the broadcast, who gave consent
	if err := r.db.CreateLearners(bg, []bottega.Learner{{Platform: telegram.Platform, ExternalID: "7100", ChatID: "7100", ConsentAt: &consent}}); err != nil {
		t.Fatal(err)
	}
	msg := last(t, r.say(adminID, "/broadcast Domani webinar alle 18!"))
	msg = last(t, r.press(adminID, msg, button(t, msg, "Anteprima")))
	if !strings.Contains(msg.Text(), "Domani webinar alle 18!") {
		t.Fatalf("preview: %q", msg.Text())
	}
	msg = last(t, r.press(adminID, msg, button(t, msg, "Invia a")))
	steps := []struct {
		label, want string
	}{
		{"Pausa", bottega.BroadcastPaused},
		{"Riprendi", bottega.BroadcastRunning},
		{"Annulla invio", bottega.BroadcastCancelled},
	}
	for _, s := range steps {
		msg = last(t, r.press(adminID, msg, button(t, msg, s.label)))
		if b, err := r.db.Broadcast(bg, 1); err != nil || b.Status != s.want {
			t.Fatalf("after %s: %s (%v)", s.label, b.Status, err)
		}
	}
	if len(msg.Buttons()) != 0 {
		t.Errorf("a cancelled broadcast still has buttons: %v", msg.Buttons())
	}
}

func TestUploadAndPublish(t *testing.T) {
	r := newRig(t)
	r.say(adminID, "/start")
	src, err := fs.ReadFile(content.BuiltinFS(), "curriculum/bottega-digitale/07-reviews.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, caption string
		data                []byte
		want                string
		publishes           bool
	}{
		{"broken", "07-reviews.yaml", "", []byte("id: reviews\nlevel: expert\n"), "problemi", false},
		{"unchanged", "07-reviews.yaml", "", src, "Nessuna differenza", false},
		// Its templates are the published ones: they are kept.
		{"zipped track with templates", "track.zip", "", zipTrack(t, "curriculum/bottega-digitale", "Bottega digitale", "Bottega in rete"), "percorsi", true},
		{"changed lesson", "07-reviews.yaml", "", regexp.MustCompile(`(?m)^minutes: \d+$`).ReplaceAll(src, []byte("minutes: 19")), "modificate", true},
		{"not a lesson file", "notes.txt", "", []byte("hello"), "Non riesco", false},
		{"zipped track", "track.zip", "", zipTrack(t, "curriculum/comune-social", "Comune social", "Comune in rete"), "percorsi", true},
	}
	version := int64(1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := r.fake.AddFile(tt.file, tt.data)
			msg := last(t, r.do(bot.Update{UserID: strconv.Itoa(adminID), Text: tt.caption, Document: &bot.File{Name: tt.file, ID: id}}))
			if !strings.Contains(msg.Text(), tt.want) {
				t.Fatalf("got %q, want %q", msg.Text(), tt.want)
			}
			if tt.publishes {
				done := last(t, r.press(adminID, msg, button(t, msg, "Pubblica")))
				version++
				if !strings.Contains(done.Text(), "versione "+strconv.FormatInt(version, 10)) {
					t.Fatalf("after Publish: %q", done.Text())
				}
			}
			if st, err := r.db.CurrentCurriculumState(bg); err != nil || st.Version != version {
				t.Errorf("version %d (%v), want %d", st.Version, err, version)
			}
		})
	}
	r.lib.Refresh()
	cur, _, err := r.lib.Current(bg)
	if err != nil {
		t.Fatal(err)
	}
	if l := cur.Lesson("reviews"); l == nil || l.Minutes != 19 {
		t.Errorf("the published lesson: %+v", l)
	}
	// The lesson's templates can still be sent, from the built-in files.
	docs := 0
	for _, l := range cur.Track("bottega-digitale").Lessons {
		for _, s := range l.Steps {
			for _, src := range s.Document {
				docs++
				if _, _, err := cur.Track("bottega-digitale").Document(src); err != nil {
					t.Errorf("lesson %s: %v", l.ID, err)
				}
			}
		}
	}
	if docs == 0 {
		t.Error("no templates left in the uploaded track")
	}
	if tr := cur.Track("bottega-digitale"); tr == nil || tr.Title.Get("it") != "Bottega in rete" {
		t.Errorf("the published track: %+v", tr)
	}
	if tr := cur.Track("comune-social"); tr == nil || tr.Title.Get("it") != "Comune in rete" {
		t.Errorf("the published track: %+v", tr)
	}
}

// zipTrack zips a built-in track folder with its Italian title replaced.
func zipTrack(t *testing.T, dir, from, to string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := fs.WalkDir(content.BuiltinFS(), dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.BuiltinFS(), p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, "track.yaml") {
			b = bytes.Replace(b, []byte(from), []byte(to), 1)
		}
		w, err := zw.Create(strings.TrimPrefix(p, "curriculum/"))
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestVideoForALesson(t *testing.T) {
	r := newRig(t)
	r.say(adminID, "/start")
	got := last(t, r.do(bot.Update{UserID: strconv.Itoa(adminID), Text: "reviews", Document: &bot.File{Name: "lesson.mp4", ID: "video-file-1"}}))
	if !strings.Contains(got.Text(), "Video salvato") {
		t.Fatalf("got %q", got.Text())
	}
	if id, err := r.db.LessonVideo(bg, "reviews", telegram.Platform); err != nil || id != "video-file-1" {
		t.Errorf("lesson video %q (%v)", id, err)
	}
	got = last(t, r.do(bot.Update{UserID: strconv.Itoa(adminID), Text: "no-such-lesson", Document: &bot.File{Name: "lesson.mp4", ID: "video-file-2"}}))
	if !strings.Contains(got.Text(), "Nessuna lezione") {
		t.Errorf("unknown lesson: %q", got.Text())
	}
}

func TestStats(t *testing.T) {
	r := newRig(t)
	r.say(adminID, "/start")
	r.say(learnerID, "/start")
	l, _, err := r.db.EnsureLearner(bg, telegram.Platform, strconv.Itoa(learnerID), strconv.Itoa(learnerID), "", "it")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	l.ConsentAt = &now // progress is kept only with consent
	if err := r.db.UpdateLearner(bg, l); err != nil {
		t.Fatal(err)
	}
	if err := r.db.SavePosition(bg, bottega.LessonProgress{LearnerID: l.ID, LessonID: "reviews", StepIndex: 2, StepIDs: []string{"a", "b"}, Reached: 2, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := r.db.SaveQuizResult(bg, l.ID, "reviews", 3, 4, now); err != nil {
		t.Fatal(err)
	}
	got := r.say(adminID, "/stats")
	if len(got) != 2 || !strings.Contains(got[0].Text(), "Corsisti: 2") || got[1].Method != "sendDocument" {
		t.Fatalf("stats: %d messages, %q", len(got), got[0].Text())
	}
	if png := got[1].Files["document"]; !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("the chart is not a PNG (%d bytes)", len(png))
	}
}

func TestRemindersCommand(t *testing.T) {
	r := newRig(t)
	r.say(learnerID, "/start")
	// A learner who gave consent (without it, a reminder time is asked
	// for first: flows' consent transcripts).
	l, _, err := r.db.EnsureLearner(bg, telegram.Platform, strconv.Itoa(learnerID), "", "", "it")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	l.ConsentAt = &now
	if err := r.db.UpdateLearner(bg, l); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want, reminder string }{
		{"/reminders 13", "13:00", "13:00"},
		{"/reminders", "13:00", "13:00"},
		{"/reminders off", "disattivati", ""},
		{"/reminders", "disattivati", ""},
		{"/reminders dopo", "/promemoria off", ""},
		{"/promemoria off", "disattivati", ""},
		// As people write a time.
		{"/reminders 20h", "20:00", "20:00"},
		{"/reminders alle 8 e mezza", "08:30", "08:30"},
	}
	for _, tt := range tests {
		reply := last(t, r.say(learnerID, tt.text))
		if got := reply.Text(); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.text, got, tt.want)
		}
		if !hasData(reply, flows.MenuData()) {
			t.Errorf("%s: no way on to the menu: %v", tt.text, reply.Buttons())
		}
		l, _, err := r.db.EnsureLearner(bg, telegram.Platform, strconv.Itoa(learnerID), "", "", "it")
		if err != nil {
			t.Fatal(err)
		}
		if l.Reminder != tt.reminder {
			t.Errorf("%s: reminder %q, want %q", tt.text, l.Reminder, tt.reminder)
		}
	}
}

// toChat keeps the calls to one chat (the worker may be sending to others
// meanwhile).
func toChat(cs []telegramtest.Call, chat int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range cs {
		if c.ChatID() == chat {
			out = append(out, c)
		}
	}
	return out
}

// hasData reports whether a message has a button with data d.
func hasData(c telegramtest.Call, d string) bool {
	for _, row := range c.Buttons() {
		for _, b := range row {
			if b.CallbackData != nil && *b.CallbackData == d {
				return true
			}
		}
	}
	return false
}

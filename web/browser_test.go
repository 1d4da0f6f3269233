package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/video"
)

// screenshots is where the browser tests write a picture (JPEG) of each page
// (ignored by git; docs/ keeps two of them for the README).
const screenshots = "screenshots"

// emojiFont is where Debian's fonts-noto-color-emoji puts its font.
const emojiFont = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"

// browser starts a headless Chromium for the test, or fails saying how to
// install it.
func browser(t *testing.T) context.Context {
	t.Helper()
	var path string
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(b); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatal("Chromium is needed for the console's browser tests: run scripts/ensure-chromium.sh (apt-get install chromium)")
	}
	// Without it the screenshots show the texts' emoji as empty boxes.
	if _, err := os.Stat(emojiFont); err != nil {
		t.Fatal("A colour emoji font is needed for the console's screenshots: run scripts/ensure-chromium.sh (apt-get install fonts-noto-color-emoji)")
	}
	// Chromium keeps its singleton socket in a folder of TMPDIR that it
	// leaves behind: give it the test's own, removed after the test.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.WindowSize(1100, 900), chromedp.Flag("lang", "en-GB"),
		chromedp.Env("TMPDIR="+t.TempDir()))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	return ctx
}

// stepTime bounds each step of a browser test, so that a step that never
// happens is named rather than the test's whole deadline running out.
const stepTime = time.Minute

// run does the actions in order in the test's browser, each within
// stepTime. If one fails it fails the test naming the step, the page the
// browser was on and what that page showed, and keeps a picture of it in
// screenshots/.
func run(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	err := chromedp.Do(ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		for i, a := range actions {
			sctx, cancel := context.WithTimeout(ctx, stepTime)
			_, err := a(sctx, tg)
			cancel()
			if err == nil {
				continue
			}
			url, _ := chromedp.Location()(ctx, tg)
			text, _ := chromedp.Evaluate[string](`document.body ? document.body.innerText : ''`)(ctx, tg)
			_, _ = shot("failed-"+t.Name())(ctx, tg)
			return chromedp.Void{}, fmt.Errorf("step %d of %d, on %s: %w; the page shows: %.400s",
				i+1, len(actions), url, err, strings.Join(strings.Fields(text), " "))
		}
		return chromedp.Void{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// tick checks a checkbox with a click, and makes sure it is checked: a
// click that lands while the page still moves would leave a required box
// empty and the form unsent.
func tick(sel string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for range 2 {
			if _, err := chromedp.Click(sel)(ctx, t); err != nil {
				return chromedp.Void{}, err
			}
			on, err := chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q).checked", sel))(ctx, t)
			if err != nil || on {
				return chromedp.Void{}, err
			}
		}
		return chromedp.Void{}, fmt.Errorf("%s is not checked after two clicks", sel)
	}
}

func shot(name string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		png, err := chromedp.FullScreenshot(90)(ctx, t)
		if err != nil {
			return chromedp.Void{}, err
		}
		if err := os.MkdirAll(screenshots, 0o750); err != nil {
			return chromedp.Void{}, err
		}
		return chromedp.Void{}, os.WriteFile(filepath.Join(screenshots, name+".jpg"), png, 0o600)
	}
}

// textOf reads an element's text into s.
func textOf(sel string, s *string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		v, err := chromedp.Text(sel)(ctx, t)
		*s = v
		return chromedp.Void{}, err
	}
}

// TestBrowser signs in, starts and cancels a broadcast and deletes a
// learner in a real browser, without JavaScript of its own: forms, links
// and the refresh of the progress page.
func TestBrowser(t *testing.T) {
	// Enough learners, with progress in the built-in lessons, for the
	// overview's picture to show a real funnel.
	r := newRigSeeded(t, 40, 40)
	for _, tr := range r.cur.Tracks {
		var ids []string
		for _, l := range tr.Lessons {
			ids = append(ids, l.ID)
		}
		if err := store.SeedFunnel(context.Background(), r.db, ids, r.now); err != nil {
			t.Fatal(err)
		}
	}
	ctx := browser(t)
	var ls []bottega.Learner
	consent := time.Now() // audiences hold only learners who gave consent
	for i := range 4 {
		ls = append(ls, bottega.Learner{Platform: "telegram", ExternalID: fmt.Sprint(700 + i), ChatID: fmt.Sprint(700 + i),
			Name: fmt.Sprintf("Giulia %d", i), Role: bottega.RoleArtisan, Level: bottega.LevelBase, ConsentAt: &consent})
	}
	if err := r.db.CreateLearners(context.Background(), ls); err != nil {
		t.Fatal(err)
	}
	link := r.srv.URL + "/console/login?t=" + r.link(admin)
	var status, count, text string
	run(t, ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(`button[type=submit]`),
		shot("login"),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`svg.funnel`),
		shot("overview"),
		chromedp.Navigate(r.srv.URL+"/console/broadcasts"),
		chromedp.WaitVisible(`#text`),
		chromedp.Click(`input[name=kind][value=text]`),
		chromedp.SendKeys(`#text`, "Domani alle 18 webinar sulle recensioni: vi aspettiamo!"),
		chromedp.SetValue(`#role`, bottega.RoleArtisan),
		chromedp.Click(`button[value=preview]`),
		chromedp.WaitVisible(`#count`),
		textOf(`#count`, &count),
		shot("broadcasts"),
		chromedp.Click(`#send`),
		chromedp.WaitVisible(`#pause`),
		shot("broadcast"),
		// Cancelling cannot be undone: it is confirmed first.
		chromedp.Click(`#cancel`),
		chromedp.WaitVisible(`#cancel-yes`),
		chromedp.Click(`#cancel-yes`),
		chromedp.WaitNotPresent(`#pause`),
		chromedp.WaitVisible(`#status`),
		textOf(`#status`, &status),
	)
	if !strings.Contains(count, "4") || status != "cancelled" {
		t.Errorf("count %q, status after cancel %q", count, status)
	}
	id := ls[1].ID
	run(t, ctx,
		chromedp.Navigate(fmt.Sprintf("%s/console/learners?q=%s", r.srv.URL, "giulia")),
		chromedp.WaitVisible(`table`),
		shot("learners"),
		chromedp.Navigate(fmt.Sprintf("%s/console/learners/%d", r.srv.URL, id)),
		chromedp.WaitVisible(`a.danger`),
		shot("learner"),
		chromedp.Navigate(fmt.Sprintf("%s/console/learners/%d/delete", r.srv.URL, id)),
		chromedp.WaitVisible(`#confirm`),
		tick(`#confirm`),
		chromedp.Click(`#delete`),
		chromedp.WaitNotPresent(`#delete`),
		chromedp.WaitVisible(`p[role=status]`),
		textOf(`p[role=status]`, &text),
		chromedp.Navigate(r.srv.URL+"/console/questions"),
		chromedp.WaitVisible(`h1`),
		shot("questions"),
	)
	if text != "Learner deleted." {
		t.Errorf("after delete: %q", text)
	}
	if _, err := r.learner(id); bottega.ErrorCode(err) != bottega.ENOTFOUND {
		t.Errorf("learner %d after delete in the browser: %v", id, err)
	}
}

// TestBrowserPublishesALesson uploads a changed lesson file on the Lessons
// page, reads the diff, publishes it and sees the lesson as a learner
// would, in a real browser.
func TestBrowserPublishesALesson(t *testing.T) {
	r := newRig(t)
	ctx := browser(t)
	file := filepath.Join(t.TempDir(), "07-reviews.yaml")
	changed := strings.Replace(string(reviews(t)), "en: Reviews, and how to reply", "en: Reviews, and how to answer them", 1)
	if changed == string(reviews(t)) {
		t.Fatal("the lesson's English title was not found to change")
	}
	if err := os.WriteFile(file, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	var diff, status, bubble string
	run(t, ctx,
		chromedp.Navigate(r.srv.URL+"/console/login?t="+r.link(admin)),
		chromedp.WaitVisible(`button[type=submit]`),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`svg.funnel`),
		chromedp.Navigate(r.srv.URL+"/console/lessons"),
		chromedp.WaitVisible(`#file`),
		shot("lessons"),
		chromedp.SetUploadFiles(`#file`, []string{file}),
		chromedp.Click(`#check`),
		chromedp.WaitVisible(`#publish`),
		textOf(`#diff-reviews`, &diff),
		shot("upload"),
		chromedp.Click(`#publish`),
		chromedp.WaitVisible(`#published`),
		textOf(`#published`, &status),
		chromedp.Navigate(r.srv.URL+"/console/lessons/reviews?loc=en"),
		chromedp.WaitVisible(`#bubble`),
		textOf(`#bubble`, &bubble),
		shot("lesson"),
	)
	if !strings.Contains(diff, "Reviews, and how to reply") || !strings.Contains(diff, "Reviews, and how to answer them") {
		t.Errorf("diff: %q", diff)
	}
	if status != "Version 2 published: learners see it from now on." {
		t.Errorf("after publish: %q", status)
	}
	if !strings.Contains(bubble, "Reviews, and how to answer them · 1/") {
		t.Errorf("the lesson's first screen: %q", bubble)
	}
	cur, v, err := r.pub.Library.Current(context.Background())
	if err != nil || v != 2 || cur.Lesson("reviews").Title.Get("en") != "Reviews, and how to answer them" {
		t.Errorf("current curriculum: version %d, %v", v, err)
	}
}

// playerState says what the page's player has loaded, for a failure.
const playerState = `(() => { const v = document.querySelector('video'); if (!v) return 'no video'; const tt = v.textTracks[0];
	return JSON.stringify({readyState: v.readyState, networkState: v.networkState, error: v.error && v.error.message,
		tracks: v.textTracks.length, mode: tt && tt.mode, cues: tt && tt.cues && tt.cues.length}) })()`

// TestBrowserLessonClip opens a step with a clip on a phone-sized screen:
// the clip loads in the page's player, with its subtitles, and nothing is
// wider than the screen.
func TestBrowserLessonClip(t *testing.T) {
	r := newRig(t)
	r.publishClips()
	ctx := browser(t)
	var duration float64
	var cue string
	var fits, overviewFits, lessonsFits bool
	var funnelFits bool
	var tapPx float64
	run(t, ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(r.srv.URL+"/console/login?t="+r.link(admin)),
		chromedp.WaitVisible(`button[type=submit]`),
		chromedp.Click(`button[type=submit]`),
		// Only a signed-in page has the sign-out button.
		chromedp.WaitVisible(`form[action="/console/logout"] button`),
		// On a phone the funnel is a table that fits the screen, numbers
		// included (the chart would need 480 px), and the menu's links
		// are tall enough to tap.
		func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			var err error
			if overviewFits, err = chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)(ctx, t); err != nil {
				return chromedp.Void{}, err
			}
			if funnelFits, err = chromedp.Evaluate[bool](`(() => {
				const chart = document.querySelector('svg.funnel').getBoundingClientRect();
				const cells = [...document.querySelectorAll('table.funnel-narrow td')].map(td => td.getBoundingClientRect());
				return chart.width == 0 && cells.length > 0 && cells.every(r => r.width > 0 && r.right <= window.innerWidth);
			})()`)(ctx, t); err != nil {
				return chromedp.Void{}, err
			}
			tapPx, err = chromedp.Evaluate[float64](`Math.min(...[...document.querySelectorAll('nav a, header .tools a, header .tools button')].map(a => a.getBoundingClientRect().height))`)(ctx, t)
			return chromedp.Void{}, err
		},
		shot("overview-phone"),
		chromedp.Navigate(r.srv.URL+"/console/lessons/clipdemo?loc=en&screen=1"),
		chromedp.WaitReady(`video`),
		// The player read the clip's header (range requests) and the
		// subtitles' cues.
		func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Poll[chromedp.Void](`document.querySelector('video').readyState >= 1 && document.querySelector('video').textTracks.length == 1 && document.querySelector('video').textTracks[0].cues != null && document.querySelector('video').textTracks[0].cues.length > 0`,
				chromedp.WithPollingTimeout(time.Minute))(ctx, t)
			if err != nil {
				state, _ := chromedp.Evaluate[string](playerState)(ctx, t)
				return chromedp.Void{}, fmt.Errorf("the player did not load the clip and its subtitles: %v (%s)", err, state)
			}
			return chromedp.Void{}, nil
		},
		func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			var err error
			if duration, err = chromedp.Evaluate[float64](`document.querySelector('video').duration`)(ctx, t); err != nil {
				return chromedp.Void{}, err
			}
			if cue, err = chromedp.Evaluate[string](`document.querySelector('video').textTracks[0].cues[0].text`)(ctx, t); err != nil {
				return chromedp.Void{}, err
			}
			fits, err = chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)(ctx, t)
			return chromedp.Void{}, err
		},
		shot("lesson-clip"),
		// The Lessons page's tables scroll in their boxes; their hidden
		// headers for screen readers must not widen the page.
		chromedp.Navigate(r.srv.URL+"/console/lessons"),
		chromedp.WaitVisible(`main h1`),
		func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			var err error
			lessonsFits, err = chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)(ctx, t)
			return chromedp.Void{}, err
		},
	)
	if duration < 3.5 || duration > 4.5 {
		t.Errorf("the clip plays %.2f s, want about 4", duration)
	}
	if cue != "Benvenuti nella vetrina." {
		t.Errorf("first subtitle %q", cue)
	}
	if !fits {
		t.Error("the lesson page is wider than a phone's screen")
	}
	if !overviewFits {
		t.Error("the overview is wider than a phone's screen")
	}
	if !lessonsFits {
		t.Error("the Lessons page is wider than a phone's screen")
	}
	if !funnelFits {
		t.Error("on a phone the funnel is not a table within the screen")
	}
	if tapPx < 40 {
		t.Errorf("the console's menu links are %.1f px high on a phone, want 40 or more to tap", tapPx)
	}
}

// TestBrowserPublishesAVideoLesson uploads a lesson whose video is at a
// URL on a phone-sized screen, publishes it, and follows the page that
// shows the cutting: it refreshes itself, without JavaScript of its own,
// until the lesson is published.
func TestBrowserPublishesAVideoLesson(t *testing.T) {
	r := newRig(t)
	files, started, release := gatedVideo(t, r, func(p video.Progress) bool { return p.Clip == 1 })
	defer release()
	file := filepath.Join(t.TempDir(), "clipdemo.yaml")
	if err := os.WriteFile(file, urlLesson(files.URL+"/demo.mp4"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	var note, running, done string
	run(t, ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(r.srv.URL+"/console/login?t="+r.link(admin)),
		chromedp.WaitVisible(`button[type=submit]`),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`form[action="/console/logout"] button`),
		chromedp.Navigate(r.srv.URL+"/console/lessons"),
		chromedp.WaitVisible(`#file`),
		chromedp.SetUploadFiles(`#file`, []string{file}),
		chromedp.SetValue(`#track`, "bottega-digitale"),
		chromedp.Click(`#check`),
		chromedp.WaitVisible(`#videos`),
		textOf(`#videos`, &note),
		chromedp.Click(`#publish`),
		chromedp.WaitVisible(`#running`),
		func(context.Context, *chromedp.Target) (chromedp.Void, error) {
			<-started
			return chromedp.Void{}, nil
		},
		// The job's page while the second clip is made (reloaded: the
		// page may have come before the cutting did).
		chromedp.Reload(),
		chromedp.WaitVisible(`#running progress`),
		textOf(`#running p[role=status]`, &running),
		shot("job"),
		func(context.Context, *chromedp.Target) (chromedp.Void, error) {
			release()
			return chromedp.Void{}, nil
		},
		// The page refreshes itself until the job is done.
		chromedp.WaitVisible(`#done`),
		textOf(`#done p[role=status]`, &done),
	)
	if !strings.Contains(note, "Lessons with a video to cut: 1.") {
		t.Errorf("upload's note %q", note)
	}
	if !strings.Contains(running, "clip 2 of 4") {
		t.Errorf("while cutting: %q", running)
	}
	if done != "Version 2 published: learners see it from now on." {
		t.Errorf("when done: %q", done)
	}
}

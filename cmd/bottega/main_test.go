package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bottega-app/bottega/internal/logbuf"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// TestMain stops the test server of pgtest (see onTestServer) and removes
// the binary the tests built once they are over.
func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// dataDir returns a data directory that the postgres user can reach (test
// temp dirs are private to root).
func dataDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "bottega-cmd-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// onTestServer returns vars with a fresh data folder (BOTTEGA_DATA_DIR)
// and DATABASE_URL, a fresh empty database on the test server of pgtest,
// which the bot migrates as it would its own. It is for the tests whose
// subject is not the private cluster: starting a cluster takes seconds,
// creating a database on the shared server milliseconds. The tests of the
// private cluster, and of `bottega chat` with nothing configured, go
// without it.
func onTestServer(t *testing.T, vars map[string]string) map[string]string {
	t.Helper()
	return withDatabase(t, pgtest.EmptyDSN(t), vars)
}

// afterFirstStart is onTestServer with the database as the bot leaves it
// at its first start: migrated, the built-in lessons published and indexed
// by publishBuiltin. The bot still runs its whole start-up on it, and finds
// that done. It is for the tests of the bot at work, which need not pay
// the seconds of publishing the lessons each; the first start is tested on
// the private cluster and on onTestServer's empty databases.
func afterFirstStart(t *testing.T, vars map[string]string) map[string]string {
	t.Helper()
	return withDatabase(t, pgtest.SeededDSN(t, "builtin", seedBuiltin), vars)
}

// withDatabase returns vars with a fresh data folder (BOTTEGA_DATA_DIR)
// and DATABASE_URL dsn.
func withDatabase(t *testing.T, dsn string, vars map[string]string) map[string]string {
	t.Helper()
	env := map[string]string{"BOTTEGA_DATA_DIR": dataDir(t), "DATABASE_URL": dsn}
	for k, v := range vars {
		env[k] = v
	}
	return env
}

// seedBuiltin publishes the built-in lessons as the bot does at its first
// start.
func seedBuiltin(ctx context.Context, db *store.DB) error {
	return publishBuiltin(ctx, db, slog.New(slog.DiscardHandler))
}

func envFrom(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// chatOnce runs the terminal chat on the data folder dir, with its private
// cluster, on input; it returns the output, the log and the error.
func chatOnce(t *testing.T, dir, input string) (string, string, error) {
	t.Helper()
	return chatWith(t, map[string]string{"BOTTEGA_DATA_DIR": dir}, input)
}

// chatWith is chatOnce with the variables vars.
func chatWith(t *testing.T, vars map[string]string, input string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := run(ctx, []string{"chat"}, envFrom(vars), strings.NewReader(input), &out, &errb)
	return out.String(), errb.String(), err
}

// commandLine is one command line of a test, the exit code it must end with and
// a line its output (or error) must contain.
type commandLine struct {
	args []string
	code int
	want string
}

// runCommand runs c with env and stdin, and reports a wrong exit code or
// output. It returns the output and error, for further checks.
func runCommand(t *testing.T, env map[string]string, stdin string, c commandLine) (string, bool) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := run(ctx, c.args, envFrom(env), strings.NewReader(stdin), &out, &errb)
	if code := exitCode(err, io.Discard); code != c.code {
		t.Errorf("%v: exit %d (%v), want %d\n%s%s", c.args, code, err, c.code, out.String(), errb.String())
		return "", false
	}
	got := out.String()
	if err != nil {
		got += err.Error()
	}
	if !strings.Contains(got, c.want) {
		t.Errorf("%v: output lacks %q:\n%s", c.args, c.want, got)
	}
	return got, true
}

func TestChatRemembersTheLearner(t *testing.T) {
	dir := dataDir(t)
	out, stderr, err := chatOnce(t, dir, "/start\n1\n/help\n")
	if err != nil {
		t.Fatalf("first run: %v\nstderr: %s", err, stderr)
	}
	for _, want := range []string{"> /start", "Ciao", "   [1] ", "> /help", "/start"} {
		if !strings.Contains(out, want) {
			t.Errorf("first run output lacks %q:\n%s", want, out)
		}
	}
	first := firstReply(out)

	out2, stderr, err := chatOnce(t, dir, "/start\n")
	if err != nil {
		t.Fatalf("second run: %v\nstderr: %s", err, stderr)
	}
	if again := firstReply(out2); again == first || !strings.Contains(out2, "Che bello rivederti") {
		t.Errorf("returning learner greeted like a new one:\n%s", out2)
	}
}

// firstReply is the text between the first input echo and the next blank line.
func firstReply(out string) string {
	_, rest, _ := strings.Cut(out, "\n")
	reply, _, _ := strings.Cut(rest, "\n\n")
	return reply
}

func TestBadConfigurationExitsTwo(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown command", []string{"frobnicate"}, nil, "unknown command"},
		{"malformed database url", []string{"chat"}, map[string]string{"DATABASE_URL": "postgres://bad host:x/"}, "DATABASE_URL"},
		{"not a url", []string{"migrate"}, map[string]string{"DATABASE_URL": "localhost"}, "DATABASE_URL"},
		{"bad log level", []string{"chat"}, map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{"bad http addr", []string{"serve"}, map[string]string{"HTTP_ADDR": "8080"}, "HTTP_ADDR"},
		{"bad public url", []string{"serve"}, map[string]string{"BOTTEGA_PUBLIC_URL": "bottega.example.org"}, "BOTTEGA_PUBLIC_URL"},
		{"invite without sub-command", []string{"invite"}, nil, "create or list"},
		{"webhook without secret", []string{"serve"}, map[string]string{"TELEGRAM_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://example.org/hook"}, "TELEGRAM_WEBHOOK_SECRET"},
		{"bad flag", []string{"chat", "--nope"}, nil, "--help"},
		{"content without sub-command", []string{"content"}, nil, "needs a sub-command: validate, diff, publish"},
		{"whatsapp token alone", []string{"serve"}, map[string]string{"WHATSAPP_TOKEN": "x"}, "WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN missing"},
		{"http port out of range", []string{"serve"}, map[string]string{"HTTP_ADDR": "127.0.0.1:99999"}, "port from 1 to 65535"},
		{"bad sslmode", []string{"migrate"}, map[string]string{"DATABASE_URL": "postgres://u@localhost/x?sslmode=bogus"}, "sslmode"},
		{"unknown platform", []string{"broadcast", "-text", "x", "-platform", "fax"}, nil, "-platform must be telegram, whatsapp or console"},
		{"a flag of another sub-command", []string{"invite", "list", "-course", "x"}, nil, "-course"},
		{"negative quota", []string{"chat"}, map[string]string{"BOTTEGA_DAILY_QUESTIONS": "-3"}, "0 or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), tt.args, envFrom(tt.env), strings.NewReader(""), &out, &errb)
			var msg bytes.Buffer
			if code := exitCode(err, &msg); code != 2 {
				t.Fatalf("exit code = %d (err %v), want 2", code, err)
			}
			line := strings.TrimSpace(msg.String())
			if strings.Count(line, "\n") != 0 || !strings.Contains(line, tt.want) {
				t.Errorf("message = %q, want one line mentioning %q", line, tt.want)
			}
		})
	}
}

func TestSecretsStayOutOfErrors(t *testing.T) {
	var msg bytes.Buffer
	err := run(context.Background(), []string{"serve"}, envFrom(map[string]string{
		"TELEGRAM_TOKEN": "123456:SECRET-token value", "BOTTEGA_DATA_DIR": dataDir(t),
	}), strings.NewReader(""), io.Discard, io.Discard)
	exitCode(err, &msg)
	if strings.Contains(msg.String(), "SECRET") {
		t.Errorf("token leaked: %s", msg.String())
	}
}

func TestHelpForEachCommand(t *testing.T) {
	for _, c := range append(commands(), command{name: ""}) {
		args := []string{"--help"}
		if c.name != "" {
			args = []string{c.name, "--help"}
		}
		var out bytes.Buffer
		err := run(context.Background(), args, envFrom(nil), strings.NewReader(""), &out, io.Discard)
		if code := exitCode(err, io.Discard); code != 0 {
			t.Errorf("%v: exit %d (%v)", args, code, err)
		}
		if !strings.Contains(out.String(), "Usage") {
			t.Errorf("%v printed no usage:\n%s", args, out.String())
		}
	}
}

// TestSIGTERMShutsDownCleanly stops the real binary with SIGTERM: it exits 0
// and the private Postgres it started is stopped.
// TestSignalsShutDownCleanly: SIGTERM (a service manager) and SIGHUP (the
// terminal closed) stop the bot like Ctrl-C: exit 0, the private Postgres
// stopped.
func TestSignalsShutDownCleanly(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := dataDir(t)
			cmd, stdin, out := startChat(t, dir)
			defer stdin.Close()
			io.WriteString(stdin, "/start\n")
			waitFor(t, out, "Ciao")
			cmd.Process.Signal(sig)
			if err := cmd.Wait(); err != nil {
				t.Fatalf("exit after %v: %v\n%s", sig, err, out.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "pg", "postmaster.pid")); !os.IsNotExist(err) {
				t.Errorf("private postgres still running after shutdown (postmaster.pid: %v)", err)
			}
		})
	}
}

// startChat builds the binary and starts a chat on dir, its output collected.
func startChat(t *testing.T, dir string) (*exec.Cmd, io.WriteCloser, *logbuf.Buffer) {
	t.Helper()
	cmd := exec.Command(buildBinary(t), "chat")
	cmd.Env = append(os.Environ(), "BOTTEGA_DATA_DIR="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := &logbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stdin, out
}

// binary is the bottega binary the tests run. It is built once: each
// build takes seconds to link the same binary again.
var binary struct {
	once sync.Once
	dir  string // holds it; TestMain removes it
	path string
	err  error
}

// buildBinary returns the path of the bottega binary, built from this
// package on first use.
func buildBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		if binary.dir, binary.err = os.MkdirTemp("", "bottega-bin-"); binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "bottega")
		if out, err := exec.Command("go", "build", "-o", binary.path, ".").CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("%w\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatalf("build: %v", binary.err)
	}
	return binary.path
}

// TestSurvivesSIGKILL kills the real binary in the middle of a chat and
// starts it again on the same data directory: the private cluster recovers
// and nothing already answered is answered twice.
func TestSurvivesSIGKILL(t *testing.T) {
	dir := dataDir(t)
	cmd, stdin, out := startChat(t, dir)
	io.WriteString(stdin, "/start\n")
	waitFor(t, out, "Ciao")
	io.WriteString(stdin, "/help\n")
	waitFor(t, out, "> /help\n")
	// Killed before its reply is marked sent, /help would rightly be
	// answered again after the restart: wait until nothing is unsent.
	waitAllSentOn(t, dir, "console", 2)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	first := out.String()

	out2, stderr, err := chatOnce(t, dir, "/start\n")
	if err != nil {
		t.Fatalf("restart after SIGKILL: %v\nstderr: %s\nfirst run: %s", err, stderr, first)
	}
	if strings.Count(out2, "   [1] ") != 1 || !strings.Contains(out2, "Che bello rivederti") {
		t.Errorf("after restart want exactly one reply, a welcome back; got:\n%s", out2)
	}
}

func waitFor(t *testing.T, b *logbuf.Buffer, s string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if !b.Wait(ctx, s) {
		t.Fatalf("no %q in 3 minutes; output:\n%s", s, b.String())
	}
}

func TestContentPublishBrokenFolderChangesNothing(t *testing.T) {
	lessons := filepath.Join(t.TempDir(), "lessons")
	track := filepath.Join(lessons, "demo")
	os.MkdirAll(track, 0o755)
	os.WriteFile(filepath.Join(track, "track.yaml"), []byte("id: demo\norder: 1\nroles: [shopkeeper]\ntitle: {it: Demo, en: Demo}\nsummary: {it: Prova, en: Try}\n"), 0o644)
	os.WriteFile(filepath.Join(track, "01-x.yaml"), []byte("id: x\nlevel: expert\nbogus: 1\n"), 0o644)
	env := envFrom(onTestServer(t, nil))

	var out bytes.Buffer
	err := run(context.Background(), []string{"content", "publish", lessons}, env, strings.NewReader(""), &out, io.Discard)
	if code := exitCode(err, io.Discard); code != 2 {
		t.Fatalf("publish of a broken folder: exit %d (%v), want 2", code, err)
	}
	if !strings.Contains(out.String(), "01-x.yaml:3:") {
		t.Errorf("problems not reported as file:line: message:\n%s", out.String())
	}

	out.Reset()
	if err := run(context.Background(), []string{"content", "publish"}, env, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "version 1.") {
		t.Errorf("the broken publish left a version behind:\n%s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"content", "publish"}, env, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Nothing changed") {
		t.Errorf("second publish of the same files:\n%s", out.String())
	}
}

// Someone who comes with a question gets the answer before setting up:
// text that reads as a question is answered on the onboarding screens,
// which come back after it; a word typed instead of a button is not.
// TestREADMEPipedExample runs the README's piped example: each reply
// prints after its input and before the next input's, the answer to the
// question (made by a task after the update's commit) included.
func TestREADMEPipedExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "printf '")
	input, _, ok2 := strings.Cut(rest, "' | go run ./cmd/bottega chat")
	if !ok || !ok2 {
		t.Fatal("README has no piped example")
	}
	input = strings.ReplaceAll(input, `\n`, "\n")
	out, stderr, err := chatOnce(t, dataDir(t), input)
	if err != nil {
		t.Fatalf("chat: %v\nstderr: %s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(input), "\n")
	at := 0
	for i, line := range lines {
		echo := strings.Index(out[at:], "> "+line+"\n")
		if echo < 0 {
			t.Fatalf("input %q not echoed in order:\n%s", line, out)
		}
		at += echo + len(line) + 3
		end := len(out)
		if i+1 < len(lines) {
			end = at + strings.Index(out[at:], "> "+lines[i+1]+"\n")
		}
		reply := out[at:end]
		if strings.TrimSpace(reply) == "" {
			t.Errorf("no reply to %q before the next input:\n%s", line, out)
		}
		if strings.HasSuffix(line, "?") && !strings.Contains(reply, "Ecco cosa dicono le lezioni di Bottega") {
			t.Errorf("the answer to %q is not between it and the next input:\n%s", line, out)
		}
	}
}

func TestQuestionDuringOnboarding(t *testing.T) {
	vars := afterFirstStart(t, nil)
	out, stderr, err := chatWith(t, vars, "/start\ncome faccio una diretta dalla pagina del comune?\n")
	if err != nil {
		t.Fatalf("chat: %v\nstderr: %s", err, stderr)
	}
	answer := strings.Index(out, "Ecco cosa dicono le lezioni di Bottega")
	// The onboarding's question comes back without its greeting.
	back := strings.Index(out, "Quando vuoi, riprendiamo da qui.\n\nIn che lingua ti scrivo?")
	if answer < 0 || back < answer || !strings.Contains(out[answer:], "Dirette per consigli ed eventi") || strings.Count(out, "Ciao! 👋") != 1 {
		t.Errorf("want the answer, then the onboarding's question again:\n%s", out)
	}
	out, stderr, err = chatWith(t, vars, "boh\n")
	if err != nil {
		t.Fatalf("chat: %v\nstderr: %s", err, stderr)
	}
	if !strings.Contains(out, "Qui rispondi toccando un pulsante") || strings.Contains(out, "Ecco cosa dicono") {
		t.Errorf("a word typed during onboarding should ask for a button:\n%s", out)
	}
}

// TestChatExportIsSaved: /export in the terminal chat writes the file into
// the data folder, private to its owner, and says where without words of
// one language (the learner's may be any).
func TestChatExportIsSaved(t *testing.T) {
	vars := afterFirstStart(t, nil)
	dir := vars["BOTTEGA_DATA_DIR"]
	out, stderr, err := chatWith(t, vars, "/start\n/export\n")
	if err != nil {
		t.Fatalf("chat: %v\nstderr: %s", err, stderr)
	}
	path := filepath.Join(dir, "bottega-data.json")
	if !strings.Contains(out, "[📎 "+path+"]") || strings.Contains(out, "saved in") {
		t.Errorf("the output does not say where the export is (%s):\n%s", path, out)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("export not saved: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("export mode %v, want 0600", info.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(data) || !bytes.Contains(data, []byte(`"stored"`)) {
		t.Errorf("the saved export is not the learner's data:\n%.300s", data)
	}
}

// TestBannerInTheLearnersLanguage: the terminal chat's banner is in
// Italian for someone new, in the learner's language once known.
func TestBannerInTheLearnersLanguage(t *testing.T) {
	vars := afterFirstStart(t, nil)
	getenv := envFrom(vars)
	bannerNow := func() string {
		t.Helper()
		ctx := context.Background()
		cfg, err := loadConfig(getenv)
		if err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		a, err := newApp(ctx, env{getenv: getenv, stdin: strings.NewReader(""), stdout: &out, stderr: &errb, redact: newRedactor(getenv)}, cfg, true)
		if err != nil {
			t.Fatalf("%v\n%s", err, errb.String())
		}
		defer a.close()
		return banner(ctx, a, "")
	}
	if b := bannerNow(); !strings.Contains(b, "Scrivi /start") {
		t.Errorf("banner for someone new: %q", b)
	}
	if _, stderr, err := chatWith(t, vars, "/start\n2\n"); err != nil { // English
		t.Fatalf("chat: %v\n%s", err, stderr)
	}
	if b := bannerNow(); !strings.Contains(b, "Type /start") {
		t.Errorf("banner for an English speaker: %q", b)
	}
}

// TestChatSpeaksTheTerminalsLanguage: someone new whose terminal is in
// English (LANG=en_GB.UTF-8) is greeted in English, with English ticked at
// the language question, and the banner is in English; LC_ALL comes
// first; the C locale names no language, so the chat speaks Italian.
func TestChatSpeaksTheTerminalsLanguage(t *testing.T) {
	for _, tt := range []struct {
		env        map[string]string
		lang, want string
	}{
		{map[string]string{"LANG": "en_GB.UTF-8"}, "en_GB", "Hi! 👋"},
		{map[string]string{"LANG": "en_GB.UTF-8", "LC_ALL": "de_DE.UTF-8"}, "de_DE", "Hallo! 👋"},
		{map[string]string{"LANG": "C.UTF-8"}, "", "Ciao! 👋"},
	} {
		if got := terminalLang(envFrom(tt.env)); got != tt.lang {
			t.Errorf("terminalLang(%v) = %q, want %q", tt.env, got, tt.lang)
		}
		out, stderr, err := chatWith(t, afterFirstStart(t, tt.env), "/start\n")
		if err != nil {
			t.Fatalf("chat with %v: %v\n%s", tt.env, err, stderr)
		}
		if !strings.Contains(out, tt.want) {
			t.Errorf("chat with %v does not greet with %q:\n%s", tt.env, tt.want, out)
		}
	}
	getenv := envFrom(afterFirstStart(t, nil))
	cfg, err := loadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var out, errb bytes.Buffer
	a, err := newApp(ctx, env{getenv: getenv, stdin: strings.NewReader(""), stdout: &out, stderr: &errb, redact: newRedactor(getenv)}, cfg, true)
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	defer a.close()
	if b := banner(ctx, a, "en_GB"); !strings.Contains(b, "Type /start") {
		t.Errorf("banner for someone new in an English terminal: %q", b)
	}
}

// TestMakeRunSaysItIsBuilding: with an empty build cache, the first
// compile takes a minute; `make run` says so before it starts, so the
// terminal does not sit silent.
func TestMakeRunSaysItIsBuilding(t *testing.T) {
	mk, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	_, recipe, ok := strings.Cut(string(mk), "\nrun:")
	if !ok {
		t.Fatal("the Makefile has no run target")
	}
	echo, build := -1, -1
	for i, line := range strings.Split(recipe, "\n")[1:] {
		if !strings.HasPrefix(line, "\t") {
			break // the recipe ends
		}
		switch {
		case echo < 0 && strings.Contains(line, "echo"):
			echo = i
		case build < 0 && strings.Contains(line, " build "):
			build = i
		}
	}
	if build < 0 || echo < 0 || echo > build {
		t.Errorf("make run builds without saying so first (echo at line %d, build at %d):\n%s", echo, build, recipe)
	}
}

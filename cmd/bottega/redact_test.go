package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega/assistant/llmtest"
)

// TestLLMKeyStaysOutOfLogAndChat asks a question of an LLM server whose
// error quotes the Authorization header: the warning is logged, the learner
// gets an answer from the lessons, and neither shows the key.
func TestLLMKeyStaysOutOfLogAndChat(t *testing.T) {
	const key = "sk-proj-Zq9SECRETxKEY4711"
	llm := llmtest.New("unused")
	defer llm.Close()
	llm.SetMode(llmtest.EchoAuthorization)

	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := run(ctx, []string{"chat"}, envFrom(afterFirstStart(t, map[string]string{
		"OPENAI_API_KEY":  key,
		"OPENAI_BASE_URL": llm.URL(),
	})), strings.NewReader("/start\nCome rispondo a una recensione negativa su Google?\n"), &out, &errb)
	if err != nil {
		t.Fatalf("chat: %v\nstderr: %s", err, errb.String())
	}
	if len(llm.Requests()) == 0 {
		t.Fatalf("the question never reached the LLM server\nstdout: %s\nstderr: %s", out.String(), errb.String())
	}
	if !strings.Contains(errb.String(), "LLM failed") || !strings.Contains(errb.String(), redacted) {
		t.Errorf("the failure is not logged, or not redacted:\n%s", errb.String())
	}
	for name, s := range map[string]string{"log": errb.String(), "chat": out.String()} {
		if strings.Contains(s, "SECRETxKEY") {
			t.Errorf("the key is in the %s:\n%s", name, s)
		}
	}
}

// TestRedactorHidesEverySecret checks each configured secret, in the forms
// in which libraries quote them, in log records and in the error that run
// returns.
func TestRedactorHidesEverySecret(t *testing.T) {
	env := map[string]string{
		"OPENAI_API_KEY":          "sk-openai-secret-1",
		"TELEGRAM_TOKEN":          "123456:tg-secret-2",
		"TELEGRAM_WEBHOOK_SECRET": "hook-secret-3",
		"WHATSAPP_TOKEN":          "EAAG-wa-secret-4",
		"WHATSAPP_APP_SECRET":     "app-secret-5",
		"WHATSAPP_VERIFY_TOKEN":   "verify-secret-6",
		"DATABASE_URL":            "postgres://bottega:db%2Fsecret-7@db.example:5432/bottega",
	}
	mentions := []string{
		"Authorization: Bearer sk-openai-secret-1",
		"Post https://api.telegram.org/bot123456:tg-secret-2/getMe: timeout",
		"https://api.telegram.org/bot123456%3Atg-secret-2/getMe",
		`{"secret_token":"hook-secret-3"}`,
		"access_token=EAAG-wa-secret-4",
		"hmac key app-secret-5",
		"hub.verify_token=verify-secret-6",
		"dial postgres://bottega:db%2Fsecret-7@db.example:5432",
		"password authentication with db/secret-7",
	}
	r := newRedactor(envFrom(env))
	var buf bytes.Buffer
	log := slog.New(r.handler(slog.NewTextHandler(&buf, nil))).With("ctx", mentions[0])
	for _, m := range mentions {
		log.Warn("failed: "+m, "err", errors.New(m), "text", m, "any", []string{m},
			slog.Group("g", "err", fmt.Errorf("wrapped: %w", errors.New(m))))
	}
	if !strings.Contains(buf.String(), redacted) {
		t.Fatalf("nothing redacted:\n%s", buf.String())
	}
	for i := 1; i <= 7; i++ {
		if s := fmt.Sprintf("secret-%d", i); strings.Contains(buf.String(), s) {
			t.Errorf("%s in the log:\n%s", s, buf.String())
		}
	}

	// The error run returns, as exitCode prints it: the kind of error (and
	// so the exit code) is kept.
	err := r.err(usagef("bad value %q", "hook-secret-3"))
	var msg bytes.Buffer
	if code := exitCode(err, &msg); code != 2 || strings.Contains(msg.String(), "secret-3") {
		t.Errorf("exit %d, message %q", code, msg.String())
	}
}

// TestRedactorKeyValueDSN finds the password in a key=value DSN.
func TestRedactorKeyValueDSN(t *testing.T) {
	for dsn, pw := range map[string]string{
		"host=/run/pg user=b password=s3cr3t-pw dbname=b": "s3cr3t-pw",
		"host=db password='with space' dbname=b":          "with space",
		"postgres://u:p%40ss-word@h/db":                   "p@ss-word",
		"postgres://u@h/db":                               "",
	} {
		if got := dsnPassword(dsn); got != pw {
			t.Errorf("dsnPassword(%q) = %q, want %q", dsn, got, pw)
		}
	}
}

// TestRedactorShortSecret hides a short key ("x", as local model servers
// accept) where it stands alone, and leaves the words that contain it.
func TestRedactorShortSecret(t *testing.T) {
	r := newRedactor(envFrom(map[string]string{"OPENAI_API_KEY": "x", "DATABASE_URL": "postgres://u:pw@db/b"}))
	for in, want := range map[string]string{
		"context deadline exceeded":            "context deadline exceeded",
		"Authorization: Bearer x":              "Authorization: Bearer " + redacted,
		`{"key":"x"} x x x`:                    `{"key":"` + redacted + `"} ` + redacted + " " + redacted + " " + redacted,
		"dial postgres://u:pw@db/b: refused":   "dial postgres://u:" + redacted + "@db/b: refused",
		"pwned: a password without the secret": "pwned: a password without the secret",
	} {
		if got := r.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

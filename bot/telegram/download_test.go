package telegram_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
)

func TestDownload(t *testing.T) {
	fake := telegramtest.New(t)
	tr, err := telegram.New(context.Background(), telegram.Options{Token: telegramtest.Token, Endpoint: fake.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	want := []byte("id: reviews\nlevel: base\n")
	got, err := tr.Download(context.Background(), fake.AddFile("07-reviews.yaml", want))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("Download = %q, %v", got, err)
	}
	_, err = tr.Download(context.Background(), "no-such-file")
	if err == nil {
		t.Fatal("downloaded a file that does not exist")
	}
	if strings.Contains(err.Error(), telegramtest.Token) {
		t.Errorf("the error shows the token: %v", err)
	}
}

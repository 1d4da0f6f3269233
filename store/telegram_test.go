package store_test

import (
	"context"
	"testing"

	"github.com/bottega-app/bottega/store/pgtest"
)

func TestTelegramFileIDCache(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	const key = "photo:url:https://example.org/a.jpg"
	if id, err := db.TelegramFileID(ctx, key); err != nil || id != "" {
		t.Fatalf("empty cache = %q, %v", id, err)
	}
	for _, id := range []string{"AgAC-1", "AgAC-2"} {
		if err := db.SaveTelegramFileID(ctx, key, "photo", id); err != nil {
			t.Fatal(err)
		}
		if got, err := db.TelegramFileID(ctx, key); err != nil || got != id {
			t.Fatalf("cached = %q, %v; want %q", got, err, id)
		}
	}
	if err := db.ForgetTelegramFileID(ctx, key); err != nil {
		t.Fatal(err)
	}
	if id, _ := db.TelegramFileID(ctx, key); id != "" {
		t.Errorf("forgotten id still cached: %q", id)
	}
}

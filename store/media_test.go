package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/bottega-app/bottega/store/pgtest"
)

// A media id is kept per platform and key, with when it was uploaded; a
// new upload replaces it, and a forgotten one is gone.
func TestMediaIDs(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	const key = "video:123:clip-a1b2"
	if id, _, err := db.MediaID(ctx, "whatsapp", key); err != nil || id != "" {
		t.Fatalf("empty = %q, %v", id, err)
	}
	at := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	for i, id := range []string{"9001", "9002"} {
		when := at.Add(time.Duration(i) * time.Hour)
		if err := db.SaveMediaID(ctx, "whatsapp", key, "video", id, when); err != nil {
			t.Fatal(err)
		}
		got, gotAt, err := db.MediaID(ctx, "whatsapp", key)
		if err != nil || got != id || !gotAt.Equal(when) {
			t.Fatalf("kept %q at %v (%v), want %q at %v", got, gotAt, err, id, when)
		}
	}
	if id, _, _ := db.MediaID(ctx, "telegram", key); id != "" {
		t.Errorf("another platform has the id %q", id)
	}
	if err := db.ForgetMediaID(ctx, "whatsapp", key); err != nil {
		t.Fatal(err)
	}
	if id, _, _ := db.MediaID(ctx, "whatsapp", key); id != "" {
		t.Errorf("forgotten id still kept: %q", id)
	}
}

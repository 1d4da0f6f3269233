package store_test

import (
	"context"
	"testing"

	"github.com/bottega-app/bottega/store/pgtest"
)

func TestMediaIDCache(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	const key = "photo:url:https://example.org/a.jpg"
	if id, err := db.MediaID(ctx, "telegram", key); err != nil || id != "" {
		t.Fatalf("empty cache = %q, %v", id, err)
	}
	for _, id := range []string{"AgAC-1", "AgAC-2"} {
		if err := db.SaveMediaID(ctx, "telegram", key, id); err != nil {
			t.Fatal(err)
		}
		if got, err := db.MediaID(ctx, "telegram", key); err != nil || got != id {
			t.Fatalf("cached = %q, %v; want %q", got, err, id)
		}
	}
	// Each platform has its own id for the same file.
	if id, err := db.MediaID(ctx, "whatsapp", key); err != nil || id != "" {
		t.Fatalf("another platform's id = %q, %v; want none", id, err)
	}
	if err := db.SaveMediaID(ctx, "whatsapp", key, "1029384756"); err != nil {
		t.Fatal(err)
	}
	if err := db.ForgetMediaID(ctx, "telegram", key); err != nil {
		t.Fatal(err)
	}
	if id, _ := db.MediaID(ctx, "telegram", key); id != "" {
		t.Errorf("forgotten id still cached: %q", id)
	}
	if id, _ := db.MediaID(ctx, "whatsapp", key); id != "1029384756" {
		t.Errorf("forgetting Telegram's id changed WhatsApp's: %q", id)
	}
}

// TestPlatformFilesKeepTelegramsCache: the file ids Telegram gave before
// the cache was keyed by platform are still used.
func TestPlatformFilesKeepTelegramsCache(t *testing.T) {
	db, raw := migrationBefore(t, "_platform_files.sql")
	ctx := context.Background()
	if _, err := raw.ExecContext(ctx, `INSERT INTO telegram_files (key, kind, file_id) VALUES ('video:url:https://example.org/v.mp4', 'video', 'BAAC-1')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if id, err := db.MediaID(ctx, "telegram", "video:url:https://example.org/v.mp4"); err != nil || id != "BAAC-1" {
		t.Errorf("Telegram's cached id after the migration = %q, %v; want BAAC-1", id, err)
	}
}

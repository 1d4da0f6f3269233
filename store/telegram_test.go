package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

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

func TestLateRecordSkipsDuplicates(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	// A redelivery handled while the first delivery holds the chat's lock:
	// its check cannot see the row yet, its record must.
	second := make(chan error, 1)
	err := db.InTx(ctx, func(tx context.Context) error {
		seen, err := db.LockAndCheckUpdate(tx, "test", 9, "c9")
		if err != nil || seen {
			t.Fatalf("first check = %v, %v", seen, err)
		}
		go func() {
			second <- db.InTx(ctx, func(ctx context.Context) error {
				if _, err := db.LockAndCheckUpdate(ctx, "test", 9, "c9"); err != nil {
					return err
				}
				fresh, err := db.RecordUpdateReplies(ctx, "test", 9, "c9", []byte(`[{"text":"twice"}]`))
				if err == nil && fresh {
					t.Error("the redelivery was recorded")
				}
				return err
			})
		}()
		time.Sleep(50 * time.Millisecond) // the second waits for the lock
		fresh, err := db.RecordUpdateReplies(tx, "test", 9, "c9", []byte(`[{"text":"once"}]`))
		if err == nil && !fresh {
			t.Error("the first delivery was not recorded")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(ctx context.Context) error {
		seen, err := db.LockAndCheckUpdate(ctx, "test", 9, "c9")
		if err == nil && !seen {
			t.Error("a later redelivery is not seen")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var replies []string
	err = db.Unsent(ctx, "test", func(id int64, chat string, b []byte) error {
		replies = append(replies, string(b))
		return nil
	})
	if err != nil || len(replies) != 1 || !strings.Contains(replies[0], "once") {
		t.Errorf("unsent = %q, %v; want the first delivery's replies", replies, err)
	}
}

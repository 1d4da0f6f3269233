package store_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"regexp"
	"testing"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// TestDraftsOfEqualIdsOnTwoPlatforms: a Telegram user and a WhatsApp user
// with the same id are two people; the draft one of them uploaded is in
// their /export only, and goes with their /delete only.
func TestDraftsOfEqualIdsOnTwoPlatforms(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	svc := &store.Publishing{DB: db, Library: store.NewLibrary(db, 0)}
	if _, err := svc.Publish(ctx, builtin(t), bottega.Origin{Source: "built-in", Builtin: true}); err != nil {
		t.Fatal(err)
	}
	src, err := fs.ReadFile(content.BuiltinFS(), "curriculum/bottega-digitale/07-reviews.yaml")
	if err != nil {
		t.Fatal(err)
	}
	changed := regexp.MustCompile(`(?m)^minutes: \d+$`).ReplaceAll(src, []byte("minutes: 19"))
	const id = "393331234567"
	tg, _, err := db.EnsureLearner(ctx, "telegram", id, id, "Tina", "it")
	if err != nil {
		t.Fatal(err)
	}
	wa, _, err := db.EnsureLearner(ctx, "whatsapp", id, id, "Walter", "it")
	if err != nil {
		t.Fatal(err)
	}
	d, err := svc.CheckUpload(ctx, bottega.Upload{Name: "07-reviews.yaml", Data: changed, Platform: "telegram", By: id})
	if err != nil || d.ID == 0 {
		t.Fatalf("upload: %+v, %v", d, err)
	}
	drafts := func(learner int64) int {
		t.Helper()
		data, err := db.LearnerData(ctx, learner)
		if err != nil {
			t.Fatal(err)
		}
		var rows []json.RawMessage
		if err := json.Unmarshal(data["curriculum_drafts"], &rows); err != nil {
			t.Fatal(err)
		}
		return len(rows)
	}
	if n, m := drafts(tg.ID), drafts(wa.ID); n != 1 || m != 0 {
		t.Errorf("exports: %d drafts for the Telegram user who uploaded it, %d for the WhatsApp user with the same id; want 1 and 0", n, m)
	}
	if err := db.DeleteLearner(ctx, wa.ID); err != nil {
		t.Fatal(err)
	}
	if n := drafts(tg.ID); n != 1 {
		t.Fatalf("the WhatsApp user's /delete took the Telegram user's draft (%d left)", n)
	}
	if err := db.DeleteLearner(ctx, tg.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PublishDraft(ctx, d.ID, id); bottega.ErrorCode(err) != bottega.ENOTFOUND {
		t.Errorf("the uploader's /delete left their draft: publishing it gave %v", err)
	}
}

// TestDraftPlatformKeepsTodaysDrafts: drafts kept before they had a
// platform get the one their uploader could have been on: the terminal
// chat's user, or else Telegram.
func TestDraftPlatformKeepsTodaysDrafts(t *testing.T) {
	db, raw := migrationBefore(t, "_draft_platform.sql")
	ctx := context.Background()
	_, err := raw.ExecContext(ctx, `
		INSERT INTO learners (platform, external_id, chat_id) VALUES ('telegram', '7', '7'), ('console', 'local', 'local');
		INSERT INTO curriculum_drafts (base, source, created_by, body) VALUES
			(1, 'upload by 7: a.yaml', '7', '{}'),
			(1, 'upload by local: b.yaml', 'local', '{}'),
			(1, 'c.yaml', '', '{}'),
			(1, 'upload by 8: d.yaml', '8', '{}')`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := raw.QueryContext(ctx, `SELECT created_by, platform FROM curriculum_drafts ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got [][2]string
	for rows.Next() {
		var by, platform string
		if err := rows.Scan(&by, &platform); err != nil {
			t.Fatal(err)
		}
		got = append(got, [2]string{by, platform})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"7", "telegram"}, {"local", "console"}, {"", ""}, {"8", "telegram"}}
	if len(got) != len(want) {
		t.Fatalf("drafts after the migration: %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("draft by %q: platform %q, want %q", got[i][0], got[i][1], want[i][1])
		}
	}
}

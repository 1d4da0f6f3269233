package store_test

import (
	"context"
	"io/fs"
	"regexp"
	"testing"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// TestPublishingService checks an upload, publishes its draft once, refuses
// a draft made stale by another publish and rolls back.
func TestPublishingService(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	published := 0
	svc := &store.Publishing{DB: db, Library: store.NewLibrary(db, 0), Published: func(context.Context, *content.Curriculum) { published++ }}
	first, err := svc.Publish(ctx, builtin(t), bottega.Origin{Source: "built-in", Builtin: true})
	if err != nil || !first.Created {
		t.Fatalf("first publish: %+v, %v", first, err)
	}
	src, err := fs.ReadFile(content.BuiltinFS(), "curriculum/bottega-digitale/07-reviews.yaml")
	if err != nil {
		t.Fatal(err)
	}
	changed := regexp.MustCompile(`(?m)^minutes: \d+$`).ReplaceAll(src, []byte("minutes: 19"))

	// The same file changes nothing and keeps no draft.
	d, err := svc.CheckUpload(ctx, bottega.Upload{Name: "07-reviews.yaml", Data: src, By: "42"})
	if err != nil || !d.Same || d.ID != 0 || len(d.Problems) > 0 {
		t.Fatalf("unchanged upload: %+v, %v", d, err)
	}
	// A broken file has problems with lines, and no draft.
	d, err = svc.CheckUpload(ctx, bottega.Upload{Name: "07-reviews.yaml", Data: []byte("id: reviews\nlevel: expert\n")})
	if err != nil || len(d.Problems) == 0 || d.ID != 0 || d.Problems[0].Line == 0 {
		t.Fatalf("broken upload: %+v, %v", d.Problems, err)
	}
	// A file of another kind cannot be read at all.
	if _, err := svc.CheckUpload(ctx, bottega.Upload{Name: "notes.txt", Data: []byte("hi")}); bottega.ErrorCode(err) != bottega.EINVALID {
		t.Fatalf("a text file: %v", err)
	} else if key, _ := bottega.ErrorKey(err); key != bottega.UploadUnreadable {
		t.Fatalf("a text file: key %q", key)
	}
	d, err = svc.CheckUpload(ctx, bottega.Upload{Name: "07-reviews.yaml", Data: changed, By: "42"})
	if err != nil || d.ID == 0 || d.Base != first.Version || len(d.Changed) != 1 || d.Changed[0] != "reviews" || len(d.Added)+len(d.Removed) != 0 {
		t.Fatalf("changed upload: %+v, %v", d, err)
	}
	pub, err := svc.PublishDraft(ctx, d.ID, "42")
	if err != nil || !pub.Created || pub.Version != first.Version+1 || len(pub.Changed) != 1 {
		t.Fatalf("publish the draft: %+v, %v", pub, err)
	}
	if _, err := svc.PublishDraft(ctx, d.ID, "42"); bottega.ErrorCode(err) != bottega.ENOTFOUND {
		t.Errorf("the draft published twice: %v", err)
	}
	cur, v, err := svc.Library.Current(ctx)
	if err != nil || v != pub.Version || cur.Lesson("reviews").Minutes != 19 {
		t.Fatalf("current after publish: version %d, %v", v, err)
	}

	// A draft compared with a version that is no longer current is
	// refused: publishing it would undo the other publish.
	stale, err := svc.CheckUpload(ctx, bottega.Upload{Name: "07-reviews.yaml", Data: src})
	if err != nil || stale.ID == 0 {
		t.Fatalf("upload of the original: %+v, %v", stale, err)
	}
	other := builtin(t)
	other.Lesson("reviews").Minutes = 21
	if _, err := svc.Publish(ctx, other, bottega.Origin{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PublishDraft(ctx, stale.ID, "42"); bottega.ErrorCode(err) != bottega.ECONFLICT {
		t.Errorf("stale draft: %v", err)
	}

	// A curriculum with problems is refused and publishes nothing.
	bad := builtin(t)
	bad.Lesson("reviews").Level = "expert"
	if _, err := svc.Publish(ctx, bad, bottega.Origin{Source: "test"}); bottega.ErrorCode(err) != bottega.EINVALID {
		t.Errorf("a curriculum with problems: %v", err)
	}

	// Rolling back publishes the first version again, as a new one.
	rb, err := svc.Rollback(ctx, first.Version, "42")
	if err != nil || !rb.Created || rb.Version != first.Version+3 || len(rb.Changed) != 1 {
		t.Fatalf("rollback: %+v, %v", rb, err)
	}
	if _, err := svc.Rollback(ctx, 999, "42"); bottega.ErrorCode(err) != bottega.ENOTFOUND {
		t.Errorf("rollback to no version: %v", err)
	}
	vs, err := svc.Versions(ctx, 10)
	if err != nil || len(vs) != 4 || vs[0].ID != rb.Version || vs[0].Source != "rollback to version 1 by 42" || vs[0].Builtin || vs[0].Lessons != len(builtin(t).Lessons()) {
		t.Fatalf("versions: %+v, %v", vs, err)
	}
	if vs[0].Hash != vs[3].Hash || vs[2].Changed[0] != "reviews" {
		t.Errorf("versions' hashes or changes: %+v", vs)
	}
	if published != 4 {
		t.Errorf("Published ran %d times, want 4", published)
	}
	if _, err := svc.Version(ctx, 999); bottega.ErrorCode(err) != bottega.ENOTFOUND {
		t.Errorf("version 999: %v", err)
	}
}

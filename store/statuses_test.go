package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// TestDeliveryStatuses: statuses in any order, repeated, read without
// delivered, and one that comes before the delivery records its message id:
// the broadcast's receipts count each message once.
func TestDeliveryStatuses(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	consent := time.Now() // broadcasts go only to learners who gave consent
	for _, u := range []string{"391", "392", "393"} {
		l, _, err := db.EnsureLearner(ctx, "whatsapp", u, u, "", "it")
		if err != nil {
			t.Fatal(err)
		}
		l.ConsentAt = &consent
		if err := db.UpdateLearner(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	b, err := db.CreateBroadcast(ctx, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "Ciao", CreatedBy: "admin"}, bottega.Audience{Platform: "whatsapp"})
	if err != nil || b.Total != 3 {
		t.Fatalf("broadcast: %+v %v", b, err)
	}
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	// The first message's statuses come before its delivery is finished.
	if err := db.RecordDeliveryStatus(ctx, "whatsapp", "wamid.A", "read", at, 0); err != nil {
		t.Fatal(err)
	}
	ds, err := db.ClaimDeliveries(ctx, "whatsapp", "me", 10, time.Minute)
	if err != nil || len(ds) != 3 {
		t.Fatalf("claim: %d %v", len(ds), err)
	}
	for i, d := range ds {
		if ok, err := db.StartDelivery(ctx, d.ID, "me"); !ok || err != nil {
			t.Fatalf("start: %v %v", ok, err)
		}
		id := []string{"wamid.A", "wamid.B", "wamid.C"}[i]
		if err := db.FinishDelivery(ctx, d.ID, bottega.DeliveryResult{Status: bottega.DeliverySent, MessageID: id}); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []struct {
		id, status string
		code       int
	}{
		{"wamid.A", "delivered", 0}, {"wamid.A", "read", 0}, {"wamid.B", "sent", 0}, {"wamid.B", "delivered", 0},
		{"wamid.B", "delivered", 0}, {"wamid.C", "failed", 131026}, {"wamid.other", "read", 0},
	} {
		if err := db.RecordDeliveryStatus(ctx, "whatsapp", s.id, s.status, at, s.code); err != nil {
			t.Fatal(err)
		}
	}
	r, err := db.DeliveryReceipts(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r != (store.Receipts{Delivered: 2, Read: 1, Failed: 1}) {
		t.Fatalf("receipts = %+v, want 2 delivered, 1 read, 1 failed", r)
	}
}

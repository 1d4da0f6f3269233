package store_test

import (
	"context"
	"testing"

	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

func TestSenderLockIsHeldByOneProcessAndLeavesNoSessionState(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	open := func() *store.DB {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	a.SetMaxConns(1) // the lock's connection is the one checked below
	lock, ok, err := a.LockSender(ctx, "test")
	if err != nil || !ok {
		t.Fatalf("first lock = %v, %v", ok, err)
	}
	// A cancelled context does not take the lock away.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := lock.Alive(cctx); err != nil {
		t.Fatalf("alive = %v", err)
	}
	if _, ok, err := b.LockSender(ctx, "test"); err != nil || ok {
		t.Fatalf("second process took the lock: %v, %v", ok, err)
	}
	if l, ok, err := b.LockSender(ctx, "other"); err != nil || !ok {
		t.Fatalf("another platform's lock = %v, %v", ok, err)
	} else {
		l.Release()
	}
	lock.Release()
	st, err := store.SessionStateOf(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if st != (store.SessionState{}) {
		t.Errorf("after release, the session keeps %+v", st)
	}
	lock, ok, err = b.LockSender(ctx, "test")
	if err != nil || !ok {
		t.Fatalf("lock after release = %v, %v", ok, err)
	}
	lock.Release()
}

package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// saveState is an update's handling in these tests: it sets the learner's
// state to text and replies with it.
func saveState(ctx context.Context, user, text string) func(a any) ([]byte, error) {
	return func(a any) ([]byte, error) {
		tx := a.(*store.Tx)
		l, _, _, err := tx.EnsureLearnerState(ctx, "test", user, user, "", "it")
		if err != nil {
			return nil, err
		}
		if err := tx.SaveState(ctx, l.ID, []byte(`"`+text+`"`)); err != nil {
			return nil, err
		}
		return []byte(`[{"text":"` + text + `"}]`), nil
	}
}

func stateOf(t *testing.T, db *store.DB, user string) string {
	t.Helper()
	_, _, st, err := db.EnsureLearnerState(context.Background(), "test", user, user, "", "it")
	if err != nil {
		t.Fatal(err)
	}
	return string(st)
}

func unsent(t *testing.T, db *store.DB) []string {
	t.Helper()
	var out []string
	err := db.Unsent(context.Background(), "test", func(_ string, _ string, b []byte) error {
		out = append(out, string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestUpdateTxHandlesAnUpdateOnce(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	seen, err := db.UpdateTx(ctx, "test", "1", "c1", "c1", saveState(ctx, "c1", "first"))
	if err != nil || seen {
		t.Fatalf("first delivery = %v, %v", seen, err)
	}
	called := false
	seen, err = db.UpdateTx(ctx, "test", "1", "c1", "c1", func(any) ([]byte, error) {
		called = true
		return nil, nil
	})
	if err != nil || !seen || called {
		t.Fatalf("redelivery = seen %v, %v, handled %v; want seen, not handled", seen, err, called)
	}
	if got := stateOf(t, db, "c1"); got != `"first"` {
		t.Errorf("state = %s", got)
	}
	if got := unsent(t, db); len(got) != 1 || !strings.Contains(got[0], "first") {
		t.Errorf("unsent replies = %q", got)
	}
	// Text that would break a statement built by concatenation is stored
	// as is.
	odd := `it's a \ "test"`
	_, err = db.UpdateTx(ctx, "test", "2", "c'1", "c'1", func(any) ([]byte, error) {
		return []byte(`[{"text":"it's a \\ \"test\""}]`), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := unsent(t, db); len(got) != 2 || !strings.Contains(got[1], `it's a \\ \"test\"`) {
		t.Errorf("unsent replies = %q; want one with %q", got, odd)
	}
}

func TestUpdateTxRollsBackOnError(t *testing.T) {
	db := pgtest.New(t)
	db.SetMaxConns(1) // the next transaction gets the same connection
	ctx := context.Background()
	if _, err := db.UpdateTx(ctx, "test", "1", "c1", "c1", saveState(ctx, "c1", "kept")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	_, err := db.UpdateTx(ctx, "test", "2", "c1", "c1", func(a any) ([]byte, error) {
		if _, err := saveState(ctx, "c1", "lost")(a); err != nil {
			return nil, err
		}
		return nil, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	func() {
		defer func() {
			if p := recover(); p == nil {
				t.Error("the panic did not come through")
			}
		}()
		_, _ = db.UpdateTx(ctx, "test", "3", "c1", "c1", func(a any) ([]byte, error) {
			if _, err := saveState(ctx, "c1", "lost")(a); err != nil {
				return nil, err
			}
			panic("boom")
		})
	}()
	if got := stateOf(t, db, "c1"); got != `"kept"` {
		t.Errorf("state = %s, want the first update's", got)
	}
	// Neither failed update is recorded: redelivered, they are handled.
	for _, id := range []string{"2", "3"} {
		if seen, err := db.UpdateTx(ctx, "test", id, "c1", "c1", saveState(ctx, "c1", "again")); err != nil || seen {
			t.Fatalf("update %s delivered again = %v, %v", id, seen, err)
		}
	}
	if got := len(unsent(t, db)); got != 3 {
		t.Errorf("recorded updates = %d, want 3", got)
	}
}

func TestUpdateTxReadsAfterTheChatsLock(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := db.UpdateTx(ctx, "test", "1", "c1", "c1", saveState(ctx, "c1", "0")); err != nil {
		t.Fatal(err)
	}
	// The first update holds the chat while the second and a redelivery
	// of the first arrive: they must wait, then see what it committed.
	inside, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		_, err := db.UpdateTx(ctx, "test", "2", "c1", "c1", func(a any) ([]byte, error) {
			b, err := saveState(ctx, "c1", "2")(a)
			close(inside)
			<-release
			return b, err
		})
		first <- err
	}()
	<-inside
	type result struct {
		seen  bool
		state string
		err   error
	}
	second, again := make(chan result, 1), make(chan result, 1)
	go func() {
		var st string
		seen, err := db.UpdateTx(ctx, "test", "3", "c1", "c1", func(a any) ([]byte, error) {
			tx := a.(*store.Tx)
			_, _, b, err := tx.EnsureLearnerState(ctx, "test", "c1", "c1", "", "it")
			st = string(b)
			return []byte(`[]`), err
		})
		second <- result{seen, st, err}
	}()
	go func() {
		seen, err := db.UpdateTx(ctx, "test", "2", "c1", "c1", saveState(ctx, "c1", "twice"))
		again <- result{seen: seen, err: err}
	}()
	// Both wait for the chat's lock, so nothing more can happen until the
	// first update commits.
	waitForLockWaiters(t, db, 2)
	select {
	case r := <-second:
		t.Fatalf("the second update ran while the first held the chat: %+v", r)
	case r := <-again:
		t.Fatalf("the redelivery ran while the first held the chat: %+v", r)
	default:
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if r := <-second; r.err != nil || r.seen || r.state != `"2"` {
		t.Errorf("second update = %+v; want the state the first committed", r)
	}
	if r := <-again; r.err != nil || !r.seen {
		t.Errorf("redelivery = %+v; want seen", r)
	}
	if got := stateOf(t, db, "c1"); got != `"2"` {
		t.Errorf("state = %s", got)
	}
}

func TestEnsureLearnerStateInAnUpdateSeesItsWrites(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := db.UpdateTx(ctx, "test", "1", "c1", "c1", saveState(ctx, "c1", "old")); err != nil {
		t.Fatal(err)
	}
	l, _, _, err := db.EnsureLearnerState(ctx, "test", "c1", "c1", "", "it")
	if err != nil {
		t.Fatal(err)
	}
	var got string
	_, err = db.UpdateTx(ctx, "test", "2", "c1", "c1", func(a any) ([]byte, error) {
		tx := a.(*store.Tx)
		if err := tx.SaveState(ctx, l.ID, []byte(`"new"`)); err != nil {
			return nil, err
		}
		_, _, st, err := tx.EnsureLearnerState(ctx, "test", "c1", "c1", "", "it")
		got = string(st)
		return []byte(`[]`), err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != `"new"` {
		t.Errorf("state read after a write = %s, want the write's", got)
	}
	// A learner first seen inside an update is created there.
	_, err = db.UpdateTx(ctx, "test", "3", "c1", "c1", func(a any) ([]byte, error) {
		tx := a.(*store.Tx)
		l, created, _, err := tx.EnsureLearnerState(ctx, "test", "c2", "c2", "Ada", "en")
		if err == nil && (!created || l.Name != "Ada") {
			t.Errorf("another user = %+v, created %v", l, created)
		}
		return []byte(`[]`), err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUpdateTxLeavesNoSessionState(t *testing.T) {
	db := pgtest.New(t)
	db.SetMaxConns(1) // every statement below runs on the same session
	ctx := context.Background()
	if _, err := db.UpdateTx(ctx, "test", "1", "c1", "c1", saveState(ctx, "c1", "one")); err != nil {
		t.Fatal(err)
	}
	if seen, err := db.UpdateTx(ctx, "test", "1", "c1", "c1", saveState(ctx, "c1", "two")); err != nil || !seen {
		t.Fatalf("redelivery = %v, %v", seen, err)
	}
	_, _ = db.UpdateTx(ctx, "test", "2", "c1", "c1", func(any) ([]byte, error) {
		return nil, errors.New("boom")
	})
	st, err := store.SessionStateOf(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if st != (store.SessionState{}) {
		t.Errorf("after updates, the session keeps %+v; a transaction pooler would lose it", st)
	}
}

// waitForLockWaiters waits until n transactions of db's database wait for
// an advisory lock.
func waitForLockWaiters(t *testing.T, db *store.DB, n int) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		got, err := store.AdvisoryLockWaiters(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		if got == n {
			return
		}
		if got > n {
			t.Fatalf("%d transactions wait for an advisory lock, want %d", got, n)
		}
		<-tick.C
	}
}

// TestLongTextKeys: WhatsApp's message ids are text, and its business-scoped
// user ids (users without a phone number) may be 256 characters long.
func TestLongTextKeys(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	user := "IT." + strings.Repeat("bsuid0123456789", 17)[:253]
	const wamid = "wamid.HBgLMzkzNDcxMjM0NTY3FQIAEhggQTNGRjA0QzE2NkE0MkUyQjZCMzI3NkIwQjk4MEQyAA=="
	seen, err := db.UpdateTx(ctx, "whatsapp", wamid, user, user, func(a any) ([]byte, error) {
		tx := a.(*store.Tx)
		l, _, err := tx.EnsureLearner(ctx, "whatsapp", user, user, "Ada", "it")
		if err == nil && l.ExternalID != user {
			t.Errorf("learner's id = %q, want the 256 characters of %q", l.ExternalID, user)
		}
		return []byte(`[{"text":"ciao"}]`), err
	})
	if err != nil || seen {
		t.Fatalf("first delivery: seen %v, %v", seen, err)
	}
	seen, err = db.UpdateTx(ctx, "whatsapp", wamid, user, user, func(any) ([]byte, error) {
		t.Error("a redelivered update was handled again")
		return nil, nil
	})
	if err != nil || !seen {
		t.Fatalf("redelivery: seen %v, %v", seen, err)
	}
	var chats []string
	err = db.Unsent(ctx, "whatsapp", func(id, chat string, _ []byte) error {
		if id != wamid {
			t.Errorf("unsent update %q, want %q", id, wamid)
		}
		chats = append(chats, chat)
		return nil
	})
	if err != nil || len(chats) != 1 || chats[0] != user {
		t.Errorf("unsent = %q, %v; want the reply to the 256-character chat", chats, err)
	}
}

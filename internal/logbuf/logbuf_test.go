package logbuf

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestWaitSeesConcurrentWrites(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Fprintf(&b, "line %d\n", i)
		}()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := range 8 {
		if !b.Wait(ctx, fmt.Sprintf("line %d\n", i)) {
			t.Fatalf("line %d never came; got %q", i, b.String())
		}
	}
	wg.Wait()
}

func TestWaitGivesUpWhenTheContextEnds(t *testing.T) {
	var b Buffer
	_, _ = b.Write([]byte("something else"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if b.Wait(ctx, "never written") {
		t.Fatal("Wait reported a string that was never written")
	}
	if !b.Wait(ctx, "else") {
		t.Fatal("Wait missed a string already written")
	}
}

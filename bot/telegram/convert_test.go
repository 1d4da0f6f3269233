package telegram

import (
	"errors"
	"testing"
)

// TestPressAnsweredOnce: a button press is answered by the first reply
// that carries it, or when its update is done if none did, never twice;
// a failed update leaves it for the redelivery.
func TestPressAnsweredOnce(t *testing.T) {
	tr := &Transport{presses: map[string]*press{}}
	if known, first := tr.claim("old"); known || first {
		t.Error("a press from before a restart was claimed")
	}

	tr.pressing("a")
	if known, first := tr.claim("a"); !known || !first {
		t.Error("the first reply did not answer the press")
	}
	if known, first := tr.claim("a"); !known || first {
		t.Error("the second reply answered the press again")
	}
	if tr.pressed("a", nil) {
		t.Error("the press was answered again when done")
	}

	tr.pressing("b") // no reply carried it
	if tr.pressed("b", errors.New("database down")) {
		t.Error("a failed update's press was answered")
	}
	tr.pressing("b") // delivered again
	tr.pressing("b") // and once more, while in flight (webhook retry)
	if !tr.pressed("b", nil) {
		t.Error("a press without replies was not answered when done")
	}
	if tr.pressed("b", nil) {
		t.Error("the twice-delivered press was answered twice")
	}
	if len(tr.presses) != 0 {
		t.Errorf("%d presses left", len(tr.presses))
	}
}

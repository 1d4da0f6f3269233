package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoFakesInTheBinary keeps the fakes of remote services and the
// benchmarks out of the bot: they belong to tests and to bottega-bench.
func TestNoFakesInTheBinary(t *testing.T) {
	// go test puts its own GOROOT/bin first on the PATH, so this is the
	// go command that builds the test.
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("find the go command: %v", err)
	}
	out, err := exec.Command(goCmd, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list -deps listed only %d packages:\n%s", len(deps), out)
	}
	forbidden := []string{
		"github.com/bottega-app/bottega/bot/telegram/telegramtest",
		"github.com/bottega-app/bottega/bot/whatsapp/whatsapptest",
		"github.com/bottega-app/bottega/assistant/llmtest",
		"github.com/bottega-app/bottega/assistant/retrievalbench",
		"github.com/bottega-app/bottega/internal/poll",
		"net/http/httptest",
	}
	for _, p := range deps {
		for _, f := range forbidden {
			if p == f {
				t.Errorf("the bottega binary links %s", p)
			}
		}
	}
}

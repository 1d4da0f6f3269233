package main

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestWhatsAppConfirmWait(t *testing.T) {
	tests := []struct {
		value string
		want  time.Duration // 0: refused
	}{
		{"", time.Minute},
		{"90s", 90 * time.Second},
		{" 2m30s ", 150 * time.Second},
		{"1s", time.Second},
		{"24h", 24 * time.Hour},
		{"60", 0}, // a duration needs its unit
		{"soon", 0},
		{"0s", 0},
		{"-1m", 0},
		{"500ms", 0},
		{"25h", 0},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			c, err := loadConfig(envFrom(map[string]string{"WHATSAPP_CONFIRM_WAIT": tt.value}))
			if tt.want == 0 {
				if !errors.As(err, new(usageError)) || !strings.Contains(err.Error(), "WHATSAPP_CONFIRM_WAIT must be a duration") || !strings.Contains(err.Error(), strings.TrimSpace(tt.value)) {
					t.Errorf("err = %v, want a usage error that names the variable and the value", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.WhatsAppConfirmWait != tt.want {
				t.Errorf("WhatsAppConfirmWait = %v, want %v", c.WhatsAppConfirmWait, tt.want)
			}
		})
	}
}

// TestEveryVariableDocumented: each variable the configuration reads is in
// `bottega --help` and in README's configuration table.
func TestEveryVariableDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	table := string(readme)
	if i := strings.Index(table, "## Configuration"); i >= 0 {
		table = table[i:]
	}
	if i := strings.Index(table, "\n## "); i >= 0 {
		table = table[:i]
	}
	var read []string
	loadConfig(func(name string) string {
		read = append(read, name)
		return ""
	})
	if len(read) < 20 {
		t.Fatalf("the configuration read only %v", read)
	}
	for _, name := range read {
		if !strings.Contains(envHelp, name) {
			t.Errorf("%s is not in bottega --help", name)
		}
		if !strings.Contains(table, "`"+name+"`") {
			t.Errorf("%s is not in README's configuration table", name)
		}
	}
}

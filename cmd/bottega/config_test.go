package main

import (
	"errors"
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

package tg_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/broadcast"
	"github.com/bottega-app/bottega/broadcast/tg"
)

func TestClassify(t *testing.T) {
	wrap := func(e *telegram.Error) error { return fmt.Errorf("send to chat 1: %w", e) }
	tests := []struct {
		name  string
		err   error
		want  broadcast.Outcome
		after time.Duration
	}{
		{"429 waits retry_after", wrap(&telegram.Error{Code: 429, RetryAfter: 7 * time.Second}), broadcast.Retry, 7 * time.Second},
		{"429 without retry_after", wrap(&telegram.Error{Code: 429}), broadcast.Retry, time.Second},
		{"chat not found", wrap(&telegram.Error{Code: 400, Description: "Bad Request: chat not found"}), broadcast.Fail, 0},
		{"server error", wrap(&telegram.Error{Code: 502}), broadcast.Retry, 0},
		{"network error", wrap(&telegram.Error{Description: "connection refused"}), broadcast.Retry, 0},
		{"timeout may have arrived", wrap(&telegram.Error{Timeout: true}), broadcast.Uncertain, 0},
		{"cancelled send", fmt.Errorf("send: %w", context.Canceled), broadcast.Uncertain, 0},
		{"refused before any request", errors.New("telegram: chat id \"x\" is not a number"), broadcast.Fail, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, after := tg.Classify(tt.err)
			if got != tt.want || after != tt.after {
				t.Errorf("Classify = %v, %v; want %v, %v", got, after, tt.want, tt.after)
			}
		})
	}
}

package assistant

import (
	"context"
	"fmt"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bottega-app/bottega/store"
)

// UsageStore is what a Meter reads and writes (a *store.DB).
type UsageStore interface {
	AskUsed(ctx context.Context, learnerID int64, since time.Time) (store.AskQuota, error)
	RecordUsage(ctx context.Context, u store.AskUsage) error
}

// Meter counts the model calls made outside answers (a plain-language
// rewrite, a comment on a drill answer) in the learner's daily tokens, the
// same DailyTokens that bounds answers, so that no part of the chat lets a
// learner use the model without limit.
type Meter struct {
	DB    UsageStore
	Model string
	// DailyTokens is the learner's allowance per day, in their time zone;
	// 0 means no limit.
	DailyTokens int
	// Prices estimate the cost of each call (default DefaultPrices).
	Prices map[string]Price
	Clock  Clock
}

func (m *Meter) now() time.Time {
	if m.Clock == nil {
		return time.Now()
	}
	return m.Clock.Now()
}

// Spent reports whether the learner has used today's tokens, in the time
// zone tz.
func (m *Meter) Spent(ctx context.Context, learnerID int64, tz string) (bool, error) {
	if m.DailyTokens <= 0 {
		return false, nil
	}
	used, err := m.DB.AskUsed(ctx, learnerID, dayStart(m.now(), tz))
	if err != nil {
		return false, fmt.Errorf("meter: %w", err)
	}
	return used.Tokens >= m.DailyTokens, nil
}

// Record stores one call's usage under outcome (such as "rewrite"): the
// tokens the server reported, or an estimate from the texts when it
// reported none. A call that failed is recorded with what it reported
// using, usually nothing.
func (m *Meter) Record(ctx context.Context, learnerID int64, outcome string, req openai.ChatCompletionRequest, resp openai.ChatCompletionResponse, failed bool, latency time.Duration) error {
	var in, out int
	if failed {
		in, out = spentTokens(&resp.Usage)
	} else {
		reply := ""
		if len(resp.Choices) > 0 {
			reply = resp.Choices[0].Message.Content
		}
		in, out = tokens(req.Messages, reply, &resp.Usage)
	}
	prices := m.Prices
	if prices == nil {
		prices = DefaultPrices()
	}
	err := m.DB.RecordUsage(ctx, store.AskUsage{
		LearnerID: learnerID, Model: m.Model, Outcome: outcome,
		TokensIn: in, TokensOut: out, Latency: latency,
		CostUSD: cost(prices, m.Model, in, out), At: m.now(),
	})
	if err != nil {
		return fmt.Errorf("meter: %w", err)
	}
	return nil
}

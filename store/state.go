package store

import (
	"context"
	"fmt"
)

// LoadState returns the learner's conversation state (a JSON document owned
// by the flows), or nil if there is none.
func (s *DB) LoadState(ctx context.Context, learnerID int64) ([]byte, error) {
	var st []byte
	err := s.q.GetContext(ctx, &st, `SELECT state FROM conversation_state WHERE learner_id = $1`, learnerID)
	if err := notFound(err); err == ErrNotFound {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("load conversation state: %w", err)
	}
	return st, nil
}

// SaveState replaces the learner's conversation state.
func (s *DB) SaveState(ctx context.Context, learnerID int64, state []byte) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO conversation_state (learner_id, state, updated_at) VALUES ($1, $2, now())
		ON CONFLICT (learner_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
		learnerID, jsonArg(state))
	if err != nil {
		return fmt.Errorf("save conversation state: %w", err)
	}
	return nil
}

package store

import (
	"context"
	"fmt"

	"github.com/bottega-app/bottega"
)

const learnerCols = `id, platform, external_id, chat_id, name, locale, role, level, timezone, reminder, consent_at, created_at, updated_at, blocked_at`

// learnerColsL is learnerCols of the table aliased l.
const learnerColsL = `l.id, l.platform, l.external_id, l.chat_id, l.name, l.locale, l.role, l.level, l.timezone, l.reminder, l.consent_at, l.created_at, l.updated_at, l.blocked_at`

// EnsureLearner returns the learner known on platform by externalID, creating
// them (with locale and name) on first contact. created tells which. chatID
// is the learner's private chat with the bot, "" when they wrote in a group:
// bulk messages go only to learners with a chat.
func (s *DB) EnsureLearner(ctx context.Context, platform, externalID, chatID, name, locale string) (l bottega.Learner, created bool, err error) {
	q := s.q
	err = q.GetContext(ctx, &l, `SELECT `+learnerCols+` FROM learners WHERE platform = $1 AND external_id = $2`, platform, externalID)
	if err == nil {
		return l, false, nil
	}
	if notFound(err) != ErrNotFound {
		return l, false, fmt.Errorf("find learner: %w", err)
	}
	err = q.GetContext(ctx, &l, `
		INSERT INTO learners (platform, external_id, chat_id, name, locale)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (platform, external_id) DO UPDATE SET updated_at = learners.updated_at
		RETURNING `+learnerCols, platform, externalID, chatID, name, locale)
	if err != nil {
		return l, false, fmt.Errorf("create learner: %w", err)
	}
	return l, true, nil
}

// EnsureLearnerState is EnsureLearner that also returns the learner's
// conversation state (nil if none), in one round trip for a known learner:
// it runs on every update. A learner who had blocked the bot and writes
// again has unblocked it, so their blocked_at is cleared. A private chatID
// other than the one stored (a learner first seen in a group opens a
// private chat) becomes the learner's chat; "" (a group) leaves it alone.
func (s *DB) EnsureLearnerState(ctx context.Context, platform, externalID, chatID, name, locale string) (l bottega.Learner, created bool, state []byte, err error) {
	var row struct {
		bottega.Learner
		State []byte `db:"state"`
	}
	err = s.q.GetContext(ctx, &row, `
		SELECT `+learnerColsL+`, s.state
		FROM learners l LEFT JOIN conversation_state s ON s.learner_id = l.id
		WHERE l.platform = $1 AND l.external_id = $2`, platform, externalID)
	switch notFound(err) {
	case nil:
	case ErrNotFound:
		// First contact: rare, so the two statements of EnsureLearner do.
		l, created, err = s.EnsureLearner(ctx, platform, externalID, chatID, name, locale)
		if err != nil || created {
			return l, created, nil, err
		}
		// Created meanwhile by a concurrent transaction (another chat of the
		// same person): it may have a state by now.
		state, err = s.LoadState(ctx, l.ID)
		return l, false, state, err
	default:
		return l, false, nil, fmt.Errorf("find learner: %w", err)
	}
	l = row.Learner
	newChat := chatID != "" && chatID != l.ChatID
	if l.BlockedAt != nil || newChat {
		if !newChat {
			chatID = l.ChatID
		}
		if _, err := s.q.ExecContext(ctx, `UPDATE learners SET blocked_at = NULL, chat_id = $2 WHERE id = $1`, l.ID, chatID); err != nil {
			return l, false, nil, fmt.Errorf("update learner %d's chat: %w", l.ID, err)
		}
		l.BlockedAt, l.ChatID = nil, chatID
	}
	return l, false, row.State, nil
}

// Learner returns the learner with id.
func (s *DB) Learner(ctx context.Context, id int64) (bottega.Learner, error) {
	var l bottega.Learner
	err := s.q.GetContext(ctx, &l, `SELECT `+learnerCols+` FROM learners WHERE id = $1`, id)
	if err != nil {
		return l, fmt.Errorf("get learner %d: %w", id, notFound(err))
	}
	return l, nil
}

// LearnerLocale returns the language of the learner known on platform by
// externalID, "" when there is none.
func (s *DB) LearnerLocale(ctx context.Context, platform, externalID string) (string, error) {
	var locale []string
	err := s.q.SelectContext(ctx, &locale, `SELECT locale FROM learners WHERE platform = $1 AND external_id = $2`, platform, externalID)
	if err != nil {
		return "", fmt.Errorf("get learner's language: %w", err)
	}
	if len(locale) == 0 {
		return "", nil
	}
	return locale[0], nil
}

// UpdateLearner saves the learner's choices. Without consent (ConsentAt
// nil) their work, level and reminder time are not kept: the flows keep
// work and level in the conversation state, and no reminder goes out.
func (s *DB) UpdateLearner(ctx context.Context, l bottega.Learner) error {
	_, err := s.q.ExecContext(ctx, `
		UPDATE learners SET chat_id = $2, name = $3, locale = $4,
			role = CASE WHEN CAST($9 AS timestamptz) IS NULL THEN '' ELSE $5 END,
			level = CASE WHEN CAST($9 AS timestamptz) IS NULL THEN '' ELSE $6 END,
			timezone = $7,
			reminder = CASE WHEN CAST($9 AS timestamptz) IS NULL THEN '' ELSE $8 END,
			consent_at = $9, updated_at = now()
		WHERE id = $1`,
		l.ID, l.ChatID, l.Name, l.Locale, l.Role, l.Level, l.Timezone, l.Reminder, l.ConsentAt)
	if err != nil {
		return fmt.Errorf("update learner %d: %w", l.ID, err)
	}
	return nil
}

// MarkBlocked records that the learner blocked the bot, so nothing more is
// sent to them.
func (s *DB) MarkBlocked(ctx context.Context, platform, chatID string) error {
	_, err := s.q.ExecContext(ctx, `UPDATE learners SET blocked_at = now() WHERE platform = $1 AND chat_id = $2 AND blocked_at IS NULL`, platform, chatID)
	if err != nil {
		return fmt.Errorf("mark chat blocked: %w", err)
	}
	return nil
}

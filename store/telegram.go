package store

import (
	"context"
	"fmt"
)

// TelegramFileID returns the Telegram file_id cached for key, or "" if there
// is none.
func (s *DB) TelegramFileID(ctx context.Context, key string) (string, error) {
	var id string
	err := s.q(ctx).GetContext(ctx, &id, `SELECT file_id FROM telegram_files WHERE key = $1`, key)
	if err := notFound(err); err == ErrNotFound {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("get telegram file id: %w", err)
	}
	return id, nil
}

// SaveTelegramFileID caches the file_id Telegram gave the file named by key.
func (s *DB) SaveTelegramFileID(ctx context.Context, key, kind, fileID string) error {
	_, err := s.q(ctx).ExecContext(ctx, `
		INSERT INTO telegram_files (key, kind, file_id) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET kind = EXCLUDED.kind, file_id = EXCLUDED.file_id, created_at = now()`,
		key, kind, fileID)
	if err != nil {
		return fmt.Errorf("save telegram file id: %w", err)
	}
	return nil
}

// ForgetTelegramFileID drops a cached file_id that Telegram no longer accepts.
func (s *DB) ForgetTelegramFileID(ctx context.Context, key string) error {
	if _, err := s.q(ctx).ExecContext(ctx, `DELETE FROM telegram_files WHERE key = $1`, key); err != nil {
		return fmt.Errorf("forget telegram file id: %w", err)
	}
	return nil
}

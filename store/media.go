package store

import (
	"context"
	"fmt"
	"time"
)

// MediaID returns the id platform gave the file named by key, "" if there
// is none (see bot.MediaCache).
func (s *DB) MediaID(ctx context.Context, platform, key string) (string, error) {
	var id string
	err := s.q.GetContext(ctx, &id, `SELECT file_id FROM platform_files WHERE platform = $1 AND key = $2`, platform, key)
	if err := notFound(err); err == ErrNotFound {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("get %s file id: %w", platform, err)
	}
	return id, nil
}

// SaveMediaID caches the id platform gave the file named by key.
func (s *DB) SaveMediaID(ctx context.Context, platform, key, id string) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO platform_files (platform, key, file_id) VALUES ($1, $2, $3)
		ON CONFLICT (platform, key) DO UPDATE SET file_id = EXCLUDED.file_id, created_at = now()`,
		platform, key, id)
	if err != nil {
		return fmt.Errorf("save %s file id: %w", platform, err)
	}
	return nil
}

// ForgetMediaID drops a cached id that platform no longer accepts.
func (s *DB) ForgetMediaID(ctx context.Context, platform, key string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM platform_files WHERE platform = $1 AND key = $2`, platform, key); err != nil {
		return fmt.Errorf("forget %s file id: %w", platform, err)
	}
	return nil
}

// MediaUpload returns the id platform gave the upload named by key and when
// it was made, for platforms whose uploads expire (WhatsApp keeps them 30
// days); "" if there is none.
func (s *DB) MediaUpload(ctx context.Context, platform, key string) (string, time.Time, error) {
	var row struct {
		ID string    `db:"file_id"`
		At time.Time `db:"created_at"`
	}
	err := s.q.GetContext(ctx, &row, `SELECT file_id, created_at FROM platform_files WHERE platform = $1 AND key = $2`, platform, key)
	if err := notFound(err); err == ErrNotFound {
		return "", time.Time{}, nil
	} else if err != nil {
		return "", time.Time{}, fmt.Errorf("get %s upload: %w", platform, err)
	}
	return row.ID, row.At, nil
}

// SaveMediaUpload records the id platform gave the upload named by key,
// made at at.
func (s *DB) SaveMediaUpload(ctx context.Context, platform, key, id string, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO platform_files (platform, key, file_id, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (platform, key) DO UPDATE SET file_id = EXCLUDED.file_id, created_at = EXCLUDED.created_at`,
		platform, key, id, at)
	if err != nil {
		return fmt.Errorf("save %s upload: %w", platform, err)
	}
	return nil
}

package store

import (
	"context"
	"fmt"
	"time"
)

// MediaID returns the id platform gave the file named by key when it was
// uploaded, and when that was; "" if there is none.
func (s *DB) MediaID(ctx context.Context, platform, key string) (string, time.Time, error) {
	var row struct {
		ID string    `db:"media_id"`
		At time.Time `db:"created_at"`
	}
	err := s.q(ctx).GetContext(ctx, &row, `SELECT media_id, created_at FROM media_ids WHERE platform = $1 AND key = $2`, platform, key)
	if err := notFound(err); err == ErrNotFound {
		return "", time.Time{}, nil
	} else if err != nil {
		return "", time.Time{}, fmt.Errorf("get media id: %w", err)
	}
	return row.ID, row.At, nil
}

// SaveMediaID records the id platform gave the file named by key, uploaded
// at at.
func (s *DB) SaveMediaID(ctx context.Context, platform, key, kind, id string, at time.Time) error {
	_, err := s.q(ctx).ExecContext(ctx, `
		INSERT INTO media_ids (platform, key, kind, media_id, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (platform, key) DO UPDATE SET kind = EXCLUDED.kind, media_id = EXCLUDED.media_id, created_at = EXCLUDED.created_at`,
		platform, key, kind, id, at)
	if err != nil {
		return fmt.Errorf("save media id: %w", err)
	}
	return nil
}

// ForgetMediaID drops the id of a file that the platform no longer has.
func (s *DB) ForgetMediaID(ctx context.Context, platform, key string) error {
	if _, err := s.q(ctx).ExecContext(ctx, `DELETE FROM media_ids WHERE platform = $1 AND key = $2`, platform, key); err != nil {
		return fmt.Errorf("forget media id: %w", err)
	}
	return nil
}

package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/bottega-app/bottega"
)

// Broadcasts implements bottega.BroadcastService on the database, with the
// current curriculum to resolve tracks and check lessons; In gives one whose
// methods run in a transaction.
type Broadcasts struct {
	DB      *DB
	Library *Library
	// Wake, if set, tells the delivery worker that there is something new
	// to send (a broadcast started or resumed).
	Wake func()
}

var _ bottega.BroadcastService = (*Broadcasts)(nil)

// In returns the service with its methods running in tx.
func (s *Broadcasts) In(tx *Tx) *Broadcasts {
	c := *s
	c.DB = tx.DB
	return &c
}

// resolve checks a and fills in its tracks.
func (s *Broadcasts) resolve(ctx context.Context, a *bottega.Audience) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if len(a.Tracks) == 0 {
		a.TrackRoles, a.TrackLessons = nil, nil
		return nil
	}
	cur, _, err := s.Library.Current(ctx)
	if err != nil {
		return err
	}
	return a.ResolveTracks(cur)
}

// CountAudience implements bottega.BroadcastService.
func (s *Broadcasts) CountAudience(ctx context.Context, a bottega.Audience) (int, error) {
	if err := s.resolve(ctx, &a); err != nil {
		return 0, err
	}
	return s.DB.CountAudience(ctx, a)
}

// StartBroadcast implements bottega.BroadcastService.
func (s *Broadcasts) StartBroadcast(ctx context.Context, b bottega.Broadcast, a bottega.Audience) (bottega.Broadcast, error) {
	if err := s.resolve(ctx, &a); err != nil {
		return b, err
	}
	cur, _, err := s.Library.Current(ctx)
	if err != nil {
		return b, err
	}
	if err := b.Check(cur); err != nil {
		return b, err
	}
	if b.Rate <= 0 {
		return b, bottega.Errork(bottega.EINVALID, "broadcast_rate", nil, "a broadcast needs a rate above 0 messages per second")
	}
	out, err := s.DB.CreateBroadcast(ctx, b, a)
	if err != nil {
		return out, err
	}
	s.wake()
	return out, nil
}

func (s *Broadcasts) wake() {
	if s.Wake != nil {
		s.Wake()
	}
}

// SetBroadcastStatus implements bottega.BroadcastService.
func (s *Broadcasts) SetBroadcastStatus(ctx context.Context, id int64, status string) (bottega.BroadcastProgress, error) {
	from := bottega.BroadcastFrom(status)
	if from == nil {
		return bottega.BroadcastProgress{}, bottega.Errork(bottega.EINVALID, "broadcast_status", map[string]any{"Value": status}, "a broadcast cannot be set %s", status)
	}
	ok, err := s.DB.SetBroadcastStatus(ctx, id, status, from...)
	if err != nil {
		return bottega.BroadcastProgress{}, err
	}
	p, err := s.BroadcastProgress(ctx, id)
	if err != nil {
		return p, err
	}
	if !ok {
		return p, bottega.Errorf(bottega.ECONFLICT, "broadcast %d is %s", id, p.Status)
	}
	if status == bottega.BroadcastRunning {
		s.wake()
	}
	return p, nil
}

// BroadcastProgress implements bottega.BroadcastService.
func (s *Broadcasts) BroadcastProgress(ctx context.Context, id int64) (bottega.BroadcastProgress, error) {
	b, err := s.DB.Broadcast(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return bottega.BroadcastProgress{}, bottega.Errorf(bottega.ENOTFOUND, "no broadcast %d", id)
	} else if err != nil {
		return bottega.BroadcastProgress{}, err
	}
	c, err := s.DB.DeliveryCounts(ctx, id)
	if err != nil {
		return bottega.BroadcastProgress{}, err
	}
	return bottega.BroadcastProgress{Broadcast: b, Counts: c}, nil
}

// FindBroadcasts implements bottega.BroadcastService.
func (s *Broadcasts) FindBroadcasts(ctx context.Context, f bottega.BroadcastFilter) ([]bottega.BroadcastProgress, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var rows []struct {
		bottega.Broadcast
		bottega.DeliveryCounts
	}
	err := s.DB.q.SelectContext(ctx, &rows, `
		SELECT `+broadcastCols+`,
			COALESCE(c.pending, 0) AS pending, COALESCE(c.sending, 0) AS sending, COALESCE(c.sent, 0) AS sent,
			COALESCE(c.failed, 0) AS failed, COALESCE(c.blocked, 0) AS blocked,
			COALESCE(c.cancelled, 0) AS cancelled, COALESCE(c.uncertain, 0) AS uncertain
		FROM (
			SELECT * FROM broadcasts
			WHERE ($1 = '' OR platform = $1) AND (NOT $2 OR status IN ('running', 'paused'))
			ORDER BY id DESC LIMIT $3
		) b
		LEFT JOIN LATERAL (
			SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
				count(*) FILTER (WHERE status = 'sending') AS sending,
				count(*) FILTER (WHERE status = 'sent') AS sent,
				count(*) FILTER (WHERE status = 'failed') AS failed,
				count(*) FILTER (WHERE status = 'blocked') AS blocked,
				count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
				count(*) FILTER (WHERE status = 'uncertain') AS uncertain
			FROM deliveries d WHERE d.broadcast_id = b.id
		) c ON true
		ORDER BY b.id DESC`, f.Platform, f.Active, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list broadcasts: %w", err)
	}
	out := make([]bottega.BroadcastProgress, len(rows))
	for i, r := range rows {
		out[i] = bottega.BroadcastProgress{Broadcast: r.Broadcast, Counts: r.DeliveryCounts}
	}
	return out, nil
}

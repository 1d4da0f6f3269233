package web

import (
	"context"
	"sync"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
)

// maxVersions is how many decoded curriculum versions the console keeps.
const maxVersions = 4

// versionCache keeps the last curriculum versions read: a published
// version never changes, and reading one decodes the whole curriculum,
// which the Lessons pages would otherwise do on every request. The pages
// only read them.
type versionCache struct {
	mu   sync.Mutex
	byID map[int64]*content.Curriculum
	ids  []int64 // oldest first
}

// get returns version id, read through p when not kept.
func (vc *versionCache) get(ctx context.Context, p bottega.PublishService, id int64) (*content.Curriculum, error) {
	vc.mu.Lock()
	c, ok := vc.byID[id]
	vc.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := p.Version(ctx, id)
	if err != nil {
		return nil, err
	}
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if vc.byID == nil {
		vc.byID = map[int64]*content.Curriculum{}
	}
	if _, ok := vc.byID[id]; !ok {
		if len(vc.ids) == maxVersions {
			delete(vc.byID, vc.ids[0])
			vc.ids = vc.ids[1:]
		}
		vc.byID[id] = c
		vc.ids = append(vc.ids, id)
	}
	return vc.byID[id], nil
}

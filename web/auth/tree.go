package auth

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tillid/tillid/survey"
)

// UnitTreeTTL is how long a UnitTree trusts its copy of the organisation
// tree. A unit moved by another app instance is seen after at most this
// long; the instance that moves it calls Invalidate and sees it at once.
const UnitTreeTTL = 10 * time.Second

// UnitTree keeps a cheap in-memory copy of the organisation tree (parent
// links and codes) for scope checks on every request, reloaded from
// survey.Store.FindUnits when older than UnitTreeTTL or invalidated.
type UnitTree struct {
	survey *survey.Store
	now    func() time.Time

	mu       sync.Mutex
	snap     *UnitSnapshot
	loadedAt time.Time
}

// NewUnitTree returns a UnitTree reading units from ss.
func NewUnitTree(ss *survey.Store) *UnitTree {
	return &UnitTree{survey: ss, now: time.Now}
}

// UnitSnapshot is an immutable copy of the organisation tree.
type UnitSnapshot struct {
	parent map[int64]int64
	byCode map[string]int64
}

// Snapshot returns the current copy of the tree, loading it when stale.
func (t *UnitTree) Snapshot(ctx context.Context) (*UnitSnapshot, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.snap != nil && t.now().Sub(t.loadedAt) < UnitTreeTTL {
		return t.snap, nil
	}
	units, err := t.survey.FindUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("auth: load unit tree: %w", err)
	}
	snap := &UnitSnapshot{parent: make(map[int64]int64, len(units)), byCode: make(map[string]int64, len(units))}
	for _, u := range units {
		snap.byCode[u.Code] = u.ID
		if u.ParentID.Valid {
			snap.parent[u.ID] = u.ParentID.Int64
		}
	}
	t.snap, t.loadedAt = snap, t.now()
	return snap, nil
}

// Invalidate makes the next Snapshot reload the tree; call it after
// changing units.
func (t *UnitTree) Invalidate() {
	t.mu.Lock()
	t.snap = nil
	t.mu.Unlock()
}

// Ancestors returns the ids of the unit's ancestors, its parent first and
// the root last; none for a root or an unknown unit.
func (s *UnitSnapshot) Ancestors(id int64) []int64 {
	var as []int64
	for p, ok := s.parent[id]; ok && len(as) <= len(s.parent); p, ok = s.parent[p] {
		as = append(as, p)
	}
	return as
}

// IDByCode returns the id of the unit with code.
func (s *UnitSnapshot) IDByCode(code string) (int64, bool) {
	id, ok := s.byCode[code]
	return id, ok
}

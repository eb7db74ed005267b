package firestore

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/rostersync"
)

// Lease returns the sync lease as the database keeps it, and false when no
// one holds it, for `rollcall doctor`: a lease past its time was not
// released. One document read, outside any transaction.
func (s *Store) Lease(ctx context.Context) (_ rostersync.Lease, _ bool, err error) {
	defer s.explain(&err)
	snap, err := s.leaseDoc().Get(ctx)
	if d := s.diagnose(err); d != nil {
		return rostersync.Lease{}, false, fmt.Errorf("read %s/%s: %w", locksCollection, syncLockDoc, d)
	}
	if status.Code(err) == codes.NotFound {
		return rostersync.Lease{}, false, nil
	}
	if err != nil {
		return rostersync.Lease{}, false, fmt.Errorf("read %s/%s: %w", locksCollection, syncLockDoc, err)
	}
	var l leaseFields
	if err := snap.DataTo(&l); err != nil {
		return rostersync.Lease{}, false, fmt.Errorf("decode %s/%s: %w", locksCollection, syncLockDoc, err)
	}
	return rostersync.Lease(l), true, nil
}

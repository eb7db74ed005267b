package bolt

import (
	"context"

	"go.etcd.io/bbolt"

	"github.com/rollcall/rollcall/internal/rostersync"
)

// Lease returns the sync lease as the file keeps it, and false when no one
// holds it, for `rollcall doctor`: a lease past its time was not released.
func (s *Store) Lease(ctx context.Context) (rostersync.Lease, bool, error) {
	var l lease
	var found bool
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(metaBucket))
		if b == nil {
			return nil
		}
		var err error
		l, found, err = readLease(b)
		return err
	})
	if err != nil {
		return rostersync.Lease{}, false, err
	}
	return rostersync.Lease(l), found, nil
}

package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/rollcall/rollcall/internal/rostersync"
)

// AcquireLease takes the sync lease for holder until ttl has passed on the
// store's clock, as rostersync.TakeLease decides: ErrBusy while another
// holder's lease is unexpired. bbolt's file lock keeps other processes out;
// the lease keeps two syncs of one process apart.
func (s *Store) AcquireLease(ctx context.Context, holder string, ttl time.Duration) error {
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(metaBucket))
		held, found, err := readLease(b)
		if err != nil {
			return err
		}
		next, err := rostersync.TakeLease(held, found, holder, s.now(), ttl)
		if err != nil {
			return err
		}
		v, err := json.Marshal(next)
		if err != nil {
			return err
		}
		return b.Put([]byte(leaseKey), v)
	})
	if err != nil {
		return fmt.Errorf("acquire the sync lease: %w", err)
	}
	return nil
}

// ReleaseLease gives the sync lease up if holder still holds it; when the
// lease has gone to another holder (or nobody holds it) it does nothing.
func (s *Store) ReleaseLease(ctx context.Context, holder string) error {
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(metaBucket))
		held, found, err := readLease(b)
		if err != nil || !found || held.Holder != holder {
			return err
		}
		return b.Delete([]byte(leaseKey))
	})
	if err != nil {
		return fmt.Errorf("release the sync lease: %w", err)
	}
	return nil
}

// Lease returns the sync lease as the file keeps it, and false when no one
// holds it, for `rollcall doctor`: a lease past its time was not released.
func (s *Store) Lease(ctx context.Context) (l rostersync.Lease, found bool, err error) {
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		l, found, err = readLease(tx.Bucket([]byte(metaBucket)))
		return err
	})
	return l, found, err
}

// readLease returns the lease kept in the meta bucket b and true, or false
// when there is none.
func readLease(b *bbolt.Bucket) (rostersync.Lease, bool, error) {
	var l rostersync.Lease
	v := b.Get([]byte(leaseKey))
	if v == nil {
		return l, false, nil
	}
	if err := json.Unmarshal(v, &l); err != nil {
		return l, false, fmt.Errorf("%w: the sync lease cannot be read: %w", ErrCorrupt, err)
	}
	return l, true, nil
}

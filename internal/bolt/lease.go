package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/rollcall/rollcall/internal/rostersync"
)

// lease is the sync lease as the meta bucket keeps it, in JSON.
type lease struct {
	Holder     string    `json:"holder"`
	AcquiredAt time.Time `json:"acquired_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// AcquireLease takes the sync lease for holder until ttl has passed on the
// store's clock. It returns an error wrapping rostersync.ErrBusy while another
// holder's lease is unexpired; an expired lease is taken over, and holder
// re-acquiring its own lease extends it. A ttl that is not positive or an
// empty holder is an error. bbolt's file lock keeps other processes out;
// the lease keeps two syncs of one process apart.
func (s *Store) AcquireLease(ctx context.Context, holder string, ttl time.Duration) error {
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(metaBucket))
		held, found, err := readLease(b)
		if err != nil {
			return err
		}
		next, err := rostersync.TakeLease(rostersync.Lease(held), found, holder, s.now(), ttl)
		if err != nil {
			return err
		}
		v, err := json.Marshal(lease(next))
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
		if b := tx.Bucket([]byte(metaBucket)); b != nil {
			var held lease
			held, found, err = readLease(b)
			l = rostersync.Lease(held)
		}
		return err
	})
	if err != nil {
		return rostersync.Lease{}, false, err
	}
	return l, found, nil
}

// readLease returns the lease kept in the meta bucket b and true, or false
// when there is none.
func readLease(b *bbolt.Bucket) (lease, bool, error) {
	v := b.Get([]byte(leaseKey))
	if v == nil {
		return lease{}, false, nil
	}
	var l lease
	if err := json.Unmarshal(v, &l); err != nil {
		return lease{}, false, fmt.Errorf("%w: the sync lease cannot be read: %w", ErrCorrupt, err)
	}
	return l, true, nil
}

// voidDeadLease deletes the sync lease found in the file when Open has it:
// Open holds bbolt's file lock, which the system takes from a process when
// it dies, so that lease is a sync killed mid-run, and waiting out its
// expiry would refuse the next sync as "already running" with none running.
func voidDeadLease(tx *bbolt.Tx) error {
	return tx.Bucket([]byte(metaBucket)).Delete([]byte(leaseKey))
}

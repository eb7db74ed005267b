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
// empty holder is an error.
//
// bbolt's file lock already keeps other processes out of the file; the
// lease keeps two syncs of one process apart. A lease found in the file at
// Open is void (voidDeadLease).
func (s *Store) AcquireLease(ctx context.Context, holder string, ttl time.Duration) error {
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(metaBucket))
		now := s.now()
		held, found, err := readLease(b)
		if err != nil {
			return err
		}
		next, err := rostersync.TakeLease(rostersync.Lease(held), found, holder, now, ttl)
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

// voidDeadLease deletes the sync lease found in the file when it is opened.
// Open holds bbolt's exclusive file lock, which the operating system takes
// from a process when it dies, so whoever wrote that lease no longer has
// the file: it is a sync killed (or stopped before it could release)
// mid-run. Waiting out its expiry would only refuse the next sync as
// "already running" with nothing running.
func voidDeadLease(tx *bbolt.Tx) error {
	b := tx.Bucket([]byte(metaBucket))
	if b.Get([]byte(leaseKey)) == nil {
		return nil
	}
	return b.Delete([]byte(leaseKey))
}

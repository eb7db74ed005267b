package firestore

import (
	"context"
	"fmt"
	"time"

	gfs "cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/rostersync"
)

// leaseTxAttempts is how often a lease transaction is tried: more than the
// library's 5, so that instances racing for the lease end in ErrBusy rather
// than in an Aborted error.
const leaseTxAttempts = 20

// leaseFields is the locks/sync document.
type leaseFields struct {
	Holder     string    `firestore:"holder"`
	AcquiredAt time.Time `firestore:"acquired_at"`
	ExpiresAt  time.Time `firestore:"expires_at"`
}

// AcquireLease takes the sync lease for holder until ttl has passed, in a
// transaction, as rostersync.TakeLease decides.
//
// Expiry is decided by this process's clock (a transaction cannot read the
// server's); instances' clocks agree to well under a second, which a ttl of
// minutes leaves ample margin for.
func (s *Store) AcquireLease(ctx context.Context, holder string, ttl time.Duration) error {
	doc := s.leaseDoc()
	err := s.client.RunTransaction(ctx, func(_ context.Context, tx *gfs.Transaction) error {
		now := s.now()
		held, found, err := readLease(tx, doc)
		if err != nil {
			return err
		}
		next, err := rostersync.TakeLease(rostersync.Lease(held), found, holder, now, ttl)
		if err != nil {
			return err
		}
		return tx.Set(doc, leaseFields(next))
	}, gfs.MaxAttempts(leaseTxAttempts))
	if err != nil {
		return fmt.Errorf("acquire the sync lease: %w", s.diagnosed(err))
	}
	return nil
}

// ReleaseLease gives the sync lease up, in a transaction, if holder still
// holds it.
func (s *Store) ReleaseLease(ctx context.Context, holder string) error {
	doc := s.leaseDoc()
	err := s.client.RunTransaction(ctx, func(_ context.Context, tx *gfs.Transaction) error {
		held, found, err := readLease(tx, doc)
		if err != nil || !found || held.Holder != holder {
			return err
		}
		return tx.Delete(doc)
	}, gfs.MaxAttempts(leaseTxAttempts))
	if err != nil {
		return fmt.Errorf("release the sync lease: %w", err)
	}
	return nil
}

// readLease reads the lease document in tx, and false when there is none.
func readLease(tx *gfs.Transaction, doc *gfs.DocumentRef) (leaseFields, bool, error) {
	var l leaseFields
	snap, err := tx.Get(doc)
	if status.Code(err) == codes.NotFound {
		return l, false, nil
	}
	if err == nil {
		err = snap.DataTo(&l)
	}
	if err != nil {
		// Wrapped, not replaced: an Aborted read makes the library retry.
		return l, false, fmt.Errorf("read %s/%s: %w", locksCollection, syncLockDoc, err)
	}
	return l, true, nil
}

// Lease returns the sync lease as the database keeps it, and false when no
// one holds it, for `rollcall doctor`: one read, outside any transaction.
func (s *Store) Lease(ctx context.Context) (rostersync.Lease, bool, error) {
	var l leaseFields
	found, err := get(ctx, s.leaseDoc(), &l)
	if err != nil {
		return rostersync.Lease{}, false, fmt.Errorf("read %s/%s: %w", locksCollection, syncLockDoc, s.diagnosed(err))
	}
	return rostersync.Lease(l), found, nil
}

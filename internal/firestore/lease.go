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

// leaseTxAttempts is how often a lease transaction is tried. Instances
// racing for the lease can abort each other's transactions; each retry reads
// the lease again and, once one of them has taken it, ends in ErrBusy, so
// more attempts than the library's default (5) turn heavy contention into
// that clear answer rather than an Aborted error.
const leaseTxAttempts = 20

// leaseFields is the locks/sync document.
type leaseFields struct {
	Holder     string    `firestore:"holder"`
	AcquiredAt time.Time `firestore:"acquired_at"`
	ExpiresAt  time.Time `firestore:"expires_at"`
}

// AcquireLease takes the sync lease (the document locks/sync) for holder
// until ttl has passed, in a transaction: it returns an error wrapping
// rostersync.ErrBusy while another holder's lease is unexpired; an expired lease
// is taken over, and holder re-acquiring its own lease extends it. A ttl
// that is not positive or an empty holder is an error.
//
// Expiry is decided by the clock of the process that asks, not the
// server's: a transaction cannot compare against the server's time. The
// clocks of Cloud Run instances (and of any machine kept by NTP) agree to
// well under a second, so a ttl of minutes leaves ample margin; a lease
// ends at most that skew early or late.
func (s *Store) AcquireLease(ctx context.Context, holder string, ttl time.Duration) (err error) {
	defer s.explain(&err)
	doc := s.leaseDoc()
	err = s.client.RunTransaction(ctx, func(_ context.Context, tx *gfs.Transaction) error {
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
		return fmt.Errorf("acquire the sync lease: %w", err)
	}
	return nil
}

// ReleaseLease gives the sync lease up, in a transaction, if holder still
// holds it; when the lease has gone to another holder (or nobody holds it)
// it does nothing.
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

// readLease reads the lease document in tx and returns it and true, or
// false when there is none.
func readLease(tx *gfs.Transaction, doc *gfs.DocumentRef) (leaseFields, bool, error) {
	snap, err := tx.Get(doc)
	if status.Code(err) == codes.NotFound {
		return leaseFields{}, false, nil
	}
	if err != nil {
		// Returned as is (wrapped): an Aborted read is what makes the library
		// retry the transaction.
		return leaseFields{}, false, fmt.Errorf("read %s/%s: %w", locksCollection, syncLockDoc, err)
	}
	var l leaseFields
	if err := snap.DataTo(&l); err != nil {
		return leaseFields{}, false, fmt.Errorf("decode %s/%s: %w", locksCollection, syncLockDoc, err)
	}
	return l, true, nil
}

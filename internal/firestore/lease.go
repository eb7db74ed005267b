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

// leaseFields is the locks/sync document.
type leaseFields struct {
	Holder     string    `firestore:"holder"`
	AcquiredAt time.Time `firestore:"acquired_at"`
	ExpiresAt  time.Time `firestore:"expires_at"`
}

// AcquireLease takes the sync lease for holder until ttl has passed, in a
// transaction, as rostersync.TakeLease decides by this process's clock (a
// transaction cannot read the server's; instances' clocks agree to well
// under a second, ample margin for a ttl of minutes).
func (s *Store) AcquireLease(ctx context.Context, holder string, ttl time.Duration) error {
	err := s.leaseTx(ctx, func(tx *gfs.Transaction, doc *gfs.DocumentRef, held leaseFields, found bool) error {
		next, err := rostersync.TakeLease(rostersync.Lease(held), found, holder, s.now(), ttl)
		if err != nil {
			return err
		}
		return tx.Set(doc, leaseFields(next))
	})
	if err != nil {
		return fmt.Errorf("acquire the sync lease: %w", s.diagnosed(err))
	}
	return nil
}

// ReleaseLease gives the sync lease up, in a transaction, if holder still
// holds it.
func (s *Store) ReleaseLease(ctx context.Context, holder string) error {
	err := s.leaseTx(ctx, func(tx *gfs.Transaction, doc *gfs.DocumentRef, held leaseFields, found bool) error {
		if !found || held.Holder != holder {
			return nil
		}
		return tx.Delete(doc)
	})
	if err != nil {
		return fmt.Errorf("release the sync lease: %w", err)
	}
	return nil
}

// leaseTx runs change on the lease, as read, in a transaction tried 20
// times rather than the library's 5, so that instances racing for the
// lease end in rostersync.ErrBusy rather than in an Aborted error.
func (s *Store) leaseTx(ctx context.Context, change func(*gfs.Transaction, *gfs.DocumentRef, leaseFields, bool) error) error {
	doc := s.client.Doc(leaseDoc)
	return s.client.RunTransaction(ctx, func(_ context.Context, tx *gfs.Transaction) error {
		var held leaseFields
		snap, err := tx.Get(doc)
		found := status.Code(err) != codes.NotFound
		if err == nil {
			err = snap.DataTo(&held)
		}
		if found && err != nil {
			// Wrapped, not replaced: an Aborted read makes the library retry.
			return fmt.Errorf("read %s: %w", leaseDoc, err)
		}
		return change(tx, doc, held, found)
	}, gfs.MaxAttempts(20))
}

// Lease returns the sync lease as the database keeps it, and false when no
// one holds it, for `rollcall doctor`: one read, outside any transaction.
func (s *Store) Lease(ctx context.Context) (rostersync.Lease, bool, error) {
	var l leaseFields
	found, err := get(ctx, s.client.Doc(leaseDoc), &l)
	if err != nil {
		return rostersync.Lease{}, false, fmt.Errorf("read %s: %w", leaseDoc, s.diagnosed(err))
	}
	return rostersync.Lease(l), found, nil
}

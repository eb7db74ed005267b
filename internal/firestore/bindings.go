package firestore

import (
	"context"
	"errors"
	"fmt"
	"time"

	gfs "cloud.google.com/go/firestore"
	"google.golang.org/api/iterator"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/binding"
)

// bindingsCollection holds one document per bound Kakao user (contract,
// section 5): id = hex SHA-256 of the user id, fields phone, bound_at,
// expires_at. A TTL policy on expires_at may let Firestore delete the
// expired ones; the gate ignores them either way.
const bindingsCollection = "bindings"

// maxInValues is Firestore's limit on the values of one "in" filter.
const maxInValues = 30

var _ binding.Store = (*Store)(nil)

// bindingFields is a binding document.
type bindingFields struct {
	Phone     string    `firestore:"phone"`
	BoundAt   time.Time `firestore:"bound_at"`
	ExpiresAt time.Time `firestore:"expires_at"`
}

func (s *Store) bindingDoc(key string) (*gfs.DocumentRef, error) {
	if !binding.ValidKey(key) {
		return nil, binding.ErrBadKey
	}
	return s.client.Collection(bindingsCollection).Doc(key), nil
}

// PutBinding stores b under key, replacing any binding there, in a
// transaction that reads the employee with b.Phone: one more read per bind,
// so that a binding is never written for an employee a sync has just
// deleted (the transaction and the sync's deletion are serialized).
func (s *Store) PutBinding(ctx context.Context, key string, b binding.Binding) error {
	doc, err := s.bindingDoc(key)
	if err != nil {
		return fmt.Errorf("put a binding: %w", err)
	}
	employee, err := s.employeeDoc(b.Phone)
	if err != nil {
		return fmt.Errorf("put a binding: %w", binding.ErrNotEmployee)
	}
	err = s.client.RunTransaction(ctx, func(ctx context.Context, tx *gfs.Transaction) error {
		snap, err := tx.Get(employee)
		if status.Code(err) == codes.NotFound || (err == nil && !snap.Exists()) {
			return binding.ErrNotEmployee
		}
		if err != nil {
			return err
		}
		return tx.Set(doc, &bindingFields{Phone: b.Phone, BoundAt: b.BoundAt, ExpiresAt: b.ExpiresAt})
	})
	if err != nil {
		return fmt.Errorf("put a binding: %w", err)
	}
	return nil
}

// Binding returns the binding under key and true, or false when there is
// none. It reads one document.
func (s *Store) Binding(ctx context.Context, key string) (binding.Binding, bool, error) {
	doc, err := s.bindingDoc(key)
	if err != nil {
		return binding.Binding{}, false, fmt.Errorf("read a binding: %w", err)
	}
	snap, err := doc.Get(ctx)
	if status.Code(err) == codes.NotFound {
		return binding.Binding{}, false, nil
	}
	if err != nil {
		return binding.Binding{}, false, fmt.Errorf("read a binding: %w", err)
	}
	var f bindingFields
	if err := snap.DataTo(&f); err != nil {
		return binding.Binding{}, false, fmt.Errorf("read a binding: decode the stored document: %w", err)
	}
	return binding.Binding{Phone: f.Phone, BoundAt: f.BoundAt, ExpiresAt: f.ExpiresAt}, true, nil
}

// DeleteBinding removes the binding under key, if any.
func (s *Store) DeleteBinding(ctx context.Context, key string) error {
	doc, err := s.bindingDoc(key)
	if err != nil {
		return fmt.Errorf("delete a binding: %w", err)
	}
	if _, err := doc.Delete(ctx); err != nil {
		return fmt.Errorf("delete a binding: %w", err)
	}
	return nil
}

// deleteBindingsOf removes every binding to the phones: one query per 30
// phones (reading the matches' ids only, or one read when none match) and
// one write per binding deleted. Apply calls it before it deletes the
// employees, so that a crash in between leaves the employees for the next
// sync to delete again, bindings included; and after, for a binding that a
// bind made meanwhile.
func (s *Store) deleteBindingsOf(ctx context.Context, phones []string) error {
	var docs []*gfs.DocumentRef
	for start := 0; start < len(phones); start += maxInValues {
		chunk := phones[start:min(start+maxInValues, len(phones))]
		it := s.client.Collection(bindingsCollection).Where("phone", "in", chunk).Select().Documents(ctx)
		for {
			snap, err := it.Next()
			if errors.Is(err, iterator.Done) {
				break
			}
			if err != nil {
				it.Stop()
				return fmt.Errorf("find the bindings of %d deleted employees: %w", len(phones), err)
			}
			docs = append(docs, snap.Ref)
		}
		it.Stop()
	}
	for start := 0; start < len(docs); start += maxWritesPerCommit {
		chunk := docs[start:min(start+maxWritesPerCommit, len(docs))]
		err := s.client.RunTransaction(ctx, func(_ context.Context, tx *gfs.Transaction) error {
			for _, doc := range chunk {
				if err := tx.Delete(doc); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("delete %d bindings of deleted employees: %w", len(docs), err)
		}
	}
	return nil
}

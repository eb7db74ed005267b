package firestore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	gfs "cloud.google.com/go/firestore"
	"google.golang.org/api/iterator"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/roster"
)

// bindingsCollection holds one document per bound Kakao user (contract,
// section 5): id = hex SHA-256 of the user id, fields phone, person (who
// was verified: hashes, binding.PersonOf), bound_at, expires_at. A TTL policy on expires_at may let Firestore delete the
// expired ones; the gate ignores them either way.
const bindingsCollection = "bindings"

// maxInValues is Firestore's limit on the values of one "in" filter.
const maxInValues = 30

var _ binding.Store = (*Store)(nil)

// bindingFields is a binding document.
type bindingFields struct {
	Phone     string    `firestore:"phone"`
	Person    string    `firestore:"person"`
	BoundAt   time.Time `firestore:"bound_at"`
	ExpiresAt time.Time `firestore:"expires_at"`
}

func (s *Store) bindingDoc(key string) (*gfs.DocumentRef, error) {
	if !binding.ValidKey(key) {
		return nil, binding.ErrBadKey
	}
	return s.client.Collection(bindingsCollection).Doc(key), nil
}

// PutBinding stores b under key, replacing any binding there: one write
// in one round trip, with no read and no transaction. Nothing is checked
// against the employees: a bind racing the sync that deletes the employee
// may land after the sync deleted their bindings, and the gate refuses that
// binding anyway (its phone is not in the directory, or is another
// person's).
func (s *Store) PutBinding(ctx context.Context, key string, b binding.Binding) error {
	doc, err := s.bindingDoc(key)
	if err != nil {
		return fmt.Errorf("put a binding: %w", err)
	}
	_, err = doc.Set(ctx, &bindingFields{Phone: b.Phone, Person: b.Person, BoundAt: b.BoundAt, ExpiresAt: b.ExpiresAt})
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
	return binding.Binding{Phone: f.Phone, Person: f.Person, BoundAt: f.BoundAt, ExpiresAt: f.ExpiresAt}, true, nil
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

// revokeBindings removes every binding to a deleted phone and every
// binding to an updated employee's phone that is not to that person
// (binding.SamePerson), and returns how many it removed: one query per 30
// phones (reading the matches' phone and person only, or one read when
// none match) and one write per binding removed. Apply calls it before it
// writes the employees, so that a crash in between leaves the plan for the
// next sync to make again, bindings included; and after, for a binding
// that a bind made meanwhile.
func (s *Store) revokeBindings(ctx context.Context, deleted []string, updated []roster.Employee) (int, error) {
	gone := make(map[string]bool, len(deleted))
	phones := slices.Clone(deleted)
	for _, p := range deleted {
		gone[p] = true
	}
	now := make(map[string]roster.Employee, len(updated))
	for _, e := range updated {
		if !gone[e.Phone] {
			now[e.Phone] = e
			phones = append(phones, e.Phone)
		}
	}
	var docs []*gfs.DocumentRef
	for start := 0; start < len(phones); start += maxInValues {
		chunk := phones[start:min(start+maxInValues, len(phones))]
		it := s.client.Collection(bindingsCollection).Where("phone", "in", chunk).Select("phone", "person").Documents(ctx)
		for {
			snap, err := it.Next()
			if errors.Is(err, iterator.Done) {
				break
			}
			if err != nil {
				it.Stop()
				return 0, fmt.Errorf("find the bindings of %d deleted and %d updated employees: %w", len(deleted), len(now), err)
			}
			var f bindingFields
			if err := snap.DataTo(&f); err != nil {
				it.Stop()
				return 0, fmt.Errorf("read a binding: decode the stored document: %w", err)
			}
			if e, updated := now[f.Phone]; gone[f.Phone] || updated && !binding.SamePerson(f.Person, e) {
				docs = append(docs, snap.Ref)
			}
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
			return 0, fmt.Errorf("revoke %d bindings: %w", len(docs), err)
		}
	}
	return len(docs), nil
}

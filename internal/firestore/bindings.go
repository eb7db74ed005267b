package firestore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	gfs "cloud.google.com/go/firestore"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/roster"
)

// bindingsCollection holds one document per bound Kakao user (contract,
// section 5), its id the hex SHA-256 of the user id. A TTL policy on
// expires_at may delete the expired ones; the gate ignores them either way.
const bindingsCollection = "bindings"

// maxInValues is Firestore's limit on the values of one "in" filter.
const maxInValues = 30

var _ binding.Store = (*Store)(nil)

// bindingFields is a binding document; Person is binding.PersonOf's hash.
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

// PutBinding stores b under key, replacing any binding there: one write,
// no read. Nothing is checked against the employees: a bind that races the
// sync deleting the employee is refused by the gate, whose directory no
// longer has that person at the phone.
func (s *Store) PutBinding(ctx context.Context, key string, b binding.Binding) error {
	doc, err := s.bindingDoc(key)
	if err == nil {
		_, err = doc.Set(ctx, bindingFields(b))
	}
	if err != nil {
		return fmt.Errorf("put a binding: %w", err)
	}
	return nil
}

// Binding returns the binding under key and true, or false when there is
// none. It reads one document.
func (s *Store) Binding(ctx context.Context, key string) (binding.Binding, bool, error) {
	var f bindingFields
	found := false
	doc, err := s.bindingDoc(key)
	if err == nil {
		found, err = get(ctx, doc, &f)
	}
	if err != nil {
		return binding.Binding{}, false, fmt.Errorf("read a binding: %w", err)
	}
	return binding.Binding(f), found, nil
}

// DeleteBinding removes the binding under key, if any.
func (s *Store) DeleteBinding(ctx context.Context, key string) error {
	doc, err := s.bindingDoc(key)
	if err == nil {
		_, err = doc.Delete(ctx)
	}
	if err != nil {
		return fmt.Errorf("delete a binding: %w", err)
	}
	return nil
}

// revokeBindings removes every binding to a deleted phone and every
// binding to an updated employee's phone that is not to that person
// (binding.SamePerson), and returns how many it removed: one query per 30
// phones, reading the matches' phone and person only, and one write per
// binding removed.
func (s *Store) revokeBindings(ctx context.Context, deleted []string, updated []roster.Employee) (int, error) {
	now := make(map[string]*roster.Employee, len(deleted)+len(updated)) // nil: deleted
	for _, e := range updated {
		now[e.Phone] = &e
	}
	for _, phone := range deleted {
		now[phone] = nil
	}
	var revoke []op
	for chunk := range slices.Chunk(slices.Collect(maps.Keys(now)), maxInValues) {
		snaps, err := s.client.Collection(bindingsCollection).Where("phone", "in", chunk).Select("phone", "person").Documents(ctx).GetAll()
		if err != nil {
			return 0, fmt.Errorf("find the bindings of %d deleted and %d updated employees: %w", len(deleted), len(updated), err)
		}
		for _, snap := range snaps {
			var f bindingFields
			if err := snap.DataTo(&f); err != nil {
				return 0, fmt.Errorf("read a binding: decode the stored document: %w", err)
			}
			if e := now[f.Phone]; e == nil || !binding.SamePerson(f.Person, *e) {
				revoke = append(revoke, op{doc: snap.Ref})
			}
		}
	}
	for chunk := range slices.Chunk(revoke, maxWritesPerCommit) {
		if err := s.commit(ctx, chunk); err != nil {
			return 0, fmt.Errorf("revoke %d bindings: %w", len(revoke), err)
		}
	}
	return len(revoke), nil
}

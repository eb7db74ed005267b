package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/roster"
)

// bindingsBucket maps a binding key (the hex SHA-256 of a Kakao user id)
// to the binding's JSON. It has no index by phone: every bind would write
// it too, and binds are the skills' path, while the scan a sync with
// leavers makes instead is local and rare.
const bindingsBucket = "bindings"

var _ binding.Store = (*Store)(nil)

// bindingRecord is a stored binding, in the contract's field names.
type bindingRecord struct {
	Phone     string    `json:"phone"`
	Person    string    `json:"person"`
	BoundAt   time.Time `json:"bound_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PutBinding stores b under key, replacing any binding there, and returns
// once the commit that holds it is synced to disk. Concurrent binds share
// that commit (groupCommit): a bind waits for at most the commit in flight
// and its own, never for a fixed window.
func (s *Store) PutBinding(ctx context.Context, key string, b binding.Binding) error {
	if !binding.ValidKey(key) {
		return fmt.Errorf("put a binding: %w", binding.ErrBadKey)
	}
	v, err := json.Marshal(bindingRecord{Phone: b.Phone, Person: b.Person, BoundAt: b.BoundAt, ExpiresAt: b.ExpiresAt})
	if err != nil {
		return fmt.Errorf("put a binding: %w", err)
	}
	if err := s.binds.put(ctx, []byte(key), v); err != nil {
		return fmt.Errorf("put a binding: %w", err)
	}
	return nil
}

// Binding returns the binding under key and true, or false when there is
// none. It reads one key.
func (s *Store) Binding(ctx context.Context, key string) (binding.Binding, bool, error) {
	var (
		r     bindingRecord
		found bool
	)
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket([]byte(bindingsBucket)).Get([]byte(key))
		if v == nil {
			return nil
		}
		found = true
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("%w: the stored binding cannot be decoded: %w", ErrCorrupt, err)
		}
		return nil
	})
	if err != nil {
		return binding.Binding{}, false, fmt.Errorf("read a binding: %w", err)
	}
	return binding.Binding{Phone: r.Phone, Person: r.Person, BoundAt: r.BoundAt, ExpiresAt: r.ExpiresAt}, found, nil
}

// DeleteBinding removes the binding under key, if any.
func (s *Store) DeleteBinding(ctx context.Context, key string) error {
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bindingsBucket)).Delete([]byte(key))
	})
	if err != nil {
		return fmt.Errorf("delete a binding: %w", err)
	}
	return nil
}

// personChanges returns the puts whose phone the store holds for another
// person (binding.SamePerson against the stored employee), keyed by phone,
// read in Apply's transaction before the puts are written: the phones
// whose bindings the sync revokes as it would a leaver's.
func personChanges(employees *bbolt.Bucket, puts []roster.Employee) (map[string]roster.Employee, error) {
	changed := map[string]roster.Employee{}
	for _, e := range puts {
		v := employees.Get([]byte(e.Phone))
		if v == nil {
			continue
		}
		var old storedEmployee
		if err := json.Unmarshal(v, &old); err != nil {
			// The key is a phone number: it stays out of the error.
			return nil, fmt.Errorf("%w: a stored employee cannot be decoded: %w", ErrCorrupt, err)
		}
		was := roster.Employee{Phone: e.Phone, Name: old.Name, Email: old.Email}
		if !binding.SamePerson(binding.PersonOf(was), e) {
			changed[e.Phone] = e
		}
	}
	return changed, nil
}

// revokeBindings removes, in Apply's transaction, every binding to a
// deleted phone and every binding to a changed phone that is not to the
// person now there, and returns how many it removed: a leaver's bindings,
// and those of the person a reissued phone belonged to, go with the sync
// that makes them wrong, atomically. It reads every binding, and only when
// there is something to revoke.
func revokeBindings(tx *bbolt.Tx, deletes []string, changed map[string]roster.Employee) (int, error) {
	if len(deletes) == 0 && len(changed) == 0 {
		return 0, nil
	}
	leaving := make(map[string]bool, len(deletes))
	for _, p := range deletes {
		leaving[p] = true
	}
	b := tx.Bucket([]byte(bindingsBucket))
	var keys [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var r struct {
			Phone  string `json:"phone"`
			Person string `json:"person"`
		}
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("%w: a stored binding cannot be decoded: %w", ErrCorrupt, err)
		}
		e, isChanged := changed[r.Phone]
		if leaving[r.Phone] || isChanged && !binding.SamePerson(r.Person, e) {
			keys = append(keys, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("find the bindings of %d deleted and %d reissued phones: %w", len(deletes), len(changed), err)
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return 0, fmt.Errorf("revoke a binding: %w", err)
		}
	}
	return len(keys), nil
}

package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/rollcall/rollcall/internal/binding"
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
	BoundAt   time.Time `json:"bound_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PutBinding stores b under key, replacing any binding there, in the
// transaction that checks an employee has b.Phone: a sync deleting the
// employee runs before or after it, never between. Concurrent binds share
// one commit (bbolt's Batch): each commit waits for a sync to disk, about
// 3 ms (BenchmarkPutBinding), which one at a time would cap binds near 300/s.
func (s *Store) PutBinding(ctx context.Context, key string, b binding.Binding) error {
	if !binding.ValidKey(key) {
		return fmt.Errorf("put a binding: %w", binding.ErrBadKey)
	}
	v, err := json.Marshal(bindingRecord{Phone: b.Phone, BoundAt: b.BoundAt, ExpiresAt: b.ExpiresAt})
	if err != nil {
		return fmt.Errorf("put a binding: %w", err)
	}
	err = s.batch(ctx, func(tx *bbolt.Tx) error {
		if tx.Bucket([]byte(employeesBucket)).Get([]byte(b.Phone)) == nil {
			return binding.ErrNotEmployee
		}
		return tx.Bucket([]byte(bindingsBucket)).Put([]byte(key), v)
	})
	if err != nil {
		return fmt.Errorf("put a binding: %w", err)
	}
	return nil
}

// bindBatchDelay is how long a bind waits for others to share its commit:
// short, since a bind is on a skill call's path.
const bindBatchDelay = 2 * time.Millisecond

// batch runs fn in a read-write transaction that bbolt may share with
// other callers' (fn may run more than once), unless ctx is already done.
// A panic of bbolt's in fn, on a damaged page, becomes ErrCorrupt.
func (s *Store) batch(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Batch(func(tx *bbolt.Tx) (err error) {
		defer s.recoverCorrupt(&err)
		return fn(tx)
	})
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
	return binding.Binding{Phone: r.Phone, BoundAt: r.BoundAt, ExpiresAt: r.ExpiresAt}, found, nil
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

// deleteBindingsOf removes every binding to the phones, in Apply's
// transaction: a leaver's bindings go with the employee, atomically. It
// reads every binding's phone.
func deleteBindingsOf(tx *bbolt.Tx, phones []string) error {
	if len(phones) == 0 {
		return nil
	}
	leaving := make(map[string]bool, len(phones))
	for _, p := range phones {
		leaving[p] = true
	}
	b := tx.Bucket([]byte(bindingsBucket))
	var keys [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var r struct {
			Phone string `json:"phone"`
		}
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("%w: a stored binding cannot be decoded: %w", ErrCorrupt, err)
		}
		if leaving[r.Phone] {
			keys = append(keys, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("find the bindings of %d deleted employees: %w", len(phones), err)
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("delete a leaver's binding: %w", err)
		}
	}
	return nil
}

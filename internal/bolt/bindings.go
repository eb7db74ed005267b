package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/rollcall/rollcall/internal/binding"
)

// Bucket names of the bindings: "bindings" maps a binding key (the hex
// SHA-256 of a Kakao user id) to its JSON; "binding_phones" indexes them by
// phone (phone, NUL, key → nothing), so that a sync finds a leaver's
// bindings without reading them all.
const (
	bindingsBucket      = "bindings"
	bindingPhonesBucket = "binding_phones"
)

var _ binding.Store = (*Store)(nil)

// bindingRecord is a stored binding, in the contract's field names.
type bindingRecord struct {
	Phone     string    `json:"phone"`
	BoundAt   time.Time `json:"bound_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// errBadKey refuses a binding key that is not a hex SHA-256.
var errBadKey = errors.New("a binding key must be 64 lowercase hex digits")

// phoneIndexKey is key's entry under phone in the phone index.
func phoneIndexKey(phone, key string) []byte {
	return append(append([]byte(phone), 0), key...)
}

// PutBinding stores b under key, replacing any binding there, in the
// transaction that checks an employee has b.Phone: a sync deleting the
// employee runs before or after it, never between. Concurrent binds share
// one commit (bbolt's Batch): each commit waits for a sync to disk, about
// 3 ms (BenchmarkPutBinding), which one at a time would cap binds near 300/s.

func (s *Store) PutBinding(ctx context.Context, key string, b binding.Binding) error {
	if !binding.ValidKey(key) {
		return fmt.Errorf("put a binding: %w", errBadKey)
	}
	v, err := json.Marshal(bindingRecord{Phone: b.Phone, BoundAt: b.BoundAt, ExpiresAt: b.ExpiresAt})
	if err != nil {
		return fmt.Errorf("put a binding: %w", err)
	}
	err = s.batch(ctx, func(tx *bbolt.Tx) error {
		if tx.Bucket([]byte(employeesBucket)).Get([]byte(b.Phone)) == nil {
			return binding.ErrNotEmployee
		}
		if err := deleteBinding(tx, key); err != nil {
			return err
		}
		if err := tx.Bucket([]byte(bindingsBucket)).Put([]byte(key), v); err != nil {
			return err
		}
		return tx.Bucket([]byte(bindingPhonesBucket)).Put(phoneIndexKey(b.Phone, key), nil)
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
	if err := s.update(ctx, func(tx *bbolt.Tx) error { return deleteBinding(tx, key) }); err != nil {
		return fmt.Errorf("delete a binding: %w", err)
	}
	return nil
}

// deleteBinding removes the binding under key and its index entry.
func deleteBinding(tx *bbolt.Tx, key string) error {
	b := tx.Bucket([]byte(bindingsBucket))
	v := b.Get([]byte(key))
	if v == nil {
		return nil
	}
	var r bindingRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return fmt.Errorf("%w: the stored binding cannot be decoded: %w", ErrCorrupt, err)
	}
	if err := tx.Bucket([]byte(bindingPhonesBucket)).Delete(phoneIndexKey(r.Phone, key)); err != nil {
		return err
	}
	return b.Delete([]byte(key))
}

// deleteBindingsOf removes every binding to the phones, in Apply's
// transaction: a leaver's bindings go with the employee, atomically.
func deleteBindingsOf(tx *bbolt.Tx, phones []string) error {
	index := tx.Bucket([]byte(bindingPhonesBucket))
	bindings := tx.Bucket([]byte(bindingsBucket))
	for _, phone := range phones {
		prefix := append([]byte(phone), 0)
		var keys [][]byte
		c := index.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			if err := bindings.Delete(k[len(prefix):]); err != nil {
				return fmt.Errorf("delete a leaver's binding: %w", err)
			}
			if err := index.Delete(k); err != nil {
				return fmt.Errorf("delete a leaver's binding: %w", err)
			}
		}
	}
	return nil
}

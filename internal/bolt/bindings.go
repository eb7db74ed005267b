package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/rollcall/rollcall/internal/binding"
)

// bindingsBucket maps a binding key's 32 bytes (userkey.Sum) to
// encodeBinding's form: half the pages of hex keys and JSON, and one branch
// level fewer at 100,000 bindings (4,683 pages against 9,822), so a rush of
// binds dirties fewer pages. No index by phone: every bind would write it,
// while a sync with leavers scans instead.
const bindingsBucket = "bindings_v2"

var _ binding.Store = (*Store)(nil)

// bindingKey returns key's 32 bytes, or an error when it is not a hex SHA-256.
func bindingKey(key string) ([]byte, error) {
	if !binding.ValidKey(key) {
		return nil, binding.ErrBadKey
	}
	return hex.DecodeString(key)
}

// encodeBinding writes b as its two times in Unix nanoseconds, the phone's
// length and the phone, then the person.
func encodeBinding(b binding.Binding) ([]byte, error) {
	if len(b.Phone) > 255 {
		return nil, fmt.Errorf("a phone of %d bytes is not E.164", len(b.Phone))
	}
	v := make([]byte, 0, 17+len(b.Phone)+len(b.Person))
	v = binary.BigEndian.AppendUint64(v, uint64(b.BoundAt.UnixNano()))
	v = binary.BigEndian.AppendUint64(v, uint64(b.ExpiresAt.UnixNano()))
	v = append(append(v, byte(len(b.Phone))), b.Phone...)
	return append(v, b.Person...), nil
}

// decodeBinding reads what encodeBinding wrote; its strings are copies.
func decodeBinding(v []byte) (binding.Binding, error) {
	if len(v) < 17 || len(v) < 17+int(v[16]) {
		return binding.Binding{}, fmt.Errorf("%w: a stored binding of %d bytes cannot be decoded", ErrCorrupt, len(v))
	}
	phoneEnd := 17 + int(v[16])
	return binding.Binding{
		Phone:     string(v[17:phoneEnd]),
		Person:    string(v[phoneEnd:]),
		BoundAt:   time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC(),
		ExpiresAt: time.Unix(0, int64(binary.BigEndian.Uint64(v[8:]))).UTC(),
	}, nil
}

// PutBinding stores b under key, replacing any binding there, and returns
// once the journal record that holds it (groupCommit) is synced to disk.
func (s *Store) PutBinding(ctx context.Context, key string, b binding.Binding) error {
	k, err := bindingKey(key)
	if err != nil {
		return fmt.Errorf("put a binding: %w", err)
	}
	v, err := encodeBinding(b)
	if err != nil {
		return fmt.Errorf("put a binding: %w", err)
	}
	if err := s.binds.put(ctx, k, v); err != nil {
		return fmt.Errorf("put a binding: %w", err)
	}
	return nil
}

// Binding returns the binding under key and true, or false when there is
// none.
func (s *Store) Binding(ctx context.Context, key string) (b binding.Binding, found bool, err error) {
	k, err := bindingKey(key)
	if err == nil {
		// The overlay before the bucket, and before the transaction
		// begins: a binding that is not in the overlay was folded by a
		// commit this transaction sees, or arrived after this call.
		v := s.journal.lookup(k)
		err = s.view(ctx, func(tx *bbolt.Tx) error {
			if v == nil {
				v = tx.Bucket([]byte(bindingsBucket)).Get(k)
			}
			if v == nil {
				return nil
			}
			found = true
			b, err = decodeBinding(v)
			return err
		})
	}
	if err != nil {
		return binding.Binding{}, false, fmt.Errorf("read a binding: %w", err)
	}
	return b, found, nil
}

// DeleteBinding removes the binding under key, if any.
func (s *Store) DeleteBinding(ctx context.Context, key string) error {
	k, err := bindingKey(key)
	if err == nil {
		err = s.updateBindings(ctx, func(tx *bbolt.Tx) error {
			return tx.Bucket([]byte(bindingsBucket)).Delete(k)
		})
	}
	if err != nil {
		return fmt.Errorf("delete a binding: %w", err)
	}
	return nil
}

// revokeBindings removes, in ApplyPlan's transaction, the bindings revoke
// revokes. It reads every binding, and only when there is something to
// revoke.
func revokeBindings(tx *bbolt.Tx, revoke binding.Revocation) (int, error) {
	if len(revoke) == 0 {
		return 0, nil
	}
	b := tx.Bucket([]byte(bindingsBucket))
	var keys [][]byte
	err := b.ForEach(func(k, v []byte) error {
		r, err := decodeBinding(v)
		if err == nil && revoke.Revokes(r) {
			keys = append(keys, bytes.Clone(k))
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("find the bindings of %d deleted or reissued phones: %w", len(revoke), err)
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return 0, fmt.Errorf("revoke a binding: %w", err)
		}
	}
	return len(keys), nil
}

package bolt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/rollcall/rollcall/internal/directory"
)

// errNoPhone refuses an employee that has no key to be stored under.
var errNoPhone = errors.New("employee has no phone")

// record is how an employee is kept: its fields plus the hash a sync compares.
type record struct {
	directory.Employee
	Hash string `json:"hash"`
}

// Hashes returns the content hash of every stored employee, keyed by phone.
func (s *Store) Hashes(ctx context.Context) (map[string]string, error) {
	hashes := map[string]string{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(employeesBucket)).ForEach(func(k, v []byte) error {
			var r struct {
				Hash string `json:"hash"`
			}
			if err := json.Unmarshal(v, &r); err != nil {
				// The key is a phone number: it stays out of the error.
				return fmt.Errorf("%w: a stored employee cannot be decoded: %w", ErrCorrupt, err)
			}
			hashes[string(k)] = r.Hash
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read employee hashes: %w", err)
	}
	return hashes, nil
}

// Apply writes puts and removes the employees whose phones are in deletes,
// in one transaction: either all of it happens or none of it. Deleting a
// phone that is not stored is not an error.
func (s *Store) Apply(ctx context.Context, puts []directory.Employee, deletes []string) error {
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(employeesBucket))
		for _, e := range puts {
			if err := ctx.Err(); err != nil {
				return err
			}
			if e.Phone == "" {
				return fmt.Errorf("put the employee from sheet row %d: %w", e.Row, errNoPhone)
			}
			v, err := json.Marshal(record{Employee: e, Hash: e.Hash()})
			if err != nil {
				return fmt.Errorf("encode the employee from sheet row %d: %w", e.Row, err)
			}
			if err := b.Put([]byte(e.Phone), v); err != nil {
				return fmt.Errorf("put the employee from sheet row %d: %w", e.Row, err)
			}
		}
		for _, phone := range deletes {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := b.Delete([]byte(phone)); err != nil {
				return fmt.Errorf("delete an employee: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("apply %d puts and %d deletes: %w", len(puts), len(deletes), err)
	}
	return nil
}

// Lookup returns the employee stored under phone (E.164) and true, or false
// when there is none. It reads one key in one read-only transaction.
func (s *Store) Lookup(ctx context.Context, phone string) (directory.Employee, bool, error) {
	var (
		r     record
		found bool
	)
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket([]byte(employeesBucket)).Get([]byte(phone))
		if v == nil {
			return nil
		}
		found = true
		// Unmarshal copies: nothing refers to the transaction's memory after it.
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("%w: the stored employee cannot be decoded: %w", ErrCorrupt, err)
		}
		return nil
	})
	if err != nil {
		return directory.Employee{}, false, fmt.Errorf("look up an employee: %w", err)
	}
	return r.Employee, found, nil
}

// Count returns how many employees the directory holds, from the bucket's
// statistics: no employee is decoded.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		n = tx.Bucket([]byte(employeesBucket)).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count employees: %w", err)
	}
	return n, nil
}

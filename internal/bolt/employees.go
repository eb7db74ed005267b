package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// record is how an employee is kept: its fields plus the hash a sync compares.
type record struct {
	roster.Employee
	Hash string `json:"hash"`
}

// Hashes returns the content hash of every stored employee, keyed by phone.
func (s *Store) Hashes(ctx context.Context) (map[string]string, error) {
	hashes := map[string]string{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(employeesBucket)).ForEach(func(k, v []byte) error {
			r, err := decodeRecord(v)
			hashes[string(k)] = r.Hash
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read employee hashes: %w", err)
	}
	return hashes, nil
}

// ApplyPlan applies p as rostersync.Store says, in one transaction.
func (s *Store) ApplyPlan(ctx context.Context, p rostersync.Plan) (revoked int, err error) {
	puts, deletes := p.Puts(), p.Deleted
	err = s.updateBindings(ctx, func(tx *bbolt.Tx) error {
		meta, b := tx.Bucket([]byte(metaBucket)), tx.Bucket([]byte(employeesBucket))
		digest, err := readDigest(meta)
		if err != nil {
			return err
		}
		// Full pages instead of bbolt's half-full split: a directory is read
		// far more than written, and the file and a load's pages halve.
		b.FillPercent = 1
		var moved []roster.Employee // the employees now another person: others' bindings go
		put := make([]string, 0, len(puts))
		for _, e := range puts {
			if err := ctx.Err(); err != nil {
				return err
			}
			old, found, err := getEmployee(b, e.Phone)
			if err != nil {
				return err
			}
			if found {
				digest.Toggle(e.Phone, old.Hash)
				if !binding.SamePerson(binding.PersonOf(old.Employee), e) {
					moved = append(moved, e)
				}
			}
			hash := e.Hash()
			v, err := json.Marshal(record{Employee: e, Hash: hash})
			if err == nil {
				err = b.Put([]byte(e.Phone), v)
			}
			if err != nil {
				return fmt.Errorf("put the employee from sheet row %d: %w", e.Row, err)
			}
			digest.Toggle(e.Phone, hash)
			put = append(put, e.Phone)
		}
		for _, phone := range deletes {
			if err := ctx.Err(); err != nil {
				return err
			}
			old, found, err := getEmployee(b, phone)
			if err == nil && found {
				digest.Toggle(phone, old.Hash)
				err = b.Delete([]byte(phone))
			}
			if err != nil {
				return fmt.Errorf("delete an employee: %w", err)
			}
		}
		if err := meta.Put([]byte(digestKey), []byte(digest.String())); err != nil {
			return fmt.Errorf("keep the digest: %w", err)
		}
		if len(puts) == 0 && len(deletes) == 0 {
			return nil
		}
		if revoked, err = revokeBindings(tx, binding.Revoking(deletes, moved)); err != nil {
			return err
		}
		return recordChange(meta, put, deletes)
	})
	if err != nil {
		return 0, fmt.Errorf("apply %d puts and %d deletes: %w", len(puts), len(deletes), err)
	}
	return revoked, nil
}

// getEmployee returns the record b holds under phone and true, or false.
func getEmployee(b *bbolt.Bucket, phone string) (record, bool, error) {
	v := b.Get([]byte(phone))
	if v == nil {
		return record{}, false, nil
	}
	r, err := decodeRecord(v)
	return r, err == nil, err
}

// decodeRecord reads a stored employee. Its key is a phone number: it
// stays out of the error.
func decodeRecord(v []byte) (record, error) {
	var r record
	if err := json.Unmarshal(v, &r); err != nil {
		return record{}, fmt.Errorf("%w: a stored employee cannot be decoded: %w", ErrCorrupt, err)
	}
	return r, nil
}

// Employees returns every stored employee, by phone, read in one read-only
// transaction; their strings are copies.
func (s *Store) Employees(ctx context.Context) (map[string]roster.Employee, error) {
	var employees map[string]roster.Employee
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(employeesBucket))
		employees = make(map[string]roster.Employee, b.Stats().KeyN)
		return b.ForEach(func(_, v []byte) error {
			r, err := decodeRecord(v)
			if err != nil {
				return err
			}
			employees[r.Phone] = r.Employee
			return ctx.Err()
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read every employee: %w", err)
	}
	return employees, nil
}

// Lookup returns the employee stored under phone (E.164) and true, or false.
func (s *Store) Lookup(ctx context.Context, phone string) (e roster.Employee, found bool, err error) {
	var r record
	err = s.view(ctx, func(tx *bbolt.Tx) (err error) {
		r, found, err = getEmployee(tx.Bucket([]byte(employeesBucket)), phone)
		return err
	})
	if err != nil {
		return roster.Employee{}, false, fmt.Errorf("look up an employee: %w", err)
	}
	return r.Employee, found, nil
}

// Count returns how many employees the directory holds, decoding none.
func (s *Store) Count(ctx context.Context) (n int, err error) {
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		n = tx.Bucket([]byte(employeesBucket)).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count employees: %w", err)
	}
	return n, nil
}

package bolt

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
)

// Keys of the meta bucket that spare a sync and an instance's check from
// reading every employee: replication.Digest in hex, replication.ChangeLog
// in JSON.
const (
	digestKey  = "digest"
	changesKey = "changes"
)

// readDigest returns the digest Apply keeps: that of no employee before
// the first Apply, whose transaction writes the first employees with it.
func readDigest(meta *bbolt.Bucket) (replication.Digest, error) {
	var d replication.Digest
	if v := meta.Get([]byte(digestKey)); v != nil {
		if n, err := hex.Decode(d[:], v); err != nil || n != len(d) {
			return d, fmt.Errorf("%w: the directory digest cannot be read", ErrCorrupt)
		}
	}
	return d, nil
}

// readLog returns the change log, empty before the first change.
func readLog(meta *bbolt.Bucket) (replication.ChangeLog, error) {
	var l replication.ChangeLog
	if v := meta.Get([]byte(changesKey)); v != nil {
		if err := json.Unmarshal(v, &l); err != nil {
			return l, fmt.Errorf("%w: the change log cannot be read: %w", ErrCorrupt, err)
		}
	}
	return l, nil
}

// recordChange moves the version with a record of the phones changed.
func recordChange(meta *bbolt.Bucket, put, deleted []string) error {
	l, err := readLog(meta)
	if err != nil {
		return err
	}
	l.Record(put, deleted)
	v, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("encode the change log: %w", err)
	}
	return meta.Put([]byte(changesKey), v)
}

// Digest returns the digest of the stored employees, reading one key ("" on
// a file no Apply has written yet).
func (s *Store) Digest(ctx context.Context) (digest string, err error) {
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		digest = string(tx.Bucket([]byte(metaBucket)).Get([]byte(digestKey)))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("read the directory digest: %w", err)
	}
	return digest, nil
}

// Status returns the directory's version and when it was last synced.
func (s *Store) Status(ctx context.Context) (version string, last time.Time, err error) {
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		meta := tx.Bucket([]byte(metaBucket))
		l, err := readLog(meta)
		if err != nil {
			return err
		}
		version = l.Version()
		last, err = readLastSync(meta)
		return err
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("check the directory: %w", err)
	}
	return version, last, nil
}

// Changes is replication.ChangeLog.CatchUp from version, reading the
// employees written since in the same transaction.
func (s *Store) Changes(ctx context.Context, version string, visit func(roster.Employee), remove func(phone string)) (now string, ok bool, err error) {
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		l, err := readLog(tx.Bucket([]byte(metaBucket)))
		if err != nil {
			return err
		}
		b := tx.Bucket([]byte(employeesBucket))
		now, ok, err = l.CatchUp(version, func(phones []string) (map[string]roster.Employee, error) {
			found := make(map[string]roster.Employee, len(phones))
			for _, phone := range phones {
				r, ok, err := getEmployee(b, phone)
				if err != nil {
					return nil, err
				}
				if ok {
					found[phone] = r.Employee
				}
			}
			return found, nil
		}, visit, remove)
		return err
	})
	if err != nil {
		return "", false, fmt.Errorf("read the directory's changes: %w", err)
	}
	return now, ok, nil
}

package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/rollcall/rollcall/internal/sync"
)

// RecordRun keeps r as the last run's report and marks the directory as
// synced at the run's end: r.StartedAt plus r.DurationMS, or the store's
// clock when r has no start time.
func (s *Store) RecordRun(ctx context.Context, r sync.Report) error {
	finished := s.now()
	if !r.StartedAt.IsZero() {
		finished = r.StartedAt.Add(time.Duration(r.DurationMS) * time.Millisecond)
	}
	report, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode the run report: %w", err)
	}
	err = s.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(metaBucket))
		if err := b.Put([]byte(lastSyncKey), []byte(finished.UTC().Format(time.RFC3339Nano))); err != nil {
			return err
		}
		return b.Put([]byte(lastRunKey), report)
	})
	if err != nil {
		return fmt.Errorf("record the sync run: %w", err)
	}
	return nil
}

// LastSync returns when the last recorded sync finished, in UTC, or the zero
// time when the store was never synced.
func (s *Store) LastSync(ctx context.Context) (time.Time, error) {
	var last time.Time
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket([]byte(metaBucket)).Get([]byte(lastSyncKey))
		if v == nil {
			return nil
		}
		t, err := time.Parse(time.RFC3339Nano, string(v))
		if err != nil {
			return fmt.Errorf("%w: the last sync time cannot be read: %w", ErrCorrupt, err)
		}
		last = t
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("read the last sync time: %w", err)
	}
	return last, nil
}

// LastRun returns the report of the last recorded sync run and true, or
// false when no run was recorded.
func (s *Store) LastRun(ctx context.Context) (sync.Report, bool, error) {
	var (
		r     sync.Report
		found bool
	)
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket([]byte(metaBucket)).Get([]byte(lastRunKey))
		if v == nil {
			return nil
		}
		found = true
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("%w: the last run report cannot be read: %w", ErrCorrupt, err)
		}
		return nil
	})
	if err != nil {
		return sync.Report{}, false, fmt.Errorf("read the last run report: %w", err)
	}
	return r, found, nil
}

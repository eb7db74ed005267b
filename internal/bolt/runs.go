package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/rollcall/rollcall/internal/rostersync"
)

// runKeyLayout is the start time at the head of a runs key: fixed width, in
// UTC, so that keys sort by start; a sequence number follows it.
const runKeyLayout = "2006-01-02T15:04:05.000000000Z"

// RecordRun keeps r in the history, pruned to its KeptRuns newest, and
// when r was applied marks the directory synced at its end. A report
// without a start time is stamped with the store's clock.
func (s *Store) RecordRun(ctx context.Context, r rostersync.Report) error {
	if r.StartedAt.IsZero() {
		r.StartedAt = s.now()
	}
	report, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("record the sync run: encode the report: %w", err)
	}
	err = s.update(ctx, func(tx *bbolt.Tx) error {
		runs := tx.Bucket([]byte(runsBucket))
		seq, err := runs.NextSequence()
		if err != nil {
			return err
		}
		key := binary.BigEndian.AppendUint64([]byte(r.StartedAt.UTC().Format(runKeyLayout)), seq)
		if err := runs.Put(key, report); err != nil {
			return err
		}
		if err := prune(runs, rostersync.KeptRuns); err != nil || !r.Applied() {
			return err
		}
		return tx.Bucket([]byte(metaBucket)).Put([]byte(lastSyncKey), []byte(r.Finished().UTC().Format(time.RFC3339Nano)))
	})
	if err != nil {
		return fmt.Errorf("record the sync run: %w", err)
	}
	return nil
}

// prune deletes the oldest keys of b until at most keep are left, collected
// first: deleting under a moving cursor skips keys.
func prune(b *bbolt.Bucket, keep int) error {
	var old [][]byte
	c := b.Cursor()
	n := 0
	for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
		if n++; n > keep {
			old = append(old, k)
		}
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Runs returns the reports of at most limit recorded runs, newest first.
func (s *Store) Runs(ctx context.Context, limit int) (reports []rostersync.Report, err error) {
	if err := rostersync.CheckRunsLimit(limit); err != nil {
		return nil, err
	}
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket([]byte(runsBucket)).Cursor()
		for k, v := c.Last(); k != nil && len(reports) < limit; k, v = c.Prev() {
			var r rostersync.Report
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("%w: run report %d cannot be read: %w", ErrCorrupt, len(reports)+1, err)
			}
			reports = append(reports, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the sync history: %w", err)
	}
	return reports, nil
}

// LastSync returns when the last applied sync finished, or zero.
func (s *Store) LastSync(ctx context.Context) (time.Time, error) {
	_, last, err := s.Status(ctx)
	return last, err
}

// readLastSync returns the last sync time RecordRun keeps, or zero.
func readLastSync(meta *bbolt.Bucket) (time.Time, error) {
	v := meta.Get([]byte(lastSyncKey))
	if v == nil {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, string(v))
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: the last sync time cannot be read: %w", ErrCorrupt, err)
	}
	return t, nil
}

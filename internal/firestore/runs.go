package firestore

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	gfs "cloud.google.com/go/firestore"

	"github.com/rollcall/rollcall/internal/rostersync"
)

// maxPrunesPerRun bounds the old runs one RecordRun deletes, keeping its
// commit well under 500 writes however long a history it finds.
const maxPrunesPerRun = 200

// runIDLayout starts a sync_runs id: the run's start in UTC, at a fixed
// width and to the microsecond Firestore keeps of started_at, so that ids
// sort as the history does; a random suffix keeps apart two runs that
// start at the same instant. The history is ordered by started_at, whose
// automatic index breaks ties by id.
const runIDLayout = "2006-01-02T15:04:05.000000Z"

// runFields is a sync_runs document: the report as JSON, plus the fields an
// operator filters and sorts on in the console.
type runFields struct {
	StartedAt  time.Time `firestore:"started_at"`
	FinishedAt time.Time `firestore:"finished_at"`
	DurationMS int64     `firestore:"duration_ms"`
	Added      int64     `firestore:"added"`
	Updated    int64     `firestore:"updated"`
	Deleted    int64     `firestore:"deleted"`
	Refused    bool      `firestore:"refused"`
	DryRun     bool      `firestore:"dry_run"`
	Failed     bool      `firestore:"failed"`
	Report     string    `firestore:"report"`
	RecordedAt time.Time `firestore:"recorded_at,serverTimestamp"`
}

// RecordRun keeps r as a sync_runs document and, when r was applied, marks
// the directory synced at r.Finished() in the same commit; then it prunes
// the history to the newest rostersync.KeptRuns. A report without a start
// time is stamped with the store's clock. The report holds no PII.
func (s *Store) RecordRun(ctx context.Context, r rostersync.Report) error {
	if r.StartedAt.IsZero() {
		r.StartedAt = s.now()
	}
	r.StartedAt = r.StartedAt.UTC()
	report, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("record the sync run: encode the report: %w", err)
	}
	id := fmt.Sprintf("%s-%08x", r.StartedAt.Truncate(time.Microsecond).Format(runIDLayout), rand.Uint32())
	finished := r.Finished()
	ops := []op{{doc: s.client.Collection(runsCollection).Doc(id), data: &runFields{
		StartedAt: r.StartedAt, FinishedAt: finished, DurationMS: r.DurationMS,
		Added: int64(r.Added), Updated: int64(r.Updated), Deleted: int64(r.Deleted),
		Refused: r.Refused, DryRun: r.DryRun, Failed: r.Error != "", Report: string(report),
	}}}
	if r.Applied() {
		ops = append(ops, op{doc: s.client.Doc(metaDoc),
			data: map[string]any{"last_sync": finished, "last_run": id, "updated_at": gfs.ServerTimestamp}})
	}
	if err := s.commit(ctx, ops); err != nil {
		return fmt.Errorf("record the sync run %s: %w", id, err)
	}
	if err := s.pruneRuns(ctx); err != nil {
		return fmt.Errorf("record the sync run %s: %w", id, err)
	}
	return nil
}

// pruneRuns deletes the oldest runs beyond the kept ones. It counts first
// and reads only the runs it deletes: a query with an offset would be
// billed for every run skipped.
func (s *Store) pruneRuns(ctx context.Context) error {
	runs := s.client.Collection(runsCollection)
	n, err := count(ctx, runs.Query)
	if err != nil {
		return fmt.Errorf("count the runs: %w", err)
	}
	extra := min(n-rostersync.KeptRuns, maxPrunesPerRun)
	if extra <= 0 {
		return nil
	}
	old, err := runs.OrderBy("started_at", gfs.Asc).Limit(extra).Select().Documents(ctx).GetAll()
	if err != nil {
		return fmt.Errorf("list old runs: %w", err)
	}
	ops := make([]op, len(old))
	for i, snap := range old {
		ops[i] = op{doc: snap.Ref}
	}
	if err := s.commit(ctx, ops); err != nil {
		return fmt.Errorf("delete %d old runs: %w", len(ops), err)
	}
	return nil
}

// Runs returns the reports of at most limit recorded runs, newest first.
func (s *Store) Runs(ctx context.Context, limit int) ([]rostersync.Report, error) {
	if err := rostersync.CheckRunsLimit(limit); err != nil {
		return nil, err
	}
	snaps, err := s.client.Collection(runsCollection).OrderBy("started_at", gfs.Desc).Limit(limit).Select("report").Documents(ctx).GetAll()
	if err != nil {
		return nil, fmt.Errorf("read the sync history: %w", s.diagnosed(err))
	}
	reports := make([]rostersync.Report, len(snaps))
	for i, snap := range snaps {
		text, _ := snap.Data()["report"].(string)
		if err := json.Unmarshal([]byte(text), &reports[i]); err != nil {
			return nil, fmt.Errorf("read the sync history: decode %s/%s: %w", runsCollection, snap.Ref.ID, err)
		}
	}
	return reports, nil
}

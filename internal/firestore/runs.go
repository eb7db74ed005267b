package firestore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	gfs "cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/sync"
)

// runIDLayout names a sync_runs document after its run's start, in UTC, so
// that the ids sort by time.
const runIDLayout = "2006-01-02T15:04:05.000000000Z"

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
	Report     string    `firestore:"report"`
	RecordedAt time.Time `firestore:"recorded_at,serverTimestamp"`
}

// metaFields is the meta/directory document.
type metaFields struct {
	// LastSync is when the last recorded run finished.
	LastSync time.Time `firestore:"last_sync"`
	// LastRun is the id of that run's sync_runs document.
	LastRun   string    `firestore:"last_run"`
	UpdatedAt time.Time `firestore:"updated_at,serverTimestamp"`
}

// RecordRun keeps r as a sync_runs document and marks the directory as
// synced at the end of the run (StartedAt plus DurationMS), both in one
// commit. A report without a start time is stamped with the store's clock.
// The report holds no PII, so it is kept whole.
func (s *Store) RecordRun(ctx context.Context, r sync.Report) error {
	if r.StartedAt.IsZero() {
		r.StartedAt = s.now()
	}
	r.StartedAt = r.StartedAt.UTC()
	report, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("record the sync run: encode the report: %w", err)
	}
	finished := r.StartedAt.Add(time.Duration(r.DurationMS) * time.Millisecond)
	id := r.StartedAt.Format(runIDLayout)
	run := runFields{
		StartedAt: r.StartedAt, FinishedAt: finished, DurationMS: r.DurationMS,
		Added: int64(r.Added), Updated: int64(r.Updated), Deleted: int64(r.Deleted),
		Refused: r.Refused, DryRun: r.DryRun, Report: string(report),
	}
	meta := metaFields{LastSync: finished, LastRun: id}
	err = s.client.RunTransaction(ctx, func(_ context.Context, tx *gfs.Transaction) error {
		if err := tx.Set(s.client.Collection(runsCollection).Doc(id), &run); err != nil {
			return err
		}
		return tx.Set(s.metaDoc(), &meta)
	})
	if err != nil {
		return fmt.Errorf("record the sync run %s: %w", id, err)
	}
	return nil
}

// LastSync returns when the last recorded sync run finished, or the zero
// time when none was ever recorded.
func (s *Store) LastSync(ctx context.Context) (time.Time, error) {
	snap, err := s.metaDoc().Get(ctx)
	if status.Code(err) == codes.NotFound {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read the last sync time: %w", err)
	}
	var m metaFields
	if err := snap.DataTo(&m); err != nil {
		return time.Time{}, fmt.Errorf("read the last sync time: decode meta/%s: %w", directoryMetaDoc, err)
	}
	return m.LastSync, nil
}

package firestore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	gfs "cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/mirror"
)

// maxPrunesPerRun bounds the old runs one RecordRun deletes, so that its
// commit stays well under Firestore's 500 writes even when a database holds
// a long history from before pruning; later runs delete the rest.
const maxPrunesPerRun = 200

// runIDLayout starts a sync_runs document id: its run's start, in UTC, at a
// fixed width and to the microsecond that Firestore keeps of started_at, so
// that the ids sort as the history is queried: by started_at, then by id.
// A random suffix follows, so that two runs starting at the same instant
// keep a document each.
const runIDLayout = "2006-01-02T15:04:05.000000Z"

// startedField is the field the history is ordered by. Firestore scans
// document ids in ascending order only, but the automatic single-field
// index serves this field descending, ties broken by id descending.
const startedField = "started_at"

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

// metaFields is the meta/directory document.
type metaFields struct {
	// LastSync is when the last recorded applied run finished.
	LastSync time.Time `firestore:"last_sync"`
	// LastRun is the id of that run's sync_runs document.
	LastRun   string    `firestore:"last_run"`
	UpdatedAt time.Time `firestore:"updated_at,serverTimestamp"`
}

// RecordRun keeps r as a sync_runs document and prunes the history to its
// 50 newest runs (by start time), in one transaction. When r was applied
// (r.Applied), the same commit marks the directory as synced at the end of
// the run: StartedAt plus DurationMS. A report without a start time is
// stamped with the store's clock. The report holds no PII, so it is kept
// whole.
func (s *Store) RecordRun(ctx context.Context, r mirror.Report) error {
	if r.StartedAt.IsZero() {
		r.StartedAt = s.now()
	}
	r.StartedAt = r.StartedAt.UTC()
	report, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("record the sync run: encode the report: %w", err)
	}
	id, err := runID(r.StartedAt)
	if err != nil {
		return fmt.Errorf("record the sync run: %w", err)
	}
	finished := r.Finished()
	run := runFields{
		StartedAt: r.StartedAt, FinishedAt: finished, DurationMS: r.DurationMS,
		Added: int64(r.Added), Updated: int64(r.Updated), Deleted: int64(r.Deleted),
		Refused: r.Refused, DryRun: r.DryRun, Failed: r.Error != "", Report: string(report),
	}
	meta := metaFields{LastSync: finished, LastRun: id}
	runs := s.client.Collection(runsCollection)
	err = s.client.RunTransaction(ctx, func(_ context.Context, tx *gfs.Transaction) error {
		// The runs beyond the 49 newest: the newest of them and this one
		// is the 50th run kept, the others go. Their ids sort as they do.
		older, err := tx.Documents(runs.OrderBy(startedField, gfs.Desc).Offset(mirror.KeptRuns - 1).Limit(maxPrunesPerRun).Select()).GetAll()
		if err != nil {
			return fmt.Errorf("list old runs: %w", err)
		}
		ids := []string{id}
		for _, snap := range older {
			ids = append(ids, snap.Ref.ID)
		}
		slices.SortFunc(ids, func(a, b string) int { return strings.Compare(b, a) })
		// A run older than every run kept is not kept either.
		if ids[0] == id {
			if err := tx.Set(runs.Doc(id), &run); err != nil {
				return err
			}
		}
		for _, old := range ids[1:] {
			if old == id {
				continue
			}
			if err := tx.Delete(runs.Doc(old)); err != nil {
				return err
			}
		}
		if !r.Applied() {
			return nil
		}
		return tx.Set(s.metaDoc(), &meta)
	})
	if err != nil {
		return fmt.Errorf("record the sync run %s: %w", id, err)
	}
	return nil
}

// runID returns a new sync_runs document id for a run that started at
// started (UTC).
func runID(started time.Time) (string, error) {
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		return "", fmt.Errorf("random run id: %w", err)
	}
	return started.Truncate(time.Microsecond).Format(runIDLayout) + "-" + hex.EncodeToString(suffix), nil
}

// Runs returns the reports of at most limit recorded runs, newest (latest
// start) first. The history keeps the 50 newest runs.
func (s *Store) Runs(ctx context.Context, limit int) ([]mirror.Report, error) {
	if err := mirror.CheckRunsLimit(limit); err != nil {
		return nil, err
	}
	snaps, err := s.client.Collection(runsCollection).OrderBy(startedField, gfs.Desc).Limit(limit).Select("report").Documents(ctx).GetAll()
	if err != nil {
		return nil, fmt.Errorf("read the sync history: %w", err)
	}
	reports := make([]mirror.Report, 0, len(snaps))
	for _, snap := range snaps {
		text, _ := snap.Data()["report"].(string)
		var r mirror.Report
		if err := json.Unmarshal([]byte(text), &r); err != nil {
			return nil, fmt.Errorf("read the sync history: decode %s/%s: %w", runsCollection, snap.Ref.ID, err)
		}
		reports = append(reports, r)
	}
	return reports, nil
}

// LastSync returns when the last recorded applied sync run finished, or the
// zero time when none was ever recorded.
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

package rostersync

import (
	"context"
	"fmt"
	"time"
)

// Source reads HR's sheet.
type Source interface {
	// Rows returns every row of the sheet as text, as HR sees it: rows[i] is
	// the sheet's row i+1, blank rows included, trailing empty cells optional.
	// It returns an error rather than a partial read.
	Rows(ctx context.Context) ([][]string, error)
}

// Store is where the sync copies the sheet; docs/replication.md says what
// it keeps and why.
type Store interface {
	// Digest returns the digest (replication.DigestOfHashes) of what the
	// store holds, in a constant-size read, or "" when it cannot vouch for
	// one (never applied, or an Apply interrupted).
	Digest(ctx context.Context) (string, error)
	// Hashes returns the content hash (roster.Employee.Hash) of every
	// stored employee, keyed by E.164 phone.
	Hashes(ctx context.Context) (map[string]string, error)
	// ApplyPlan writes the plan and returns how many bindings it revoked:
	// those to the phones it deletes or gives to another person (contract,
	// section 3). It keeps Digest in step and moves the version with a
	// record of the phones changed. Cut short where it cannot be atomic, it
	// returns an error wrapping replication.ErrInterrupted and leaves Digest
	// "" for the next sync to repair; any other error means nothing changed.
	// An empty plan only makes Digest right again.
	ApplyPlan(ctx context.Context, p Plan) (revoked int, err error)
	// RecordRun keeps the report of a finished run in the sync history;
	// an applied run (Report.Applied) also marks the directory synced.
	RecordRun(ctx context.Context, r Report) error
	// AcquireLease takes the sync lease for holder until ttl has passed
	// (TakeLease decides), so that one sync runs at a time across
	// instances; ErrBusy while another holder's lease is unexpired.
	AcquireLease(ctx context.Context, holder string, ttl time.Duration) error
	// ReleaseLease gives the lease up if holder still holds it.
	ReleaseLease(ctx context.Context, holder string) error
}

// KeptRuns is how many run reports a store's history keeps: the newest, by
// start time.
const KeptRuns = 50

// CheckRunsLimit refuses a limit on the runs read below 1, naming it.
func CheckRunsLimit(limit int) error {
	if limit < 1 {
		return fmt.Errorf("read the sync history: limit must be at least 1, got %d", limit)
	}
	return nil
}

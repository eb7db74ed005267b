package rostersync

import (
	"context"
	"fmt"
	"time"

	"github.com/rollcall/rollcall/internal/roster"
)

// Source reads HR's sheet.
type Source interface {
	// Rows returns every row of the sheet as text, as HR sees it: rows[i] is
	// the sheet's row i+1, blank rows included, trailing empty cells optional.
	// It returns an error rather than a partial read.
	Rows(ctx context.Context) ([][]string, error)
}

// Store is where the sync copies the sheet.
type Store interface {
	// Digest returns the digest (DigestOfHashes) of what the store holds,
	// reading a constant amount whatever the directory's size, or "" when
	// it cannot vouch for one (never applied, or an Apply interrupted).
	Digest(ctx context.Context) (string, error)
	// Hashes returns the content hash (roster.Employee.Hash) of every
	// stored employee, keyed by E.164 phone.
	Hashes(ctx context.Context) (map[string]string, error)
	// Apply writes puts (added or changed employees) and removes the
	// employees whose phones are in deletes, keeps Digest in step and moves
	// the directory's version with a record of the phones changed. A store
	// applies it atomically where it can. Where it cannot, an Apply cut
	// short returns an error wrapping replication.ErrInterrupted and leaves
	// Digest "" and Hashes reading what was written, so that the next
	// sync's plan repairs it (docs/replication.md); any other error means
	// nothing changed. An Apply with nothing to do only makes Digest right
	// again if it was not.
	Apply(ctx context.Context, puts []roster.Employee, deletes []string) error
	// RecordRun keeps the report of a finished run in the sync history
	// (the last few dozen runs). A run that was applied — not a dry run, not
	// refused, no error — also marks the directory as synced.
	RecordRun(ctx context.Context, r Report) error
	// AcquireLease takes the sync lease for holder until ttl has passed, so
	// that one sync runs at a time across processes and instances. It
	// returns an error wrapping ErrBusy while another holder's lease is
	// unexpired; an expired lease (its holder crashed) is taken over.
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

// Applied reports whether the run changed the store or could have: a real
// run that was neither refused nor failed.
func (r Report) Applied() bool { return !r.DryRun && !r.Refused && r.Error == "" }

// Finished is when the run ended: StartedAt plus DurationMS milliseconds,
// what a store records as the directory's last sync.
func (r Report) Finished() time.Time {
	return r.StartedAt.Add(time.Duration(r.DurationMS) * time.Millisecond)
}

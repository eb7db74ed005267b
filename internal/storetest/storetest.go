// Package storetest is the contract every rollcall directory store keeps,
// written once as tests and run against each adapter (bolt, firestore) from
// that adapter's own _test.go files. It is a test helper: production code
// never imports it.
//
// The suite knows nothing of how a store keeps its data, and it never sleeps,
// so that it runs as fast against the Firestore emulator as against a file:
// where time matters (lease expiry) a clocktest.Clock that the suite
// advances stands in for the store's clock. Its replication section
// (replication.go) holds a store to docs/replication.md: the digest, the
// version, the changes since one, and the repair of an Apply cut short.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// Store is everything rollcall needs of a directory store: what a sync
// writes (rostersync.Store) and what the service reads.
type Store interface {
	rostersync.Store
	// binding.Store keeps the bindings of verified Kakao users; ApplyPlan
	// deletes the bindings to the phones it deletes or gives to another
	// person.
	binding.Store
	// Lookup returns the employee stored under phone (E.164) and true, or
	// false when no employee has that phone; a miss is not an error.
	Lookup(ctx context.Context, phone string) (roster.Employee, bool, error)
	// LastSync returns when the last recorded applied sync run finished, or
	// the zero time when no applied run was ever recorded.
	//
	// The contract fixes what "finished" means: a report's StartedAt plus its
	// DurationMS milliseconds, kept to at least millisecond precision.
	LastSync(ctx context.Context) (time.Time, error)
	// Runs returns the reports of at most limit (at least 1) recorded runs,
	// newest (latest StartedAt) first. A store keeps the 50 newest runs.
	Runs(ctx context.Context, limit int) ([]rostersync.Report, error)
	// Count returns how many employees the directory holds.
	Count(ctx context.Context) (int, error)
	// Employees returns every employee, by phone, each as Lookup would
	// return it (memdir.Store: the directory held in memory).
	Employees(ctx context.Context) (map[string]roster.Employee, error)
	// Status returns, in one read, the directory's version and LastSync
	// (memdir.Store). The version is a token that changes whenever an Apply
	// with something to do has changed the employees, so that a reader can
	// tell its copy of the directory is out of date without reading it. It
	// stays the same across reads, across an Apply with nothing to do and
	// across RecordRun; its value means nothing beyond being equal or not.
	Status(ctx context.Context) (version string, lastSync time.Time, err error)
	// Changes returns what changed after a version: the employees written
	// since, the phones removed, and the version that brings a reader to;
	// false when it cannot tell (memdir.Store).
	Changes(ctx context.Context, version string) (replication.Changes, bool, error)
}

// keptRuns is how many runs a store's history keeps.
const keptRuns = 50

// epoch returns where every clause's Clock starts: a whole millisecond,
// since stores need keep times no finer than that.
func epoch() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }

// contractTest is one clause of the contract, run against a fresh store
// whose clock is clock.
type contractTest struct {
	name string
	run  func(t *testing.T, s Store, clock *clocktest.Clock)
}

// clockless adapts a clause that does not need the clock.
func clockless(run func(t *testing.T, s Store)) func(t *testing.T, s Store, clock *clocktest.Clock) {
	return func(t *testing.T, s Store, _ *clocktest.Clock) { run(t, s) }
}

// Run runs the contract against stores made by open. Each call of open must
// return a fresh, empty store that no other call shares, whose clock is
// clock.Now (the store's clock decides when a lease has
// expired), and arrange its own clean-up with t.Cleanup. The clauses run in
// parallel.
//
// cut, for a store that cannot apply atomically, makes the store's next
// Apply fail at its at-th commit (the first records the Apply as pending),
// its commits small enough that 60 deletions take at least four, and at 0
// stops cutting; a store that applies atomically passes nil, and
// the clauses that need it are skipped.
func Run(t *testing.T, open func(t *testing.T, clock *clocktest.Clock) Store, cut func(s Store, at int)) {
	t.Helper()
	tests := []contractTest{
		{"empty store", clockless(testEmpty)},
		{"apply then lookup returns every field", clockless(testLookupFields)},
		{"lookup of an unknown phone is a miss", clockless(testLookupMiss)},
		{"hashes are the employees' hashes", clockless(testHashes)},
		{"update overwrites every field", clockless(testUpdate)},
		{"delete removes", clockless(testDelete)},
		{"delete of an absent phone is no error", clockless(testDeleteAbsent)},
		{"puts and deletes in one apply", clockless(testPutsAndDeletes)},
		{"empty apply changes nothing", clockless(testEmptyApply)},
		{"employee without a phone is refused", clockless(testNoPhone)},
		{"count is the number of employees", clockless(testCount)},
		{"record run sets last sync", clockless(testRecordRun)},
		{"later run moves last sync", clockless(testRecordRunAgain)},
		{"record run leaves employees alone", clockless(testRecordRunKeepsEmployees)},
		{"runs not applied are kept but do not move last sync", clockless(testRunsNotApplied)},
		{"runs are newest first and limited", clockless(testRunsOrder)},
		{"history keeps the newest 50 runs", clockless(testRunsPruned)},
		{"lease excludes another holder", clockless(testLeaseExclusive)},
		{"lease re-acquired by its holder is refreshed", testLeaseRefresh},
		{"released lease lets another holder in", clockless(testLeaseRelease)},
		{"expired lease is taken over", testLeaseExpiry},
		{"concurrent acquires: exactly one wins", clockless(testLeaseConcurrent)},
		{"employees are every employee", clockless(testEmployees)},
		{"large apply round-trips", clockless(testLargeApply)},
		{"cancelled context is an error", clockless(testCancelled)},
	}
	tests = append(tests, bindingTests()...)
	tests = append(tests, replicationTests(cut)...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := clocktest.New(epoch())
			tt.run(t, open(t, clock), clock)
		})
	}
}

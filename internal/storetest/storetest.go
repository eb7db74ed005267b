// Package storetest is the contract every rollcall directory store keeps,
// written once as tests and run against each adapter (bolt, firestore) from
// that adapter's own _test.go files. It is a test helper: production code
// never imports it.
//
// The suite knows nothing of how a store keeps its data, and it never sleeps,
// so that it runs as fast against the Firestore emulator as against a file.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/directory"
	"github.com/rollcall/rollcall/internal/sync"
)

// Store is everything rollcall needs of a directory store: what a sync
// writes (sync.Store) and what the service reads.
type Store interface {
	sync.Store
	// Lookup returns the employee stored under phone (E.164) and true, or
	// false when no employee has that phone; a miss is not an error.
	Lookup(ctx context.Context, phone string) (directory.Employee, bool, error)
	// LastSync returns when the last recorded sync run finished, or the zero
	// time when no run was ever recorded.
	//
	// The contract fixes what "finished" means: a report's StartedAt plus its
	// DurationMS milliseconds, kept to at least millisecond precision; a
	// report without a StartedAt is stamped with the store's clock when
	// RecordRun is called.
	LastSync(ctx context.Context) (time.Time, error)
}

// contractTest is one clause of the contract, run against a fresh store.
type contractTest struct {
	name string
	run  func(t *testing.T, s Store)
}

// Run runs the contract against stores made by open. Each call of open must
// return a fresh, empty store that no other call shares, and arrange its own
// clean-up with t.Cleanup. The clauses run in parallel.
func Run(t *testing.T, open func(t *testing.T) Store) {
	t.Helper()
	tests := []contractTest{
		{"empty store", testEmpty},
		{"apply then lookup returns every field", testLookupFields},
		{"lookup of an unknown phone is a miss", testLookupMiss},
		{"hashes are the employees' hashes", testHashes},
		{"update overwrites every field", testUpdate},
		{"delete removes", testDelete},
		{"delete of an absent phone is no error", testDeleteAbsent},
		{"puts and deletes in one apply", testPutsAndDeletes},
		{"empty apply changes nothing", testEmptyApply},
		{"employee without a phone is refused", testNoPhone},
		{"record run sets last sync", testRecordRun},
		{"later run moves last sync", testRecordRunAgain},
		{"record run leaves employees alone", testRecordRunKeepsEmployees},
		{"large apply round-trips", testLargeApply},
		{"cancelled context is an error", testCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, open(t))
		})
	}
}

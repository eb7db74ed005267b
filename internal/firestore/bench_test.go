package firestore

import (
	"os"
	"testing"

	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/storetest"
)

// benchEmployees is the size of the directory the benchmark syncs: 10,000,
// or 500 when ROLLCALL_TEST_BENCH_SMOKE is set. make test sets it: it runs
// every benchmark once to prove it still works, and a few 10,000-employee
// syncs would add some 20 s that prove nothing TestSyncCost does not.
var benchEmployees = func() int {
	if os.Getenv("ROLLCALL_TEST_BENCH_SMOKE") != "" {
		return 500
	}
	return 10_000
}()

// BenchmarkSync10k times, against the Firestore emulator, the store's part of
// a first sync of 10,000 employees (Apply into an empty database) and the
// plan of a changed one (Hashes: the manifest), then a first and an
// unchanged whole sync through the sync engine (sheet parsing, digest and
// run record included).
//
//	scripts/firestore-emulator.sh go test -run '^$' -bench Sync10k -benchtime 3x ./internal/firestore/
func BenchmarkSync10k(b *testing.B) {
	needEmulator(b)
	es := storetest.People(benchEmployees)
	rows := sheet(benchEmployees)

	b.Run("first_apply", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			b.StopTimer()
			s := openTestStore(b)
			b.StartTimer()
			if _, err := s.ApplyPlan(b.Context(), rostersync.Plan{Added: es}); err != nil {
				b.Fatalf("ApplyPlan: %v", err)
			}
		}
		reportRate(b)
	})

	b.Run("manifest_hashes", func(b *testing.B) {
		s := openTestStore(b)
		if _, err := s.ApplyPlan(b.Context(), rostersync.Plan{Added: es}); err != nil {
			b.Fatalf("ApplyPlan: %v", err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			hashes, err := s.Hashes(b.Context())
			if err != nil {
				b.Fatalf("Hashes: %v", err)
			}
			if len(hashes) != benchEmployees {
				b.Fatalf("Hashes returned %d employees, want %d", len(hashes), benchEmployees)
			}
		}
		reportRate(b)
	})

	b.Run("first_sync", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			b.StopTimer()
			engine := rostersync.NewEngine(&rowsSource{rows: rows}, openTestStore(b), 20)
			b.StartTimer()
			r, err := engine.Run(b.Context(), rostersync.Options{})
			if err != nil {
				b.Fatalf("first sync: %v", err)
			}
			if r.Added != benchEmployees {
				b.Fatalf("first sync added %d employees, want %d", r.Added, benchEmployees)
			}
		}
		reportRate(b)
	})

	b.Run("unchanged_sync", func(b *testing.B) {
		engine := rostersync.NewEngine(&rowsSource{rows: rows}, openTestStore(b), 20)
		if _, err := engine.Run(b.Context(), rostersync.Options{}); err != nil {
			b.Fatalf("first sync: %v", err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			r, err := engine.Run(b.Context(), rostersync.Options{})
			if err != nil {
				b.Fatalf("unchanged sync: %v", err)
			}
			if r.Unchanged != benchEmployees {
				b.Fatalf("unchanged sync found %d unchanged employees, want %d", r.Unchanged, benchEmployees)
			}
		}
		reportRate(b)
	})
}

// reportRate reports employees handled per second of timed work.
func reportRate(b *testing.B) {
	b.Helper()
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(benchEmployees)*float64(b.N)/s, "employees/s")
	}
}

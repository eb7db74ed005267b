package bolt_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/rollcall/rollcall/internal/bolt"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/storetest"
)

// BenchmarkLookup measures the service's hot path: one phone looked up in a
// directory of 10,000.
func BenchmarkLookup(b *testing.B) {
	s, err := bolt.Open(filepath.Join(b.TempDir(), "rollcall.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	es := storetest.People(10_000)
	if _, err := s.ApplyPlan(b.Context(), rostersync.Plan{Added: es}); err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok, err := s.Lookup(ctx, es[i%len(es)].Phone); err != nil || !ok {
			b.Fatalf("Lookup = (found %v, %v)", ok, err)
		}
		i += 7919 // a prime stride visits keys out of order
	}
}

// BenchmarkApply10k measures a first sync's write: 10,000 employees into an
// empty store, in one transaction.
func BenchmarkApply10k(b *testing.B) {
	es := storetest.People(10_000)
	dir := b.TempDir()
	ctx := b.Context()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		b.StopTimer()
		n++
		s, err := bolt.Open(filepath.Join(dir, fmt.Sprintf("rollcall-%d.db", n)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.ApplyPlan(ctx, rostersync.Plan{Added: es}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

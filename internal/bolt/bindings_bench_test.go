package bolt

import (
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/storetest"
	"github.com/rollcall/rollcall/internal/userkey"
)

// benchPutBindings measures binds on the bolt store, into a file already
// holding prefill bindings, by parallelism goroutines per CPU: each an
// append to the bindings journal synced to disk, concurrent ones sharing
// an append, and every foldEvery a fold into the bolt file. cpu-µs/op is
// the process's user+system time per bind, steadier than ns/op on a
// shared machine; pwrites/op the bolt file's pages written (by the folds).
func benchPutBindings(b *testing.B, parallelism, prefill int) {
	s, err := Open(filepath.Join(b.TempDir(), "rollcall.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	es := storetest.People(10)
	if _, err := s.ApplyPlan(b.Context(), rostersync.Plan{Added: es}); err != nil {
		b.Fatal(err)
	}
	now, ctx := time.Now(), b.Context()
	bindingOf := func(i int64) binding.Binding {
		e := es[i%10]
		return binding.Binding{Phone: e.Phone, Person: binding.PersonOf(e), BoundAt: now, ExpiresAt: now.Add(time.Hour)}
	}
	var n atomic.Int64
	put := func() {
		i := n.Add(1)
		if err := s.PutBinding(ctx, userkey.Of(fmt.Sprint(i)), bindingOf(i)); err != nil {
			panic(err)
		}
	}
	for range prefill / 1000 {
		done := make(chan struct{})
		for range 1000 {
			go func() { put(); done <- struct{}{} }()
		}
		for range 1000 {
			<-done
		}
	}
	cpu0, writes0 := cpuTime(), pageWrites(s)
	b.ResetTimer()
	b.SetParallelism(parallelism)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			put()
		}
	})
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
	b.ReportMetric(float64(pageWrites(s)-writes0)/float64(b.N), "pwrites/op")
}

// pageWrites is how many pages s's commits have written so far.
func pageWrites(s *Store) int64 {
	st := s.db.Stats()
	return st.TxStats.GetWrite()
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPutBinding is one bind at a time: the disk's sync, alone.
func BenchmarkPutBinding(b *testing.B) { benchPutBindings(b, 1, 0) }

// BenchmarkPutBindingConcurrent is 32 binds at a time per CPU, as a
// saturated validation skill makes them: they share commits.
func BenchmarkPutBindingConcurrent(b *testing.B) { benchPutBindings(b, 32, 0) }

// BenchmarkPutBindingConcurrent100k is the same into a file that already
// holds 100,000 bindings, as the launch day's capacity phase leaves it.
func BenchmarkPutBindingConcurrent100k(b *testing.B) { benchPutBindings(b, 32, prefill100k) }

// prefill100k is 100,000, or 1,000 when ROLLCALL_TEST_BENCH_SMOKE is set:
// make test runs every benchmark once to prove it still works, and filling
// 100,000 bindings first took some 13 s under -race that prove nothing more.
var prefill100k = func() int {
	if os.Getenv("ROLLCALL_TEST_BENCH_SMOKE") != "" {
		return 1_000
	}
	return 100_000
}()

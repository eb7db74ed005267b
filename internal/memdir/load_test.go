package memdir

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
)

// TestLoadReadsEveryEmployee: a load holds every employee the store hands
// over, and keeps its copy when the store fails.
func TestLoadReadsEveryEmployee(t *testing.T) {
	t.Parallel()
	st := syncedState()
	for i := range 100 {
		st.employees = append(st.employees, roster.Employee{
			Phone: fmt.Sprintf("+8210%08d", i), Name: fmt.Sprintf("직원%d", i), Department: "개발팀", Position: "사원", Row: i + 3,
		})
	}
	store := newFakeStore(st)
	d := New(store, Options{})
	if err := d.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, e := range st.employees {
		wantFound(t, d, e)
	}
	store.set(func(s *storeState) { s.err = errors.New("store down") })
	if err := d.Refresh(t.Context()); err == nil {
		t.Error("Refresh with the store down succeeded")
	}
	wantFound(t, d, st.employees[0]) // the copy loaded before is kept
}

// TestCatchUpReadsOnlyTheChanges: a moved version brings in what changed
// since the copy's version, without reading every employee again; a copy
// the store's log does not reach back to is read again whole.
func TestCatchUpReadsOnlyTheChanges(t *testing.T) {
	t.Parallel()
	store := newFakeStore(syncedState())
	d, _ := newTestDirectory(t, store, newFakeClock())
	refresh(t, d)
	full := store.count("Employees")

	moved := hong
	moved.Department = "재무팀"
	lee := roster.Employee{Phone: "+821055550000", Name: "이도윤", Department: "영업팀", Position: "사원"}
	store.set(func(s *storeState) {
		s.version, s.employees = "v2", []roster.Employee{moved, lee}
		s.changes = map[string]replication.Changes{"v1": {Version: "v2", Written: []roster.Employee{moved, lee}, Removed: []string{kim.Phone}}}
	})
	refresh(t, d)
	wantFound(t, d, moved)
	wantFound(t, d, lee)
	wantMissing(t, d, kim.Phone)
	if n := store.count("Employees"); n != full {
		t.Errorf("catching up read every employee %d more times, want 0", n-full)
	}

	// Too far behind for the log: everything is read again.
	store.set(func(s *storeState) { s.version, s.employees, s.changes = "v9", []roster.Employee{kim}, nil })
	refresh(t, d)
	wantFound(t, d, kim)
	wantMissing(t, d, lee.Phone)
	if n := store.count("Employees"); n != full+1 {
		t.Errorf("a copy older than the log read every employee %d times, want once", n-full)
	}
}

// BenchmarkLoad100k loads a directory of 100,000 employees, the size the
// 128 MiB memory target is set for, and reports the heap the loaded copy
// keeps (live_MB, after a collection) and its look-up time.
func BenchmarkLoad100k(b *testing.B) {
	const n = 100_000
	phone := func(i int) string { return fmt.Sprintf("+8210%08d", i*7919%100_000_000) }
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	st := storeState{last: synced, version: "v1"}
	for i := range n {
		st.employees = append(st.employees, roster.Employee{
			Phone: phone(i), Name: fmt.Sprintf("직원%d", i), Department: fmt.Sprintf("부서%d", i%40),
			Position: "사원", Email: fmt.Sprintf("employee%d@example.com", i), Row: i + 2,
		})
	}
	store := newFakeStore(st)
	st.employees = nil
	d := New(store, Options{})
	if err := d.Refresh(b.Context()); err != nil {
		b.Fatal(err)
	}
	store.set(func(s *storeState) { s.employees = nil }) // only the copy holds them now
	runtime.GC()
	runtime.ReadMemStats(&after)
	live := float64(after.HeapAlloc-before.HeapAlloc) / 1e6
	phones := make([]string, n)
	for i := range phones {
		phones[i] = phone(i * 104729 % n)
	}
	ctx := b.Context()
	i := 0
	for b.Loop() {
		if _, ok, err := d.Lookup(ctx, phones[i%n]); !ok || err != nil {
			b.Fatal("lookup failed")
		}
		i++
	}
	b.ReportMetric(live, "live_MB")
	runtime.KeepAlive(d)
}

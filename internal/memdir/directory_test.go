package memdir

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/roster"
)

// wantFound fails the test unless d finds want under its phone.
func wantFound(t *testing.T, d *Directory, want roster.Employee) {
	t.Helper()
	got, ok, err := d.Lookup(t.Context(), want.Phone)
	if err != nil || !ok {
		t.Fatalf("Lookup of the employee from row %d = (found %v, %v), want found", want.Row, ok, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Lookup (-want +got):\n%s", diff)
	}
}

// wantMissing fails the test unless d answers "no such employee" for phone.
func wantMissing(t *testing.T, d *Directory, phone string) {
	t.Helper()
	if _, ok, err := d.Lookup(t.Context(), phone); err != nil || ok {
		t.Fatalf("Lookup = (found %v, %v), want a miss", ok, err)
	}
}

// refresh refreshes d, failing the test on an error.
func refresh(t *testing.T, d *Directory) {
	t.Helper()
	if err := d.Refresh(t.Context()); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
}

// wantLastSync fails the test unless d's LastSync is want.
func wantLastSync(t *testing.T, d *Directory, want time.Time) {
	t.Helper()
	got, err := d.LastSync(t.Context())
	if err != nil {
		t.Fatalf("LastSync: %v", err)
	}
	if !got.Equal(want) {
		t.Errorf("LastSync = %v, want %v", got, want)
	}
}

func TestNotLoaded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		state        storeState
		wantReadyErr bool
	}{
		{"store never synced", storeState{}, false},
		{"store unreachable", storeState{err: errDown}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeStore(tt.state)
			d, _ := newTestDirectory(t, store, newFakeClock())

			if _, ok, err := d.Lookup(t.Context(), hong.Phone); !errors.Is(err, ErrNotLoaded) || ok {
				t.Errorf("Lookup before any load = (found %v, %v), want ErrNotLoaded", ok, err)
			}
			last, err := d.LastSync(t.Context())
			if gotErr := err != nil; gotErr != tt.wantReadyErr || !last.IsZero() {
				t.Errorf("LastSync = (%v, %v), want the zero time and an error: %v", last, err, tt.wantReadyErr)
			}
			if tt.wantReadyErr && !errors.Is(err, errDown) {
				t.Errorf("LastSync error = %v, want it to wrap the store's", err)
			}
			if err := d.Refresh(t.Context()); !errors.Is(err, tt.state.err) {
				t.Errorf("Refresh = %v, want %v", err, tt.state.err)
			}
			if _, ok, err := d.Lookup(t.Context(), hong.Phone); !errors.Is(err, ErrNotLoaded) || ok {
				t.Errorf("Lookup after the checks = (found %v, %v), want ErrNotLoaded", ok, err)
			}
			if got := d.Stale(); got != "" {
				t.Errorf("Stale with nothing loaded = %q, want \"\"", got)
			}
			if n := store.count("Employees"); n != 0 {
				t.Errorf("Employees read %d times, want never", n)
			}
		})
	}
}

func TestInitialLoad(t *testing.T) {
	t.Parallel()
	store := newFakeStore(syncedState())
	d, logs := newTestDirectory(t, store, newFakeClock())
	refresh(t, d)

	wantFound(t, d, hong)
	wantFound(t, d, kim)
	wantMissing(t, d, stranger)
	wantMissing(t, d, "")
	wantLastSync(t, d, synced)
	if got := d.Stale(); got != "" {
		t.Errorf("Stale = %q, want \"\"", got)
	}
	if !strings.Contains(logs.String(), `"employees":2`) {
		t.Errorf("the load is not logged with its size:\n%s", logs)
	}
	for _, pii := range []string{"1012345678", "홍길동", "인사팀"} {
		if strings.Contains(logs.String(), pii) {
			t.Errorf("the logs contain %q", pii)
		}
	}
}

func TestLastSyncLoadsWhenNothingIsLoaded(t *testing.T) {
	t.Parallel()
	store := newFakeStore(syncedState())
	d, _ := newTestDirectory(t, store, newFakeClock())
	// The readiness probe, asked first, waits for the load.
	wantLastSync(t, d, synced)
	wantFound(t, d, hong)
}

func TestRefreshAfterOwnSync(t *testing.T) {
	t.Parallel()
	store := newFakeStore(syncedState())
	clock := newFakeClock()
	d, _ := newTestDirectory(t, store, clock)
	refresh(t, d)

	// A sync deletes hong, and the wiring refreshes at once: the clock has
	// not moved, so no check would be due.
	later := synced.Add(time.Hour)
	store.set(func(s *storeState) { s.last, s.version, s.employees = later, "v2", []roster.Employee{kim} })
	refresh(t, d)
	wantMissing(t, d, hong.Phone)
	wantFound(t, d, kim)
	wantLastSync(t, d, later)

	// A sync that changed nothing moves the stamp without reading the
	// employees again.
	reads := store.count("Employees")
	latest := later.Add(time.Hour)
	store.set(func(s *storeState) { s.last = latest })
	refresh(t, d)
	wantLastSync(t, d, latest)
	wantFound(t, d, kim)
	if n := store.count("Employees"); n != reads {
		t.Errorf("an unchanged version read the employees again (%d reads, want %d)", n, reads)
	}
}

func TestCheckInterval(t *testing.T) {
	t.Parallel()
	store := newFakeStore(syncedState())
	clock := newFakeClock()
	d, _ := newTestDirectory(t, store, clock)
	refresh(t, d)
	checks := store.count("Status")

	// Another instance deletes hong.
	store.set(func(s *storeState) {
		s.last, s.version, s.employees = synced.Add(time.Hour), "v2", []roster.Employee{kim}
	})

	clock.Advance(DefaultCheckInterval - time.Nanosecond)
	for range 100 {
		wantFound(t, d, hong)
	}
	settle(t, d)
	if n := store.count("Status"); n != checks {
		t.Fatalf("the store was checked %d times before the interval was over, want 0", n-checks)
	}

	clock.Advance(time.Nanosecond)
	// The request that finds a check due starts it (and does not wait for
	// it: TestBackgroundCheckIsShared).
	if _, _, err := d.Lookup(t.Context(), hong.Phone); err != nil {
		t.Fatal(err)
	}
	settle(t, d)
	wantMissing(t, d, hong.Phone)
	if n := store.count("Status"); n != checks+1 {
		t.Errorf("the store was checked %d times once the interval was over, want 1", n-checks)
	}

	// The next check is an interval after that one.
	clock.Advance(DefaultCheckInterval / 2)
	wantFound(t, d, kim)
	settle(t, d)
	if n := store.count("Status"); n != checks+1 {
		t.Errorf("the store was checked again %v after the last check", DefaultCheckInterval/2)
	}
}

func TestBackgroundCheckIsShared(t *testing.T) {
	t.Parallel()
	store := newFakeStore(syncedState())
	clock := newFakeClock()
	d, _ := newTestDirectory(t, store, clock)
	refresh(t, d)

	// The next check hangs in the store until the test lets it go.
	started, release := make(chan struct{}, 100), make(chan struct{})
	unblocked := store.status
	store.status = func(ctx context.Context) (string, time.Time, error) {
		started <- struct{}{}
		<-release
		return unblocked(ctx)
	}
	checks := store.count("Status")
	store.set(func(s *storeState) { s.version, s.employees = "v2", []roster.Employee{kim} })

	clock.Advance(DefaultCheckInterval)
	for i := range 1000 {
		// Requests keep being answered, from the copy in memory, while the
		// check hangs; even when another interval passes, they join it.
		wantFound(t, d, hong)
		if i == 500 {
			clock.Advance(2 * DefaultCheckInterval)
		}
	}
	<-started
	close(release)
	settle(t, d)
	wantMissing(t, d, hong.Phone)
	if n := len(started); n != 0 {
		t.Errorf("%d more checks started while one was running, want none", n)
	}
	if n := store.count("Status"); n != checks+1 {
		t.Errorf("the store was checked %d times, want 1", n-checks)
	}
}

func TestRefreshWaitsForEarlierCheck(t *testing.T) {
	t.Parallel()
	store := newFakeStore(syncedState())
	clock := newFakeClock()
	d, _ := newTestDirectory(t, store, clock)
	refresh(t, d)

	// A background check reads the old version, then hangs before reading
	// the employees; meanwhile this instance's sync deletes hong.
	store.set(func(s *storeState) { s.version = "v2" })
	inEmployees, release := make(chan struct{}), make(chan struct{})
	unblocked := store.employees
	store.employees = func(ctx context.Context) ([]roster.Employee, error) {
		close(inEmployees)
		<-release
		store.employees = unblocked
		return []roster.Employee{hong, kim}, nil // what it read before the sync
	}
	clock.Advance(DefaultCheckInterval)
	wantFound(t, d, hong)
	<-inEmployees
	store.set(func(s *storeState) { s.version, s.employees = "v3", []roster.Employee{kim} })

	refreshed := make(chan error, 1)
	go func() { refreshed <- d.Refresh(context.Background()) }()
	close(release)
	if err := <-refreshed; err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	wantMissing(t, d, hong.Phone)
}

func TestStoreDown(t *testing.T) {
	t.Parallel()
	store := newFakeStore(syncedState())
	clock := newFakeClock()
	d, logs := newTestDirectory(t, store, clock)
	refresh(t, d)

	store.set(func(s *storeState) { s.err = errDown })
	for range 3 {
		clock.Advance(DefaultCheckInterval)
		wantFound(t, d, hong)
		settle(t, d)
	}
	if err := d.Refresh(t.Context()); !errors.Is(err, errDown) {
		t.Errorf("Refresh with the store down = %v, want its error", err)
	}
	// Still answering, ready, and saying why the answers may be old.
	wantFound(t, d, hong)
	wantMissing(t, d, stranger)
	wantLastSync(t, d, synced)
	if got := d.Stale(); got != StaleReason {
		t.Errorf("Stale = %q, want %q", got, StaleReason)
	}
	if n := strings.Count(logs.String(), `"level":"WARN"`); n != 1 {
		t.Errorf("%d warnings for four failed checks, want 1:\n%s", n, logs)
	}

	// The store comes back, with hong gone.
	store.set(func(s *storeState) { s.err, s.version, s.employees = nil, "v2", []roster.Employee{kim} })
	clock.Advance(DefaultCheckInterval)
	wantFound(t, d, hong)
	settle(t, d)
	wantMissing(t, d, hong.Phone)
	if got := d.Stale(); got != "" {
		t.Errorf("Stale after the store came back = %q, want \"\"", got)
	}
	if !strings.Contains(logs.String(), "can be reached again") {
		t.Errorf("the recovery is not logged:\n%s", logs)
	}
	if n := strings.Count(logs.String(), `"level":"WARN"`); n != 1 {
		t.Errorf("%d warnings after the recovery, want still 1", n)
	}
}

func TestRetriesSoonerWhenNothingIsLoaded(t *testing.T) {
	t.Parallel()
	store := newFakeStore(storeState{err: errDown})
	clock := newFakeClock()
	d, _ := newTestDirectory(t, store, clock)
	if err := d.Refresh(t.Context()); err == nil {
		t.Fatal("Refresh with the store down succeeded")
	}

	// The store comes back; a request a retry interval later starts a
	// check, although a whole check interval has not passed.
	store.set(func(s *storeState) { *s = syncedState() })
	clock.Advance(DefaultRetryInterval)
	if _, _, err := d.Lookup(t.Context(), hong.Phone); !errors.Is(err, ErrNotLoaded) {
		t.Fatalf("Lookup = %v, want ErrNotLoaded: the check runs in the background", err)
	}
	settle(t, d)
	wantFound(t, d, hong)
}

func TestWatch(t *testing.T) {
	t.Parallel()
	store := newFakeStore(syncedState())
	clock := newFakeClock()
	d, _ := newTestDirectory(t, store, clock)
	refresh(t, d)
	checks := store.count("Status")
	store.set(func(s *storeState) { s.version, s.employees = "v2", []roster.Employee{kim} })

	ctx, stop := context.WithCancel(t.Context())
	watched := make(chan struct{})
	go func() { d.Watch(ctx); close(watched) }()
	// No request arrives; the timer alone brings the change in, an
	// interval after the last check and not before.
	if err := clock.BlockUntil(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(DefaultCheckInterval - time.Nanosecond)
	settle(t, d)
	if n := store.count("Status"); n != checks {
		t.Errorf("Watch checked the store %d times before the interval was over, want 0", n-checks)
	}
	clock.Advance(time.Nanosecond)
	if err := clock.BlockUntil(t.Context(), 1); err != nil { // Watch waits for the next one
		t.Fatal(err)
	}
	settle(t, d)
	if n := store.count("Status"); n != checks+1 {
		t.Errorf("Watch checked the store %d times at the interval, want 1", n-checks)
	}
	stop()
	<-watched
	wantMissing(t, d, hong.Phone)
	wantFound(t, d, kim)
}

// TestLookupDoesNotAllocate is not parallel: AllocsPerRun counts every
// allocation of the process.
func TestLookupDoesNotAllocate(t *testing.T) {
	store := newFakeStore(syncedState())
	d, _ := newTestDirectory(t, store, newFakeClock())
	refresh(t, d)
	ctx := t.Context()
	allocs := testing.AllocsPerRun(1000, func() {
		if _, ok, err := d.Lookup(ctx, hong.Phone); !ok || err != nil {
			panic("lookup failed")
		}
	})
	if allocs != 0 {
		t.Errorf("Lookup allocates %v times, want 0", allocs)
	}
}

func BenchmarkLookup(b *testing.B) {
	store := newFakeStore(syncedState())
	d := New(store, Options{})
	if err := d.Refresh(b.Context()); err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok, err := d.Lookup(ctx, hong.Phone); !ok || err != nil {
				b.Error("lookup failed")
				return
			}
		}
	})
}

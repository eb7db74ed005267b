package rostersync_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/rostersync"
)

func TestTakeLease(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	held := rostersync.Lease{Holder: "a", AcquiredAt: t0, ExpiresAt: t0.Add(time.Minute)}
	tests := []struct {
		name    string
		found   bool
		holder  string
		now     time.Time
		ttl     time.Duration
		want    rostersync.Lease
		wantErr error
	}{
		{"none held", false, "b", t0, time.Minute, rostersync.Lease{Holder: "b", AcquiredAt: t0, ExpiresAt: t0.Add(time.Minute)}, nil},
		{"held by another", true, "b", t0.Add(30 * time.Second), time.Minute, rostersync.Lease{}, rostersync.ErrBusy},
		{"expired", true, "b", t0.Add(time.Minute), time.Minute, rostersync.Lease{Holder: "b", AcquiredAt: t0.Add(time.Minute), ExpiresAt: t0.Add(2 * time.Minute)}, nil},
		{"extended by its holder", true, "a", t0.Add(30 * time.Second), time.Minute, rostersync.Lease{Holder: "a", AcquiredAt: t0, ExpiresAt: t0.Add(90 * time.Second)}, nil},
		{"no holder", false, "", t0, time.Minute, rostersync.Lease{}, rostersync.ErrBadLease},
		{"no ttl", false, "b", t0, 0, rostersync.Lease{}, rostersync.ErrBadLease},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := rostersync.TakeLease(held, tt.found, tt.holder, tt.now, tt.ttl)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("TakeLease error = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("TakeLease = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// leaseStore is a Store whose lease expires by the test's clock and whose
// every method is safe for concurrent use, as a real store's is: the lease
// is renewed from a goroutine of its own. A test can take the lease from
// under a holder (steal) or make the lease calls fail (down).
type leaseStore struct {
	clock   *clocktest.Clock
	mu      sync.Mutex
	inner   *memStore
	lease   rostersync.Lease
	held    bool
	down    bool
	renewed int
}

func (s *leaseStore) Digest(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inner.Digest(ctx)
}

func (s *leaseStore) Hashes(ctx context.Context) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inner.Hashes(ctx)
}

func (s *leaseStore) ApplyPlan(ctx context.Context, p rostersync.Plan) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inner.ApplyPlan(ctx, p)
}

func (s *leaseStore) RecordRun(ctx context.Context, r rostersync.Report) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inner.RecordRun(ctx, r)
}

func (s *leaseStore) AcquireLease(_ context.Context, holder string, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return errors.New("store unreachable")
	}
	next, err := rostersync.TakeLease(s.lease, s.held, holder, s.clock.Now(), ttl)
	if err != nil {
		return err
	}
	if s.held && s.lease.Holder == holder {
		s.renewed++
	}
	s.lease, s.held = next, true
	return nil
}

func (s *leaseStore) ReleaseLease(_ context.Context, holder string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held && s.lease.Holder == holder {
		s.held = false
	}
	return nil
}

func (s *leaseStore) steal(holder string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.lease, s.held = rostersync.Lease{Holder: holder, AcquiredAt: now, ExpiresAt: now.Add(time.Hour)}, true
}

func (s *leaseStore) setDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

func (s *leaseStore) applies() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inner.applies
}

// heldSheet is a Source whose read waits until the test lets it go (or the
// sync's context ends), telling the test when the read has started.
type heldSheet struct {
	rows    [][]string
	reading chan struct{}
	finish  chan struct{}
}

func newHeldSheet(rows [][]string) *heldSheet {
	return &heldSheet{rows: rows, reading: make(chan struct{}), finish: make(chan struct{})}
}

func (s *heldSheet) Rows(ctx context.Context) ([][]string, error) {
	close(s.reading)
	select {
	case <-s.finish:
		return s.rows, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// runAsync starts engine.Run and returns where its result arrives.
func runAsync(engine *rostersync.Engine) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := engine.Run(context.Background(), rostersync.Options{})
		done <- err
	}()
	return done
}

// newLeaseStore returns a leaseStore on a clock of its own, and the
// engine options that put a sync on that clock.
func newLeaseStore() (*leaseStore, []rostersync.EngineOption) {
	clock := clocktest.New(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	return &leaseStore{clock: clock, inner: newMemStore()},
		[]rostersync.EngineOption{rostersync.WithClock(clock.Now), rostersync.WithAfter(clock.After)}
}

// tick waits until the lease holder waits for its next renewal, then
// moves the clock a third of the lease's ttl: to that renewal.
func tick(t *testing.T, store *leaseStore) {
	t.Helper()
	if err := store.clock.BlockUntil(t.Context(), 1); err != nil {
		t.Fatalf("the lease holder never waited for its renewal: %v", err)
	}
	store.clock.Advance(rostersync.LeaseTTL / 3)
}

// TestLeaseRenewedThroughASlowRead: a read that lasts several lease TTLs
// keeps the lease all along, so another holder is turned away, and the
// sync then applies.
func TestLeaseRenewedThroughASlowRead(t *testing.T) {
	t.Parallel()
	store, onClock := newLeaseStore()
	src := newHeldSheet(people(3))
	done := runAsync(rostersync.NewEngine(src, store, 20, append(onClock, rostersync.WithHolder("a"))...))
	<-src.reading
	for range 6 { // two TTLs: the lease, unrenewed, would have expired
		tick(t, store)
	}
	if err := store.clock.BlockUntil(t.Context(), 1); err != nil { // the sixth renewal is done
		t.Fatal(err)
	}

	other := rostersync.NewEngine(sheet{rows: people(1)}, store, 20, append(onClock, rostersync.WithHolder("b"))...)
	if _, err := other.Run(context.Background(), rostersync.Options{}); !errors.Is(err, rostersync.ErrBusy) {
		t.Errorf("another sync during the slow read = %v, want ErrBusy", err)
	}
	close(src.finish)
	if err := <-done; err != nil {
		t.Fatalf("the slow sync = %v, want done", err)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	if store.inner.applies != 1 || store.renewed < 6 {
		t.Errorf("applies %d, renewals %d; want 1 apply after at least 6 renewals", store.inner.applies, store.renewed)
	}
}

// TestRunStopsBeforeWritingWhenLeaseTaken: a sync whose lease went to
// another holder during its read finds out before it writes, and writes
// nothing.
func TestRunStopsBeforeWritingWhenLeaseTaken(t *testing.T) {
	t.Parallel()
	store, onClock := newLeaseStore()
	src := newHeldSheet(people(3))
	done := runAsync(rostersync.NewEngine(src, store, 20, append(onClock, rostersync.WithHolder("a"))...))
	<-src.reading
	store.steal("b") // as if a's lease had expired and b had taken it
	close(src.finish)

	err := <-done
	if !errors.Is(err, rostersync.ErrLeaseLost) {
		t.Errorf("Run after losing the lease = %v, want ErrLeaseLost", err)
	}
	if n := store.applies(); n != 0 {
		t.Errorf("%d applies after the lease was lost, want none", n)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	if store.lease.Holder != "b" || !store.held {
		t.Errorf("lease %+v (held %v) after the run, want b's untouched", store.lease, store.held)
	}
}

// TestRunStopsWhenLeaseCannotBeRenewed: with the store unreachable, the
// lease cannot be renewed; when it expires the sync stops, having
// written nothing.
func TestRunStopsWhenLeaseCannotBeRenewed(t *testing.T) {
	t.Parallel()
	store, onClock := newLeaseStore()
	src := newHeldSheet(people(3))
	done := runAsync(rostersync.NewEngine(src, store, 20, append(onClock, rostersync.WithHolder("a"))...))
	<-src.reading
	store.setDown(true)

	// Two failed renewals, then the expiry: the read never finishes, so
	// only the lost lease ends the sync.
	for range 3 {
		tick(t, store)
	}
	err := <-done
	if !errors.Is(err, rostersync.ErrLeaseLost) {
		t.Errorf("Run whose lease could not be renewed = %v, want ErrLeaseLost", err)
	}
	if n := store.applies(); n != 0 {
		t.Errorf("%d applies without a lease, want none", n)
	}
}

// TestRunWithStoreDown: a store that cannot be reached turns the sync away
// with ErrStore, and nothing is read or written.
func TestRunWithStoreDown(t *testing.T) {
	t.Parallel()
	store, _ := newLeaseStore()
	store.down = true
	r, err := rostersync.NewEngine(sheet{rows: people(3)}, store, 20).Run(context.Background(), rostersync.Options{})
	if !errors.Is(err, rostersync.ErrStore) || errors.Is(err, rostersync.ErrBusy) {
		t.Errorf("Run with the store down = %v, want ErrStore", err)
	}
	if r.Error == "" || r.Rows != 0 || store.applies() != 0 {
		t.Errorf("report %+v, applies %d; want an error, nothing read or applied", r, store.applies())
	}
}

package rostersync_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// leaseStore is a Store whose lease expires by the real clock and whose
// every method is safe for concurrent use, as a real store's is: the lease
// is renewed from a goroutine of its own. A test can take the lease from
// under a holder (steal) or make the lease calls fail (down).
type leaseStore struct {
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

func (s *leaseStore) Apply(ctx context.Context, puts []roster.Employee, deletes []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inner.Apply(ctx, puts, deletes)
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
	next, err := rostersync.TakeLease(s.lease, s.held, holder, time.Now(), ttl)
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
	s.lease, s.held = rostersync.Lease{Holder: holder, AcquiredAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}, true
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

// TestLeaseRenewedThroughASlowRead: a read that lasts several lease TTLs
// keeps the lease all along, so another holder is turned away, and the
// sync then applies.
func TestLeaseRenewedThroughASlowRead(t *testing.T) {
	t.Parallel()
	const ttl = 2 * time.Second
	store := &leaseStore{inner: newMemStore()}
	src := newHeldSheet(people(3))
	done := runAsync(rostersync.NewEngine(src, store, 20, rostersync.WithHolder("a"), rostersync.WithLeaseTTL(ttl)))
	<-src.reading
	time.Sleep(2 * ttl) // the lease, unrenewed, would have expired by now

	other := rostersync.NewEngine(sheet{rows: people(1)}, store, 20, rostersync.WithHolder("b"), rostersync.WithLeaseTTL(ttl))
	if _, err := other.Run(context.Background(), rostersync.Options{}); !errors.Is(err, rostersync.ErrBusy) {
		t.Errorf("another sync during the slow read = %v, want ErrBusy", err)
	}
	close(src.finish)
	if err := <-done; err != nil {
		t.Fatalf("the slow sync = %v, want done", err)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	if store.inner.applies != 1 || store.renewed == 0 {
		t.Errorf("applies %d, renewals %d; want 1 apply after at least one renewal", store.inner.applies, store.renewed)
	}
}

// TestRunStopsBeforeWritingWhenLeaseTaken: a sync whose lease went to
// another holder during its read finds out before it writes, and writes
// nothing.
func TestRunStopsBeforeWritingWhenLeaseTaken(t *testing.T) {
	t.Parallel()
	store := &leaseStore{inner: newMemStore()}
	src := newHeldSheet(people(3))
	done := runAsync(rostersync.NewEngine(src, store, 20, rostersync.WithHolder("a")))
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
	const ttl = 300 * time.Millisecond
	store := &leaseStore{inner: newMemStore()}
	src := newHeldSheet(people(3))
	done := runAsync(rostersync.NewEngine(src, store, 20, rostersync.WithHolder("a"), rostersync.WithLeaseTTL(ttl)))
	<-src.reading
	store.setDown(true)

	var err error
	select { // the read never finishes: only the lost lease ends the sync
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatal("the sync still runs a minute after its lease could no longer be renewed")
	}
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
	store := &leaseStore{inner: newMemStore(), down: true}
	r, err := rostersync.NewEngine(sheet{rows: people(3)}, store, 20).Run(context.Background(), rostersync.Options{})
	if !errors.Is(err, rostersync.ErrStore) || errors.Is(err, rostersync.ErrBusy) {
		t.Errorf("Run with the store down = %v, want ErrStore", err)
	}
	if r.Error == "" || r.Rows != 0 || store.applies() != 0 {
		t.Errorf("report %+v, applies %d; want an error, nothing read or applied", r, store.applies())
	}
}

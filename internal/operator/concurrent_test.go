package operator_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/operator"
	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// gatedSheet is a slow Source: its first read waits until released; any
// later read (which a correct engine never makes while the first runs)
// answers at once, so that a broken lock shows as a second write rather
// than as a hung test.
type gatedSheet struct {
	rows    [][]string
	entered chan struct{} // receives once the first read has started
	release chan struct{} // closed to let the first read finish

	mu    sync.Mutex
	reads int
}

func newGatedSheet(rows [][]string) *gatedSheet {
	return &gatedSheet{rows: rows, entered: make(chan struct{}, 1), release: make(chan struct{})}
}

func (g *gatedSheet) Rows(ctx context.Context) ([][]string, error) {
	g.mu.Lock()
	g.reads++
	first := g.reads == 1
	g.mu.Unlock()
	if first {
		g.entered <- struct{}{}
		select {
		case <-g.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return g.rows, nil
}

// memStore is an in-memory rostersync.Store (and Status) that records writes.
type memStore struct {
	mu          sync.Mutex
	employees   map[string]roster.Employee
	applies     int
	runs        []rostersync.Report
	lastSync    time.Time
	leaseHolder string
	leaseUntil  time.Time
}

var (
	_ rostersync.Store = (*memStore)(nil)
	_ operator.Status  = (*memStore)(nil)
)

func newMemStore() *memStore { return &memStore{employees: map[string]roster.Employee{}} }

func (s *memStore) Digest(ctx context.Context) (string, error) {
	h, err := s.Hashes(ctx)
	return replication.DigestOfHashes(h), err
}

func (s *memStore) Hashes(context.Context) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := make(map[string]string, len(s.employees))
	for p, e := range s.employees {
		h[p] = e.Hash()
	}
	return h, nil
}

func (s *memStore) ApplyPlan(_ context.Context, p rostersync.Plan) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.applies++
	for _, e := range p.Puts() {
		s.employees[e.Phone] = e
	}
	for _, p := range p.Deleted {
		delete(s.employees, p)
	}
	return 0, nil
}

func (s *memStore) RecordRun(_ context.Context, r rostersync.Report) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runs = append(s.runs, r)
	if r.Applied() {
		s.lastSync = r.StartedAt
	}
	return nil
}

func (s *memStore) AcquireLease(_ context.Context, holder string, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.leaseHolder != "" && s.leaseHolder != holder && time.Now().Before(s.leaseUntil) {
		return fmt.Errorf("lease held by another sync: %w", rostersync.ErrBusy)
	}
	s.leaseHolder, s.leaseUntil = holder, time.Now().Add(ttl)
	return nil
}

func (s *memStore) ReleaseLease(_ context.Context, holder string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.leaseHolder == holder {
		s.leaseHolder = ""
	}
	return nil
}

func (s *memStore) Runs(_ context.Context, limit int) ([]rostersync.Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	runs := slices.Clone(s.runs)
	slices.Reverse(runs)
	return runs[:min(limit, len(runs))], nil
}

func (s *memStore) Count(context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.employees), nil
}

func (s *memStore) LastSync(context.Context) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastSync, nil
}

// TestConcurrentTriggers sends two POSTs while the first sync is inside
// its (slow) read: one instance, or two instances sharing the store's lease.
// Exactly one runs and writes; the other is answered 409 busy.
func TestConcurrentTriggers(t *testing.T) {
	t.Parallel()
	keys := newGoogleKeys(t)
	sheet := [][]string{
		{"이름", "부서", "휴대전화"},
		{"직원1", "개발팀", "010-0000-0001"},
		{"직원2", "인사팀", "010-0000-0002"},
	}
	for _, instances := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d instances", instances), func(t *testing.T) {
			t.Parallel()
			store := newMemStore()
			source := newGatedSheet(sheet)
			var routes []http.Handler
			for i := range instances {
				engine := rostersync.NewEngine(source, store, 20, rostersync.WithHolder(fmt.Sprintf("instance-%d", i)))
				h := newHandler(t, operator.Config{Token: testToken}, engine, store, keys)
				routes = append(routes, router(t, h, nil))
			}
			first, second := routes[0], routes[len(routes)-1]

			answered := make(chan *httptest.ResponseRecorder)
			go func() { answered <- do(first, request(http.MethodPost, operator.SyncPath, "Bearer "+testToken)) }()
			<-source.entered // the first sync holds the lock and is reading
			busy := do(second, request(http.MethodPost, operator.SyncPath, "Bearer "+testToken))
			close(source.release)
			ran := <-answered

			codes := []int{ran.Code, busy.Code}
			if diff := cmp.Diff([]int{http.StatusOK, http.StatusConflict}, codes); diff != "" {
				t.Errorf("statuses (-want +got):\n%s\nfirst: %s\nsecond: %s", diff, ran.Body, busy.Body)
			}
			if reason := decode(t, busy)["reason"]; reason != operator.ReasonBusy {
				t.Errorf("409 reason = %v, want %q", reason, operator.ReasonBusy)
			}
			store.mu.Lock()
			defer store.mu.Unlock()
			if store.applies != 1 || len(store.runs) != 1 {
				t.Errorf("store written %d times with %d runs recorded, want 1 and 1", store.applies, len(store.runs))
			}
			if got := slices.Sorted(maps.Keys(store.employees)); !slices.Equal(got, []string{"+821000000001", "+821000000002"}) {
				t.Errorf("store holds %d employees, want the sheet's 2", len(got))
			}
			if store.leaseHolder != "" {
				t.Errorf("the lease is still held after the run")
			}
		})
	}
}

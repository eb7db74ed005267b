package memdir

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/logging/logtest"
	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
)

// fakeStore is a directory store with function fields; newFakeStore fills
// them from a state the test changes with set.
type fakeStore struct {
	status    func(ctx context.Context) (string, time.Time, error)
	employees func(ctx context.Context) ([]roster.Employee, error)

	mu    sync.Mutex
	state storeState
	calls map[string]int
}

// storeState is what the fake store holds.
type storeState struct {
	last      time.Time
	version   string
	employees []roster.Employee
	// changes, by the version they start from, are what Changes answers;
	// from any other version it answers "cannot tell".
	changes map[string]replication.Changes
	err     error // every call fails with it when set
}

func (f *fakeStore) Status(ctx context.Context) (string, time.Time, error) { return f.status(ctx) }
func (f *fakeStore) Changes(_ context.Context, version string) (replication.Changes, bool, error) {
	st := f.read("Changes")
	c, ok := st.changes[version]
	if st.err != nil {
		return replication.Changes{}, false, st.err
	}
	return c, ok, nil
}
func (f *fakeStore) Employees(ctx context.Context) (map[string]roster.Employee, error) {
	es, err := f.employees(ctx)
	if err != nil {
		return nil, err
	}
	byPhone := make(map[string]roster.Employee, len(es))
	for _, e := range es {
		byPhone[e.Phone] = e
	}
	return byPhone, nil
}

func newFakeStore(s storeState) *fakeStore {
	f := &fakeStore{state: s, calls: map[string]int{}}
	f.status = func(context.Context) (string, time.Time, error) {
		st := f.read("Status")
		return st.version, st.last, st.err
	}
	f.employees = func(context.Context) ([]roster.Employee, error) {
		st := f.read("Employees")
		if st.err != nil {
			return nil, st.err
		}
		return append([]roster.Employee(nil), st.employees...), nil
	}
	return f
}

// read counts a call of method and returns the state it sees.
func (f *fakeStore) read(method string) storeState {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[method]++
	return f.state
}

// set changes what the store holds.
func (f *fakeStore) set(change func(*storeState)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(&f.state)
}

// count returns how often method was called.
func (f *fakeStore) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

// newFakeClock returns a clock that moves only when the test says so.
func newFakeClock() *clocktest.Clock {
	return clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
}

// The directory the tests start from. The phones are made up.
var (
	hong     = roster.Employee{Phone: "+821012345678", Name: "홍길동", Department: "인사팀", Position: "과장", Row: 2}
	kim      = roster.Employee{Phone: "+821098765432", Name: "김하늘", Department: "개발팀", Position: "사원", Row: 3}
	stranger = "+821099990000"
	synced   = time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC)
	errDown  = errors.New("rpc error: code = Unavailable desc = connection refused")
)

// syncedState is a store synced once with hong and kim.
func syncedState() storeState {
	return storeState{last: synced, version: "v1", employees: []roster.Employee{hong, kim}}
}

// newTestDirectory returns a Directory over store with clock, logging into
// the returned buffer.
func newTestDirectory(t *testing.T, store Store, clock *clocktest.Clock) (*Directory, *logtest.Buffer) {
	t.Helper()
	logs := &logtest.Buffer{}
	return New(store, Options{Logger: slog.New(slog.NewJSONHandler(logs, nil)), Now: clock.Now, After: clock.After}), logs
}

// settle waits for the check in progress, if any, to end.
func settle(t *testing.T, d *Directory) {
	t.Helper()
	// Joins the check in progress, or runs one that does nothing.
	d.checks.Do(checkKey, func() (any, error) { return struct{}{}, nil })
}

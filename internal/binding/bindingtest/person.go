// Package bindingtest holds the scenarios of "a binding is to a person"
// (contract, section 3) that every store runs from its own tests, through
// the real sync, two serving instances and their gates: HR reissuing a
// bound phone to a new hire, and sorting a column by mistake. It is a test
// helper: production code never imports it.
package bindingtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/memdir"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/userkey"
)

// Store is what the scenarios need of a store: what a sync writes, what a
// serving instance reads and its bindings.
type Store interface {
	rostersync.Store
	memdir.Store
	binding.Store
}

// Instances returns the stores of two serving instances of one deployment
// (the same store twice where it serves one process, as bolt does), fresh
// and empty, cleaned up by t.
type Instances func(t *testing.T) (a, b Store)

// RunPersonTests runs the scenarios against the stores open returns.
func RunPersonTests(t *testing.T, open Instances) {
	t.Helper()
	for _, tt := range []struct {
		name string
		run  func(t *testing.T, w *world)
	}{
		{"phone reissued to a new hire", testReissued},
		{"name column sorted by mistake", testSortedByMistake},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := open(t)
			tt.run(t, newWorld(t, a, b))
		})
	}
}

// header and rows of HR's sheet in the scenarios: the example sheet's
// columns, 홍길동 first.
var header = []string{"이름", "휴대전화", "부서", "직급", "이메일", "재직여부"}

func hrRows() [][]string {
	return [][]string{
		header,
		{"홍길동", "010-1111-2222", "영업팀", "과장", "", "Y"},
		{"김철수", "010-3333-4444", "개발팀", "대리", "", "Y"},
		{"이영희", "010-5555-6666", "인사팀", "사원", "", "Y"},
		{"최민수", "010-7777-8888", "재무팀", "부장", "", "Y"},
	}
}

// phones are the rows' phones in E.164, in the rows' order.
var phones = []string{"+821011112222", "+821033334444", "+821055556666", "+821077778888"}

// world is one deployment: a sheet, the engine that syncs it into a's
// store, and two serving instances on a clock the test moves.
type world struct {
	sheet *sheet
	sync  *rostersync.Engine
	a, b  instance
	clock *clocktest.Clock
}

type sheet struct{ rows [][]string }

func (s *sheet) Rows(context.Context) ([][]string, error) { return s.rows, nil }

type instance struct {
	store Store
	dir   *memdir.Directory
	binds *binding.Service
}

func newWorld(t *testing.T, a, b Store) *world {
	clock := clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	w := &world{sheet: &sheet{rows: hrRows()}, clock: clock}
	w.sync = rostersync.NewEngine(w.sheet, a, 100, rostersync.WithClock(clock.Now))
	for _, in := range []struct {
		st  Store
		dst *instance
	}{{a, &w.a}, {b, &w.b}} {
		dir := memdir.New(in.st, memdir.Options{})
		*in.dst = instance{store: in.st, dir: dir, binds: binding.New(in.st, dir, binding.Options{TTL: binding.DefaultTTL, Now: clock.Now})}
	}
	w.run(t)
	return w
}

// run syncs the sheet and brings both instances' directories up to date,
// as their watch would, and returns the report.
func (w *world) run(t *testing.T) rostersync.Report {
	t.Helper()
	r, err := w.sync.Run(t.Context(), rostersync.Options{})
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	for _, in := range []instance{w.a, w.b} {
		if err := in.dir.Refresh(t.Context()); err != nil {
			t.Fatalf("Refresh: %v", err)
		}
	}
	return r
}

// verify is the validation skill's SUCCESS for user at the i-th row's
// phone on in: the employee looked up, then bound.
func (w *world) verify(t *testing.T, in instance, user string, i int) {
	t.Helper()
	e, ok, err := in.dir.Lookup(t.Context(), phones[i])
	if err != nil || !ok {
		t.Fatalf("Lookup of row %d = %v, %v; want the employee", i+1, ok, err)
	}
	if err := in.binds.Bind(t.Context(), user, e); err != nil {
		t.Fatalf("Bind: %v", err)
	}
}

// wantGate checks in's gate for user: the employee's name, or "" for not
// verified.
func wantGate(t *testing.T, in instance, label, user, wantName string) {
	t.Helper()
	e, ok, err := in.binds.Gate(t.Context(), user)
	if err != nil {
		t.Fatalf("%s: Gate: %v", label, err)
	}
	switch {
	case wantName == "" && ok:
		t.Errorf("%s: Gate(%s) verified as %s, want not verified", label, user, e.Name)
	case wantName != "" && !ok:
		t.Errorf("%s: Gate(%s) not verified, want verified as %s", label, user, wantName)
	case ok && e.Name != wantName:
		t.Errorf("%s: Gate(%s) verified as %s, want %s", label, user, e.Name, wantName)
	}
}

// wantStored checks whether the store holds user's binding.
func wantStored(t *testing.T, st binding.Store, user string, want bool) {
	t.Helper()
	_, found, err := st.Binding(t.Context(), userkey.Of(user))
	if err != nil {
		t.Fatalf("Binding: %v", err)
	}
	if found != want {
		t.Errorf("store holds %s's binding: %v, want %v", user, found, want)
	}
}

// testReissued is issue 19's first finding: 홍길동 leaves, HR clears his row
// and gives 010-1111-2222 to 박신입. His Kakao user must lose the gate on
// every instance (the second one had it cached), while 김철수, whose
// department and position change, keeps it.
func testReissued(t *testing.T, w *world) {
	w.verify(t, w.a, "hong", 0)
	w.verify(t, w.a, "kim", 1)
	wantGate(t, w.b, "before", "hong", "홍길동") // cached on b from here
	wantGate(t, w.b, "before", "kim", "김철수")

	w.sheet.rows[1] = []string{"박신입", "010-1111-2222", "재무팀", "사원", "", "Y"}
	w.sheet.rows[2] = []string{"김철수", "010-3333-4444", "영업팀", "과장", "", "Y"}
	r := w.run(t)
	if r.Updated != 2 || r.Deleted != 0 || r.BindingsRevoked != 1 {
		t.Errorf("sync: updated %d, deleted %d, bindings revoked %d; want 2, 0, 1", r.Updated, r.Deleted, r.BindingsRevoked)
	}
	for label, in := range map[string]instance{"instance a": w.a, "instance b": w.b} {
		wantGate(t, in, label, "hong", "")
		wantGate(t, in, label, "kim", "김철수")
	}
	w.clock.Advance(binding.DefaultCacheTTL) // b reads the store again
	wantGate(t, w.b, "instance b, cache expired", "hong", "")
	wantStored(t, w.a.store, "hong", false)

	// The new hire verifies themself and is the one verified.
	w.verify(t, w.b, "park", 0)
	wantGate(t, w.a, "instance a", "park", "박신입")
}

// testSortedByMistake is HR sorting the name column alone: every phone now
// carries another row's name. Nobody may be verified as someone else.
func testSortedByMistake(t *testing.T, w *world) {
	for i := range phones {
		w.verify(t, w.a, fmt.Sprint("user-", i), i)
		wantGate(t, w.b, "before", fmt.Sprint("user-", i), w.sheet.rows[i+1][0])
	}
	names := []string{"김철수", "이영희", "최민수", "홍길동"} // sorted: every row shifted
	for i, n := range names {
		w.sheet.rows[i+1][0] = n
	}
	r := w.run(t)
	if r.Updated != 4 || r.BindingsRevoked != 4 {
		t.Errorf("sync: updated %d, bindings revoked %d; want 4, 4", r.Updated, r.BindingsRevoked)
	}
	for i := range phones {
		for label, in := range map[string]instance{"instance a": w.a, "instance b": w.b} {
			wantGate(t, in, label, fmt.Sprint("user-", i), "")
		}
	}
}

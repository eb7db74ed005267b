package storetest

import (
	"cmp"
	"errors"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// wantEmployees fails the test unless VisitEmployees tells the size of
// want and hands over exactly want, in any order.
func wantEmployees(t *testing.T, s Store, want []roster.Employee) {
	t.Helper()
	size := -1
	var got []roster.Employee
	err := s.VisitEmployees(t.Context(), func(n int) { size = n }, func(e roster.Employee) error {
		got = append(got, e)
		return nil
	})
	if err != nil {
		t.Fatalf("VisitEmployees: %v", err)
	}
	if size != len(want) {
		t.Errorf("VisitEmployees told size %d, want %d", size, len(want))
	}
	byPhone := func(a, b roster.Employee) int { return cmp.Compare(a.Phone, b.Phone) }
	got = slices.SortedFunc(slices.Values(got), byPhone)
	want = slices.SortedFunc(slices.Values(want), byPhone)
	if len(got) == 0 && len(want) == 0 {
		return // nil and empty are the same directory
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("VisitEmployees (-want +got):\n%s", diff)
	}
}

// version returns the store's Version, failing the test on an error.
func version(t *testing.T, s Store) string {
	t.Helper()
	v, err := s.Version(t.Context())
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	return v
}

func testEmployees(t *testing.T, s Store) {
	wantEmployees(t, s, nil)
	es := fixtures()
	apply(t, s, es, nil)
	wantEmployees(t, s, es)

	changed := es[0]
	changed.Department = "재무팀"
	changed.Email = "" // a cleared field reads back empty
	apply(t, s, []roster.Employee{changed}, []string{es[1].Phone})
	wantEmployees(t, s, []roster.Employee{changed, es[2]})

	// What VisitEmployees hands over is what Lookup returns, field for field.
	for _, e := range []roster.Employee{changed, es[2]} {
		wantLookup(t, s, e.Phone, &e)
	}
}

func testVisitStops(t *testing.T, s Store) {
	apply(t, s, People(3), nil)
	stop := errors.New("enough")
	visits := 0
	err := s.VisitEmployees(t.Context(), func(int) {}, func(roster.Employee) error {
		visits++
		return stop
	})
	if !errors.Is(err, stop) {
		t.Errorf("VisitEmployees = %v, want an error wrapping visit's", err)
	}
	if visits != 1 {
		t.Errorf("visit was called %d times after returning an error, want once", visits)
	}
}

func testVersion(t *testing.T, s Store) {
	initial := version(t, s)
	if again := version(t, s); again != initial {
		t.Errorf("Version read twice = %q then %q, want the same", initial, again)
	}
	seen := map[string]string{initial: "before any apply"}
	// moved fails the test unless the version differs from every earlier one.
	moved := func(after string) string {
		t.Helper()
		v := version(t, s)
		if earlier, ok := seen[v]; ok {
			t.Errorf("Version after %s = %q, the same as %s", after, v, earlier)
		}
		seen[v] = after
		return v
	}
	// same fails the test unless the version is still want.
	same := func(after, want string) {
		t.Helper()
		if v := version(t, s); v != want {
			t.Errorf("Version after %s = %q, want it unchanged (%q)", after, v, want)
		}
	}

	es := fixtures()
	apply(t, s, es, nil)
	v := moved("the first apply")

	if err := s.RecordRun(t.Context(), rostersync.Report{Employees: len(es), StartedAt: epoch()}); err != nil {
		t.Fatalf("RecordRun: %v", err)
	}
	same("a recorded run", v)
	apply(t, s, nil, nil)
	apply(t, s, []roster.Employee{}, []string{})
	same("an empty apply", v)

	changed := es[0]
	changed.Position = "부장"
	apply(t, s, []roster.Employee{changed}, nil)
	moved("an update")
	apply(t, s, nil, []string{es[1].Phone})
	moved("a delete")
}

package storetest

import (
	"cmp"
	"errors"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/roster"
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

// version returns the store's version (Status), failing the test on an error.
func version(t *testing.T, s Store) string {
	t.Helper()
	v, _, err := s.Status(t.Context())
	if err != nil {
		t.Fatalf("Status: %v", err)
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

package storetest

import (
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/roster"
)

// wantEmployees fails the test unless Employees returns exactly want.
func wantEmployees(t *testing.T, s Store, want []roster.Employee) {
	t.Helper()
	got, err := s.Employees(t.Context())
	if err != nil {
		t.Fatalf("Employees: %v", err)
	}
	byPhone := make(map[string]roster.Employee, len(want))
	for _, e := range want {
		byPhone[e.Phone] = e
	}
	if len(got) == 0 && len(want) == 0 {
		return // nil and empty are the same directory
	}
	if diff := gocmp.Diff(byPhone, got); diff != "" {
		t.Errorf("Employees (-want +got):\n%s", diff)
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

	// What Employees returns is what Lookup returns, field for field.
	for _, e := range []roster.Employee{changed, es[2]} {
		wantLookup(t, s, e.Phone, &e)
	}
}

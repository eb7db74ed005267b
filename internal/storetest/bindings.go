package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/userkey"
)

// bindingTests are the contract's clauses on bindings.
func bindingTests() []contractTest {
	return []contractTest{
		{"binding round-trips", clockless(testBindingRoundTrip)},
		{"binding of an unknown key is a miss", clockless(testBindingMiss)},
		{"binding put again is replaced", clockless(testBindingReplaced)},
		{"binding delete removes, absent or not", clockless(testBindingDelete)},
		{"binding to a phone no employee has is refused", clockless(testBindingNotEmployee)},
		{"binding key that is not a hex SHA-256 is refused", clockless(testBindingBadKey)},
		{"apply deleting an employee deletes their bindings only", clockless(testBindingLeaver)},
		{"apply deleting many employees deletes all their bindings", clockless(testBindingManyLeavers)},
	}
}

// bindingOf is a binding to phone made at the contract's epoch for 90 days.
func bindingOf(phone string) binding.Binding {
	return binding.Binding{Phone: phone, BoundAt: epoch(), ExpiresAt: epoch().AddDate(0, 0, 90)}
}

func putBinding(t *testing.T, s Store, userID string, b binding.Binding) {
	t.Helper()
	if err := s.PutBinding(t.Context(), userkey.Of(userID), b); err != nil {
		t.Fatalf("PutBinding: %v", err)
	}
}

// wantBinding checks the binding of userID; want nil means none.
func wantBinding(t *testing.T, s Store, userID string, want *binding.Binding) {
	t.Helper()
	got, ok, err := s.Binding(t.Context(), userkey.Of(userID))
	if err != nil {
		t.Fatalf("Binding: %v", err)
	}
	switch {
	case want == nil && ok:
		t.Errorf("Binding(%s) found one, want none", userID)
	case want != nil && !ok:
		t.Errorf("Binding(%s) found none, want one", userID)
	case want != nil:
		if diff := cmp.Diff(*want, got); diff != "" {
			t.Errorf("Binding(%s) (-want +got):\n%s", userID, diff)
		}
	}
}

func testBindingRoundTrip(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	b := bindingOf(es[0].Phone)
	putBinding(t, s, "user-1", b)
	wantBinding(t, s, "user-1", &b)
}

func testBindingMiss(t *testing.T, s Store) {
	apply(t, s, fixtures(), nil)
	wantBinding(t, s, "nobody", nil)
}

func testBindingReplaced(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	putBinding(t, s, "user-1", bindingOf(es[0].Phone))
	moved := bindingOf(es[1].Phone)
	putBinding(t, s, "user-1", moved)
	wantBinding(t, s, "user-1", &moved)
	// The binding no longer belongs to the first phone: its leaving keeps it.
	apply(t, s, nil, []string{es[0].Phone})
	wantBinding(t, s, "user-1", &moved)
}

func testBindingDelete(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	putBinding(t, s, "user-1", bindingOf(es[0].Phone))
	for range 2 {
		if err := s.DeleteBinding(t.Context(), userkey.Of("user-1")); err != nil {
			t.Fatalf("DeleteBinding: %v", err)
		}
		wantBinding(t, s, "user-1", nil)
	}
}

func testBindingNotEmployee(t *testing.T, s Store) {
	apply(t, s, fixtures(), nil)
	err := s.PutBinding(t.Context(), userkey.Of("user-1"), bindingOf("+821077778888"))
	if !errors.Is(err, binding.ErrNotEmployee) {
		t.Errorf("PutBinding to a stranger's phone = %v, want ErrNotEmployee", err)
	}
	wantBinding(t, s, "user-1", nil)
}

func testBindingBadKey(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	for _, key := range []string{"", "user-1", "a/b", userkey.Of("x") + "0"} {
		if err := s.PutBinding(t.Context(), key, bindingOf(es[0].Phone)); err == nil {
			t.Errorf("PutBinding(%q) = nil, want an error", key)
		}
	}
}

func testBindingLeaver(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	leaver, stayer := bindingOf(es[0].Phone), bindingOf(es[1].Phone)
	putBinding(t, s, "phone-a", leaver)
	putBinding(t, s, "tablet-a", leaver)
	putBinding(t, s, "stayer", stayer)

	changed := es[1]
	changed.Department = "재무팀"
	apply(t, s, []roster.Employee{changed}, []string{es[0].Phone})
	wantBinding(t, s, "phone-a", nil)
	wantBinding(t, s, "tablet-a", nil)
	wantBinding(t, s, "stayer", &stayer) // a changed employee keeps theirs
}

func testBindingManyLeavers(t *testing.T, s Store) {
	const n = 65 // more than one query's worth of phones
	es := People(n)
	apply(t, s, es, nil)
	phones := make([]string, n)
	for i, e := range es {
		phones[i] = e.Phone
		putBinding(t, s, fmt.Sprint("user-", i), bindingOf(e.Phone))
	}
	apply(t, s, nil, phones[1:])
	first := bindingOf(es[0].Phone)
	wantBinding(t, s, "user-0", &first)
	for i := 1; i < n; i++ {
		wantBinding(t, s, fmt.Sprint("user-", i), nil)
	}
}

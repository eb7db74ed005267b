package storetest

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/userkey"
)

// bindingTests are the contract's clauses on bindings.
func bindingTests() []contractTest {
	return []contractTest{
		{"binding round-trips", clockless(testBindingRoundTrip)},
		{"binding of an unknown key is a miss", clockless(testBindingMiss)},
		{"binding put again is replaced", clockless(testBindingReplaced)},
		{"binding delete removes, absent or not", clockless(testBindingDelete)},
		{"binding key that is not a hex SHA-256 is refused", clockless(testBindingBadKey)},
		{"apply deleting an employee deletes their bindings only", clockless(testBindingLeaver)},
		{"apply deleting many employees deletes all their bindings", clockless(testBindingManyLeavers)},
		{"apply reissuing a bound phone to a new hire revokes its bindings", clockless(testBindingReissued)},
		{"apply of a name column sorted by mistake revokes the bindings", clockless(testBindingSortedByMistake)},
	}
}

// bindingOf is a binding to e made at the contract's epoch for 90 days.
func bindingOf(e roster.Employee) binding.Binding {
	return binding.Binding{Phone: e.Phone, Person: binding.PersonOf(e), BoundAt: epoch(), ExpiresAt: epoch().AddDate(0, 0, 90)}
}

// applyPlan applies p and checks how many bindings it says it revoked.
func applyPlan(t *testing.T, s Store, p rostersync.Plan, wantRevoked int) {
	t.Helper()
	revoked, err := s.ApplyPlan(t.Context(), p)
	if err != nil {
		t.Fatalf("ApplyPlan(%d added, %d updated, %d deleted): %v", len(p.Added), len(p.Updated), len(p.Deleted), err)
	}
	if revoked != wantRevoked {
		t.Errorf("ApplyPlan revoked %d bindings, want %d", revoked, wantRevoked)
	}
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
	b := bindingOf(es[0])
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
	putBinding(t, s, "user-1", bindingOf(es[0]))
	moved := bindingOf(es[1])
	putBinding(t, s, "user-1", moved)
	wantBinding(t, s, "user-1", &moved)
	// The binding no longer belongs to the first phone: its leaving keeps it.
	apply(t, s, nil, []string{es[0].Phone})
	wantBinding(t, s, "user-1", &moved)
}

func testBindingDelete(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	putBinding(t, s, "user-1", bindingOf(es[0]))
	for range 2 {
		if err := s.DeleteBinding(t.Context(), userkey.Of("user-1")); err != nil {
			t.Fatalf("DeleteBinding: %v", err)
		}
		wantBinding(t, s, "user-1", nil)
	}
}

func testBindingBadKey(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	for _, key := range []string{"", "user-1", "a/b", userkey.Of("x") + "0"} {
		if err := s.PutBinding(t.Context(), key, bindingOf(es[0])); err == nil {
			t.Errorf("PutBinding(%q) = nil, want an error", key)
		}
	}
}

func testBindingLeaver(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	leaver, stayer := bindingOf(es[0]), bindingOf(es[1])
	putBinding(t, s, "phone-a", leaver)
	putBinding(t, s, "tablet-a", leaver)
	putBinding(t, s, "stayer", stayer)

	changed := es[1]
	changed.Department = "재무팀"
	changed.Position = "부장"
	applyPlan(t, s, rostersync.Plan{Updated: []roster.Employee{changed}, Deleted: []string{es[0].Phone}}, 2)
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
		putBinding(t, s, fmt.Sprint("user-", i), bindingOf(e))
	}
	applyPlan(t, s, rostersync.Plan{Deleted: phones[1:]}, n-1)
	first := bindingOf(es[0])
	wantBinding(t, s, "user-0", &first)
	for i := 1; i < n; i++ {
		wantBinding(t, s, fmt.Sprint("user-", i), nil)
	}
}

// testBindingReissued is issue 19's first finding: HR clears a leaver's
// row and gives the phone to a new hire, which a sync sees as an update.
func testBindingReissued(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	putBinding(t, s, "leaver", bindingOf(es[0]))
	putBinding(t, s, "stayer", bindingOf(es[1]))

	newHire := roster.Employee{Phone: es[0].Phone, Name: "박신입", Department: "재무팀", Position: "사원", Row: es[0].Row}
	applyPlan(t, s, rostersync.Plan{Updated: []roster.Employee{newHire}}, 1)
	wantBinding(t, s, "leaver", nil)
	stayer := bindingOf(es[1])
	wantBinding(t, s, "stayer", &stayer)

	// The new hire verifies, then HR fixes their spacing and moves them:
	// the same person keeps the binding.
	hired := bindingOf(newHire)
	putBinding(t, s, "new-hire", hired)
	moved := newHire
	moved.Name, moved.Department, moved.Position = "박 신입", "인사팀", "대리"
	applyPlan(t, s, rostersync.Plan{Updated: []roster.Employee{moved}}, 0)
	wantBinding(t, s, "new-hire", &hired)
}

// testBindingSortedByMistake is HR sorting the name column alone: every
// phone now has another person's name.
func testBindingSortedByMistake(t *testing.T, s Store) {
	es := People(4)
	apply(t, s, es, nil)
	for i, e := range es {
		putBinding(t, s, fmt.Sprint("user-", i), bindingOf(e))
	}
	sorted := make([]roster.Employee, 3)
	for i := range sorted {
		sorted[i] = es[i]
		sorted[i].Name, sorted[i].Email = es[(i+1)%3].Name, "" // emails column left out of the sheet too
	}
	applyPlan(t, s, rostersync.Plan{Updated: sorted}, 3)
	for i := range 3 {
		wantBinding(t, s, fmt.Sprint("user-", i), nil)
	}
	last := bindingOf(es[3])
	wantBinding(t, s, "user-3", &last)
}

package memdir

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/roster"
)

// checkPacked fails unless people packed from es answers every phone as a
// map of es keyed by phone would (the last employee of a phone wins), for
// the phones of es and for others.
func checkPacked(t *testing.T, es []roster.Employee, others ...string) {
	t.Helper()
	want := map[string]roster.Employee{}
	b := newPeopleBuilder(0)
	for _, e := range es {
		want[e.Phone] = e
		b.add(e)
	}
	p := b.done()
	if p.len() != len(want) {
		t.Errorf("len() = %d, want %d", p.len(), len(want))
	}
	for _, phone := range append(others, func() []string {
		var phones []string
		for _, e := range es {
			phones = append(phones, e.Phone)
		}
		return phones
	}()...) {
		got, ok := p.lookup(phone)
		w, wantOK := want[phone]
		if ok != wantOK {
			t.Fatalf("lookup(%q) found = %v, want %v", phone, ok, wantOK)
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Fatalf("lookup(%q) mismatch (-want +got):\n%s", phone, diff)
		}
	}
}

func TestPeopleAnswersLikeAMap(t *testing.T) {
	t.Parallel()
	es := []roster.Employee{
		{Phone: "+821023456789", Name: "홍길동", Department: "인사팀", Position: "대리", Email: "gildong@example.com", Row: 2},
		{Phone: "+821034567890", Name: "김하늘", Department: "인사팀", Position: "과장", Email: "", Row: 3},
		{Phone: "+821045678901", Row: 4}, // every field but the phone empty
		{Phone: "+447911123456", Name: "Ann", Department: "London", Position: "대리", Email: "ann@example.co.uk", Row: 5},
		{Phone: "+821023456789", Name: "홍길동", Department: "재무팀", Position: "부장", Email: "new@example.com", Row: 9}, // the same phone again: it wins
		{Phone: "010-5678-9012", Name: "not E.164", Row: 6},                                                        // kept under its own spelling
		{Phone: "+0123", Name: "leading zero", Row: 7},
		{Phone: "+123456789012345678", Name: "too long for a number", Row: 8},
		{Phone: "", Name: "no phone", Row: 10},
		{Phone: "+1", Name: "shortest", Row: 11, Email: "\xff"},
	}
	checkPacked(t, es, "+821099999999", "+8210234567890", "+0821023456789", "821023456789", "+123", "0123", "+", "", "+82102345678a")
}

// BenchmarkPeopleLookup100k looks up the employees of a directory of
// 100,000 in a scattered order, as skill calls come.
func BenchmarkPeopleLookup100k(b *testing.B) {
	const n = 100_000
	bl := newPeopleBuilder(n)
	phones := make([]string, n)
	for i := range n {
		phones[i] = fmt.Sprintf("+8210%08d", i*7919%100_000_000)
		bl.add(roster.Employee{Phone: phones[i], Name: fmt.Sprintf("직원%d", i), Department: "개발팀", Position: "사원", Row: i + 2})
	}
	p := bl.done()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok := p.lookup(phones[i*104729%n]); !ok {
			b.Fatal("lookup failed")
		}
		i++
	}
}

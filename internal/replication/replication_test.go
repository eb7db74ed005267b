package replication_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
)

func TestChangeLogSince(t *testing.T) {
	t.Parallel()
	var l replication.ChangeLog
	if l.Version() != "" {
		t.Fatalf("Version of an empty log = %q, want \"\"", l.Version())
	}
	record := func(put, deleted []string) string {
		t.Helper()
		l.Record(put, deleted)
		return l.Version()
	}
	v1 := record([]string{"a", "b"}, nil)
	v2 := record([]string{"c"}, []string{"a"})
	v3 := record([]string{"a"}, []string{"c"})

	tests := []struct {
		since       string
		phones      []string
		ok          bool
		description string
	}{
		{v3, nil, true, "up to date"},
		{v2, []string{"a", "c"}, true, "one behind"},
		{v1, []string{"a", "c"}, true, "a phone changed twice is read once"},
		{"", nil, false, "never loaded"},
		{"other-1", nil, false, "another epoch"},
		{"garbage", nil, false, "not a version"},
	}
	for _, tt := range tests {
		phones, ok := l.Since(tt.since)
		if ok != tt.ok || !cmp.Equal(phones, tt.phones) {
			t.Errorf("%s: Since = %v, %v; want %v, %v", tt.description, phones, ok, tt.phones, tt.ok)
		}
	}
	if v1 == v2 || v2 == v3 {
		t.Errorf("versions did not move: %q %q %q", v1, v2, v3)
	}
	// A log an earlier rollcall wrote lists no phones: only a reader at its
	// version is up to date, and the next change starts from there.
	old := replication.ChangeLog{Epoch: l.Epoch, Seq: 7}
	if _, ok := old.Since(v3); ok {
		t.Errorf("Since on a log that lists no phones = ok, want a full reload")
	}
	at7 := old.Version()
	old.Record([]string{"d"})
	if phones, ok := old.Since(at7); !ok || !cmp.Equal(phones, []string{"d"}) {
		t.Errorf("Since its version = %v, %v; want d", phones, ok)
	}
	if _, ok := old.Since(v3); ok {
		t.Errorf("Since a version before it = ok, want a full reload")
	}
}

func TestChangeLogForgetsWhatItCannotKeep(t *testing.T) {
	t.Parallel()
	var l replication.ChangeLog
	phones := func(from, n int) []string {
		p := make([]string, n)
		for i := range p {
			p[i] = fmt.Sprintf("+8210%08d", from+i)
		}
		return p
	}
	l.Record(phones(0, 600))
	v1 := l.Version()
	l.Record(phones(0, 600)) // the same phones again: 600 kept
	if got, ok := l.Since(v1); !ok || len(got) != 600 {
		t.Errorf("Since the previous version = %d phones, %v; want 600", len(got), ok)
	}
	v2 := l.Version()
	l.Record(phones(600, 600)) // 1,200 phones in all: the older 600 go
	if got, ok := l.Since(v2); !ok || len(got) != 600 {
		t.Errorf("Since the previous version = %d phones, %v; want the last change's 600", len(got), ok)
	}
	if _, ok := l.Since(v1); ok {
		t.Errorf("Since a version whose changes were forgotten = ok, want a full reload")
	}
	v3 := l.Version()
	l.Record(phones(2000, 1001)) // one change too large to keep
	if _, ok := l.Since(v3); ok {
		t.Errorf("Since a version before a change too large to keep = ok, want a full reload")
	}
}

func TestDigest(t *testing.T) {
	t.Parallel()
	a := roster.Employee{Phone: "+821012345678", Name: "홍길동", Row: 2}
	b := roster.Employee{Phone: "+821098765432", Name: "김하늘", Row: 3}
	moved := a
	moved.Row = 9
	renamed := a
	renamed.Name = "홍길순"
	ab := replication.DigestOf([]roster.Employee{a, b})
	if got := replication.DigestOf([]roster.Employee{b, moved}); got != ab {
		t.Errorf("a reordered, moved directory has digest %s, want %s", got, ab)
	}
	if got := replication.DigestOfHashes(map[string]string{a.Phone: a.Hash(), b.Phone: b.Hash()}); got != ab {
		t.Errorf("DigestOfHashes = %s, want DigestOf's %s", got, ab)
	}
	for name, es := range map[string][]roster.Employee{
		"renamed": {renamed, b}, "one left": {a}, "empty": nil,
	} {
		if replication.DigestOf(es) == ab {
			t.Errorf("%s: same digest as before the change", name)
		}
	}
}

func TestPendingWith(t *testing.T) {
	t.Parallel()
	p := replication.Pending{}.With([]string{"b", "a"}, []string{"a", "c"})
	if diff := cmp.Diff(replication.Pending{Phones: []string{"a", "b", "c"}}, p); diff != "" {
		t.Errorf("With (-want +got):\n%s", diff)
	}
	many := make([]string, replication.MaxPendingPhones)
	for i := range many {
		many[i] = fmt.Sprint(i)
	}
	if got := p.With(many); !got.All || len(got.Phones) != 0 {
		t.Errorf("With past the limit = %d phones, all %v; want all", len(got.Phones), got.All)
	}
	if got := (replication.Pending{All: true}).With([]string{"x"}); !got.All {
		t.Errorf("All.With = %+v, want all", got)
	}
}

func TestPendingSettle(t *testing.T) {
	t.Parallel()
	// The index says a, b, c; the Apply cut short removed b, added d and
	// changed c, of which the employees hold b's removal and c's change.
	index := map[string]string{"a": "1", "b": "2", "c": "3"}
	c := roster.Employee{Phone: "c", Name: "씨"}
	replication.Pending{Phones: []string{"b", "c", "d"}}.Settle(index, map[string]roster.Employee{"c": c})
	if diff := cmp.Diff(map[string]string{"a": "1", "c": c.Hash()}, index); diff != "" {
		t.Errorf("Settle (-want +got):\n%s", diff)
	}
}

func TestRecordAfter(t *testing.T) {
	t.Parallel()
	var l replication.ChangeLog
	l.Record([]string{"a", "b"}, nil)
	before := l.Version()
	// The cut-short Apply touched b and c; the repair writes d, removes c.
	l.RecordAfter(replication.Pending{Phones: []string{"b", "c"}}, []string{"c", "d"})
	if phones, ok := l.Since(before); !ok || !cmp.Equal(phones, []string{"b", "c", "d"}) {
		t.Errorf("Since the cut = %v, %v; want b, c and d read again", phones, ok)
	}

	epoch := l.Version()
	l.RecordAfter(replication.Pending{All: true}, []string{"e"})
	if _, ok := l.Since(epoch); ok {
		t.Errorf("after a repair of unlisted phones, a reader catches up (version %q); want it to reload", l.Version())
	}
}

func TestCatchUp(t *testing.T) {
	t.Parallel()
	var l replication.ChangeLog
	l.Record([]string{"a"}, nil)
	v := l.Version()
	l.Record([]string{"b", "c"}, []string{"a"})
	b := roster.Employee{Phone: "b", Name: "비"}
	var (
		visited []roster.Employee
		removed []string
	)
	now, ok, err := l.CatchUp(v, func(phones []string) (map[string]roster.Employee, error) {
		return map[string]roster.Employee{"b": b}, nil // c was removed by a change not recorded yet
	}, func(e roster.Employee) { visited = append(visited, e) }, func(p string) { removed = append(removed, p) })
	if err != nil || !ok || now != l.Version() {
		t.Fatalf("CatchUp = %q, %v, %v; want %q", now, ok, err, l.Version())
	}
	if !cmp.Equal(visited, []roster.Employee{b}) || !cmp.Equal(removed, []string{"a", "c"}) {
		t.Errorf("CatchUp visited %v, removed %v; want b, then a and c removed", visited, removed)
	}
	called := false
	if _, ok, err := l.CatchUp("other-1", func([]string) (map[string]roster.Employee, error) {
		called = true
		return map[string]roster.Employee{}, nil
	}, func(roster.Employee) { called = true }, func(string) { called = true }); ok || err != nil || called {
		t.Errorf("CatchUp from another epoch = %v, %v, called %v; want false, nothing called", ok, err, called)
	}
}

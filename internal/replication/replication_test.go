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
		if err := l.Record(put, deleted); err != nil {
			t.Fatal(err)
		}
		return l.Version()
	}
	v1 := record([]string{"a", "b"}, nil)
	v2 := record([]string{"c"}, []string{"a"})
	v3 := record([]string{"a"}, []string{"c"})

	tests := []struct {
		since       string
		put, gone   []string
		ok          bool
		description string
	}{
		{v3, nil, nil, true, "up to date"},
		{v2, []string{"a"}, []string{"c"}, true, "one behind"},
		{v1, []string{"a"}, []string{"c"}, true, "the last change of a phone wins"},
		{"", nil, nil, false, "never loaded"},
		{"other-1", nil, nil, false, "another epoch"},
		{"garbage", nil, nil, false, "not a version"},
	}
	for _, tt := range tests {
		put, gone, ok := l.Since(tt.since)
		if ok != tt.ok || !cmp.Equal(put, tt.put) || !cmp.Equal(gone, tt.gone) {
			t.Errorf("%s: Since = %v, %v, %v; want %v, %v, %v", tt.description, put, gone, ok, tt.put, tt.gone, tt.ok)
		}
	}
	if v1 == v2 || v2 == v3 {
		t.Errorf("versions did not move: %q %q %q", v1, v2, v3)
	}
}

func TestChangeLogForgetsWhatItCannotKeep(t *testing.T) {
	t.Parallel()
	var l replication.ChangeLog
	many := make([]string, 600)
	for i := range many {
		many[i] = fmt.Sprintf("+8210%08d", i)
	}
	if err := l.Record(many, nil); err != nil {
		t.Fatal(err)
	}
	v1 := l.Version()
	if err := l.Record(many, nil); err != nil { // 1,200 phones in all: the first goes
		t.Fatal(err)
	}
	if _, _, ok := l.Since(v1); !ok {
		t.Errorf("Since the previous version = not ok, want the last change")
	}
	if err := l.Record(append(many, many...), nil); err != nil { // one change too large to keep
		t.Fatal(err)
	}
	if _, _, ok := l.Since(v1); ok {
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

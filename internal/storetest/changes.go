package storetest

import (
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
)

// wantDigest fails the test unless the store's Digest is that of es.
func wantDigest(t *testing.T, s Store, es ...roster.Employee) {
	t.Helper()
	got, err := s.Digest(t.Context())
	if err != nil {
		t.Fatalf("Digest: %v", err)
	}
	if want := replication.DigestOf(es); got != want {
		t.Errorf("Digest = %q, want %q (that of the %d employees held)", got, want, len(es))
	}
}

func testDigest(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	wantDigest(t, s, es...)

	changed := es[0]
	changed.Name = "홍길순"
	apply(t, s, []roster.Employee{changed}, []string{es[1].Phone, "+821099990000"})
	wantDigest(t, s, changed, es[2])

	apply(t, s, nil, nil)
	wantDigest(t, s, changed, es[2])

	many := People(700)
	apply(t, s, many, nil)
	wantDigest(t, s, append(many, changed, es[2])...)
}

// changesSince calls Changes and returns what it handed over.
func changesSince(t *testing.T, s Store, version string) (string, []roster.Employee, []string, bool) {
	t.Helper()
	var (
		puts    []roster.Employee
		removes []string
	)
	now, ok, err := s.Changes(t.Context(), version, func(e roster.Employee) { puts = append(puts, e) },
		func(p string) { removes = append(removes, p) })
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	slices.Sort(removes)
	return now, puts, removes, ok
}

func testChanges(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	v1, last, err := s.Status(t.Context())
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if v1 != version(t, s) || !last.IsZero() {
		t.Errorf("Status = %q, %v; want Version's %q and no sync yet", v1, last, version(t, s))
	}

	changed := es[0]
	changed.Department = "재무팀"
	apply(t, s, []roster.Employee{changed}, []string{es[1].Phone})
	now, puts, removes, ok := changesSince(t, s, v1)
	if !ok || now != version(t, s) {
		t.Fatalf("Changes since the first apply = version %q, ok %v; want %q, ok", now, ok, version(t, s))
	}
	if diff := gocmp.Diff([]roster.Employee{changed}, puts); diff != "" {
		t.Errorf("employees written since (-want +got):\n%s", diff)
	}
	if diff := gocmp.Diff([]string{es[1].Phone}, removes); diff != "" {
		t.Errorf("phones removed since (-want +got):\n%s", diff)
	}
	if again, puts, removes, ok := changesSince(t, s, now); !ok || again != now || len(puts)+len(removes) != 0 {
		t.Errorf("Changes since the current version = %q, %d, %d, %v; want nothing, ok", again, len(puts), len(removes), ok)
	}
	if _, _, _, ok := changesSince(t, s, "not-a-version"); ok {
		t.Errorf("Changes since an unknown version = ok, want a full read")
	}
}

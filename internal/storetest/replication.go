package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// This section holds a store to what replication needs of it
// (docs/replication.md): the digest follows the employees, the version
// moves exactly when they change, Changes hands over what changed since a
// version, and an Apply cut short is repaired by the next one, readers
// included.

// replicationTests are the section's clauses.
func replicationTests(cut func(s Store, at int)) []contractTest {
	tests := []contractTest{
		{"digest follows the employees", clockless(testDigest)},
		{"version moves when an apply changes employees", clockless(testVersion)},
		{"changes since a version", clockless(testChanges)},
	}
	for _, at := range cutPoints {
		tests = append(tests, contractTest{fmt.Sprintf("apply cut short at commit %d is repaired by the next", at), clockless(testInterrupted(at, cut))})
	}
	return tests
}

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
	c, ok, err := s.Changes(t.Context(), version)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	slices.Sort(c.Removed)
	return c.Version, c.Written, c.Removed, ok
}

func testChanges(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	v1, last, err := s.Status(t.Context())
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if v1 == "" || !last.IsZero() {
		t.Errorf("Status = %q, %v; want a version and no sync yet", v1, last)
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

// cutPoints are the commits at which testInterrupted cuts an Apply of 60
// deletions from 150 short: the first that writes after it began, one in
// the middle, and one near the end.
var cutPoints = []int{2, 3, 4}

// testInterrupted cuts an Apply short at its at-th commit (cut), then
// applies what a sync would plan against the store's Hashes to complete it
// (the sheet still wants it). The store must say the Apply was cut short,
// stop vouching for a digest, report hashes that agree with its employees,
// converge, and hand every reader what it must read again: one that held
// the version from before the cut, and one that loaded after it.
// (internal/firestore's TestInterruptedApplyConverges covers HR's undo.)
func testInterrupted(at int, cut func(s Store, at int)) func(t *testing.T, s Store) {
	return func(t *testing.T, s Store) {
		if cut == nil {
			t.Skip("the store applies atomically: there is nothing to cut short")
		}
		base := People(150)
		apply(t, s, base, nil)
		before := version(t, s)
		var gone []string
		for _, e := range base[30:90] {
			gone = append(gone, e.Phone)
		}
		want := slices.Concat(base[:30], base[90:])
		cut(s, at)
		if _, err := s.ApplyPlan(t.Context(), rostersync.Plan{Deleted: gone}); !errors.Is(err, replication.ErrInterrupted) {
			t.Fatalf("ApplyPlan cut short at commit %d = %v, want an error wrapping replication.ErrInterrupted", at, err)
		}
		cut(s, 0)
		if v := version(t, s); v != before {
			t.Errorf("Version moved from %q to %q by a cut-short Apply; readers would take part of a change for all of it", before, v)
		}
		// A reader that loads now (an instance started after the cut) holds
		// what landed, labelled with the version from before.
		landed, err := s.Employees(t.Context())
		if err != nil {
			t.Fatalf("Employees: %v", err)
		}
		during := map[string]string{}
		for phone, e := range landed {
			during[phone] = e.Hash()
		}
		if d, err := s.Digest(t.Context()); err != nil || d != "" {
			t.Errorf("Digest after a cut-short Apply = %q, %v; want \"\" (it cannot vouch for one)", d, err)
		}
		hashes, err := s.Hashes(t.Context())
		if err != nil {
			t.Fatalf("Hashes: %v", err)
		}
		if diff := gocmp.Diff(during, hashes); diff != "" {
			t.Fatalf("after the cut, Hashes differ from the employees (-employees +hashes):\n%s", diff)
		}

		plan := rostersync.NewPlan(want, hashes)
		apply(t, s, plan.Puts(), plan.Deleted)
		wantHashes(t, s, hashesOf(want...))
		wantDigest(t, s, want...)
		for name, reader := range map[string]map[string]string{"held the version from before": hashesOf(base...), "loaded after the cut": during} {
			_, puts, removes, ok := changesSince(t, s, before)
			if !ok {
				continue // the reader reloads everything: it converges too
			}
			for _, e := range puts {
				reader[e.Phone] = e.Hash()
			}
			for _, phone := range removes {
				delete(reader, phone)
			}
			if diff := gocmp.Diff(hashesOf(want...), reader); diff != "" {
				t.Errorf("a reader that %s, caught up, differs from the store (-store +reader):\n%s", name, diff)
			}
		}
	}
}

package firestore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/memdir"
	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// cutMode is how an Apply is cut short at one of its commits.
type cutMode string

const (
	// chunkFails: that commit is refused; the commits in flight beside it
	// may land.
	chunkFails cutMode = "a chunk fails"
	// deadlinePasses: that commit and every later one fail with the
	// apply's deadline.
	deadlinePasses cutMode = "the deadline passes"
	// processDies: the process stops there: its connection closes and
	// nothing more of it reaches the store, not even the run's record or
	// the lease's release.
	processDies cutMode = "the process dies"
)

// cutAt makes s's next Apply fail at its at-th commit (the first records
// the apply as pending), the way mode says.
func cutAt(s *Store, at int, mode cutMode) {
	var n atomic.Int32
	s.beforeCommit = func(context.Context) error {
		i := int(n.Add(1))
		switch {
		case i < at:
			return nil
		case mode == chunkFails && i == at:
			return status.Error(codes.ResourceExhausted, "injected: the commit is refused")
		case mode == deadlinePasses:
			return fmt.Errorf("injected: %w", context.DeadlineExceeded)
		case mode == processDies && i == at:
			_ = s.client.Close()
			return errors.New("injected: the process died")
		case mode == processDies:
			return errors.New("injected: the process is dead")
		}
		return nil
	}
}

// employeesOf parses a sheet as a sync would.
func employeesOf(t *testing.T, rows [][]string) []roster.Employee {
	t.Helper()
	parsed, err := roster.ParseRoster(rows, time.Now())
	if err != nil {
		t.Fatalf("ParseRoster: %v", err)
	}
	return parsed.Employees
}

// writesPerCommit is the commit size of the stores openProject opens: a
// tenth of Firestore's 500, so that the changes of these tests, a tenth of
// the size of the issue's, take as many commits as those would.
const writesPerCommit = maxWritesPerCommit / 10

// openProject opens another client (another process or instance) on the
// project, committing writesPerCommit at most; the test closes it, except
// a store whose process dies.
func openProject(t *testing.T, project string, closeAtEnd bool) *Store {
	t.Helper()
	s, err := Open(t.Context(), project, "")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	s.writesPerCommit = writesPerCommit
	if closeAtEnd {
		t.Cleanup(func() { _ = s.Close() })
	}
	return s
}

// wantConverged fails the test unless the project's employee documents
// are exactly want, the manifest and the digest agree with them, and
// Lookup (what `rollcall check` reads) finds every one of want and none
// of others.
func wantConverged(t *testing.T, s *Store, want []roster.Employee, others []roster.Employee) {
	t.Helper()
	ctx := t.Context()
	wantHashes := map[string]string{}
	for _, e := range want {
		wantHashes[e.Phone] = e.Hash()
	}
	docs, err := s.allHashes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantHashes, docs); diff != "" {
		t.Errorf("employee documents differ from the sheet (-sheet +documents):\n%s", diff)
	}
	st, err := s.readState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	manifest, _, err := s.readShards(ctx, st.Shards)
	if err != nil {
		t.Fatalf("read the manifest: %v", err)
	}
	if diff := cmp.Diff(docs, manifest); diff != "" {
		t.Errorf("manifest differs from the documents (-documents +manifest):\n%s", diff)
	}
	if digest, err := s.Digest(ctx); err != nil || digest != replication.DigestOf(want) {
		t.Errorf("Digest = %q, %v; want the sheet's", digest, err)
	}
	for _, e := range want[:3] {
		if _, ok, err := s.Lookup(ctx, e.Phone); err != nil || !ok {
			t.Errorf("Lookup of an employee the sheet lists = %v, %v; want found", ok, err)
		}
	}
	for _, e := range others[:min(3, len(others))] {
		if _, ok, err := s.Lookup(ctx, e.Phone); err != nil || ok {
			t.Errorf("Lookup of a phone the sheet does not list = %v, %v; want not found", ok, err)
		}
	}
}

// wantInstance fails the test unless the instance dir, refreshed, answers
// for every phone of want and others as want says.
func wantInstance(t *testing.T, name string, dir *memdir.Directory, want, others []roster.Employee) {
	t.Helper()
	if err := dir.Refresh(t.Context()); err != nil {
		t.Fatalf("%s: Refresh: %v", name, err)
	}
	wrong := 0
	for _, e := range want {
		got, ok, err := dir.Lookup(t.Context(), e.Phone)
		got.Row = e.Row // a row moved alone is not written again
		if err != nil || !ok || got != e {
			wrong++
		}
	}
	for _, e := range others {
		if _, ok, err := dir.Lookup(t.Context(), e.Phone); err != nil || ok {
			wrong++
		}
	}
	if wrong > 0 {
		t.Errorf("%s answers %d of %d phones unlike the sheet", name, wrong, len(want)+len(others))
	}
}

// TestInterruptedApplyConverges cuts a sync's Apply short at several
// points, in the two ways HR gets a large change wrong (rows deleted by
// mistake, rows pasted by mistake), then HR undoes it, and the next sync
// must bring the documents, the manifest and every instance back to the
// sheet: those up during the cut, and those started after it.
func TestInterruptedApplyConverges(t *testing.T) {
	needEmulator(t)
	const (
		n      = 150 // employees: a change of 60 takes 5 commits of writesPerCommit
		change = 60
	)
	base := sheet(n)
	deleted := slices.Concat(base[:30], base[30+change:])
	pasted := slices.Concat(base, sheet(n + change)[n+1:])
	cases := []struct {
		name    string
		mistake [][]string
	}{
		{"rows deleted by mistake", deleted},
		{"rows pasted by mistake", pasted},
	}
	// Commits of a change of 60: 1 records it as pending, 2 and 3 write
	// the employees, 4 the manifest, 5 ends it. (storetest's replication
	// section cuts at 2, 3 and 4 too.)
	cuts := []struct {
		mode cutMode
		at   int
	}{
		{chunkFails, 4}, {chunkFails, 5}, {deadlinePasses, 3}, {processDies, 2},
	}
	for _, tc := range cases {
		for _, cut := range cuts {
			t.Run(fmt.Sprintf("%s, %s at commit %d", tc.name, cut.mode, cut.at), func(t *testing.T) {
				t.Parallel()
				ctx := t.Context()
				project := testProjectID(t)
				want := employeesOf(t, base)
				mistaken := employeesOf(t, tc.mistake)
				var others []roster.Employee // phones only the mistake lists
				listed := map[string]bool{}
				for _, e := range want {
					listed[e.Phone] = true
				}
				for _, e := range mistaken {
					if !listed[e.Phone] {
						others = append(others, e)
					}
				}

				syncer := openProject(t, project, cut.mode != processDies)
				src := &rowsSource{rows: base}
				if _, err := rostersync.NewEngine(src, syncer, 20).Run(ctx, rostersync.Options{}); err != nil {
					t.Fatalf("first sync: %v", err)
				}
				up := memdir.New(openProject(t, project, true), memdir.Options{})
				if err := up.Refresh(ctx); err != nil {
					t.Fatalf("instance up before the cut: %v", err)
				}

				src.rows = tc.mistake
				cutAt(syncer, cut.at, cut.mode)
				r, err := rostersync.NewEngine(src, syncer, 20).Run(ctx, rostersync.Options{Force: true})
				if err == nil || r.Error == "" || r.Landed != rostersync.LandedPart {
					t.Errorf("the cut-short sync = %v, report error %q, landed %q; want an error and landed %q",
						err, r.Error, r.Landed, rostersync.LandedPart)
				}
				if !errors.Is(err, rostersync.ErrStore) {
					t.Errorf("the cut-short sync's error %v does not wrap ErrStore", err)
				}
				late := memdir.New(openProject(t, project, true), memdir.Options{})
				if err := late.Refresh(ctx); err != nil {
					t.Fatalf("instance started after the cut: %v", err)
				}

				// HR undoes the mistake; the next sync runs in a process of
				// its own, after the dead one's lease has expired. Removing
				// 60 pasted rows of 210 trips the deletion brake: the
				// operator forces it, as the refusal says.
				src.rows = base
				next := openProject(t, project, true)
				next.now = func() time.Time { return time.Now().Add(2 * rostersync.LeaseTTL) }
				before, err := next.allHashes(ctx)
				if err != nil {
					t.Fatal(err)
				}
				r, err = rostersync.NewEngine(src, next, 20).Run(ctx, rostersync.Options{Force: true})
				if err != nil {
					t.Fatalf("the sync after HR's undo: %v", err)
				}
				missing, extra := 0, 0
				for _, e := range want {
					if _, ok := before[e.Phone]; !ok {
						missing++
					}
				}
				for _, e := range others {
					if _, ok := before[e.Phone]; ok {
						extra++
					}
				}
				if r.Added != missing || r.Deleted != extra || r.Updated != 0 || r.Landed != rostersync.LandedAll {
					t.Errorf("the sync after HR's undo: added %d, deleted %d, updated %d, landed %q; want added %d, deleted %d, landed all (the documents held %d)",
						r.Added, r.Deleted, r.Updated, r.Landed, missing, extra, len(before))
				}
				wantConverged(t, next, want, others)
				wantInstance(t, "the instance up before the cut", up, want, others)
				wantInstance(t, "the instance started after the cut", late, want, others)

				if r, err := rostersync.NewEngine(src, next, 20).Run(ctx, rostersync.Options{}); err != nil || r.Unchanged != n || r.Landed != rostersync.LandedNone {
					t.Errorf("the sync after the repair = %v, unchanged %d, landed %q; want %d unchanged, nothing written", err, r.Unchanged, r.Landed, n)
				}
				if st, err := next.readState(ctx); err != nil || st.Pending || st.PendingPhones != "" {
					t.Errorf("after the repair, pending = %v, %q (%v); want cleared", st.Pending, st.PendingPhones, err)
				}
			})
		}
	}
}

// TestInterruptedApplyThenCompleted covers the other way out of a
// cut: HR does not undo, and the next sync completes the change; the
// instances up during the cut must see all of it, not only what the
// second sync wrote.
func TestInterruptedApplyThenCompleted(t *testing.T) {
	needEmulator(t)
	t.Parallel()
	ctx := t.Context()
	const (
		n      = 300
		change = 60
	)
	base := sheet(n)
	mistake := slices.Concat(base[:30], base[30+change:])
	project := testProjectID(t)
	syncer := openProject(t, project, true)
	src := &rowsSource{rows: base}
	if _, err := rostersync.NewEngine(src, syncer, 20).Run(ctx, rostersync.Options{}); err != nil {
		t.Fatal(err)
	}
	up := memdir.New(openProject(t, project, true), memdir.Options{})
	if err := up.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	src.rows = mistake
	cutAt(syncer, 4, chunkFails) // the employees landed; the manifest and the version did not
	if r, _ := rostersync.NewEngine(src, syncer, 20).Run(ctx, rostersync.Options{Force: true}); r.Landed != rostersync.LandedPart {
		t.Fatalf("cut-short sync landed %q, want part", r.Landed)
	}
	// The repair costs O(the change), not O(the directory): it reads the
	// 60 pending employees (to plan, and again to apply), never all 300.
	counted := &ops{}
	next := openCountedStore(t, project, counted)
	next.writesPerCommit = writesPerCommit
	r, err := rostersync.NewEngine(src, next, 20).Run(ctx, rostersync.Options{Force: true})
	if err != nil || r.Landed != rostersync.LandedAll {
		t.Fatalf("the sync that completes it = %v, landed %q", err, r.Landed)
	}
	if reads, _, _ := counted.take(); reads >= 2*change+50 {
		t.Errorf("the repair read %d documents, want under %d (twice the pending employees and a few)", reads, 2*change+50)
	} else {
		t.Logf("the repair read %d documents", reads)
	}
	want := employeesOf(t, mistake)
	gone := employeesOf(t, base)[29 : 29+change]
	wantConverged(t, next, want, gone)
	wantInstance(t, "the instance up during the cut", up, want, gone)
}

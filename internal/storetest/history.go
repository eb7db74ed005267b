package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// record records each report, failing the test on the first error.
func record(t *testing.T, s Store, rs ...rostersync.Report) {
	t.Helper()
	for _, r := range rs {
		if err := s.RecordRun(t.Context(), r); err != nil {
			t.Fatalf("RecordRun(started %v): %v", r.StartedAt, err)
		}
	}
}

// wantRuns fails the test unless Runs(limit) returns want, whole.
func wantRuns(t *testing.T, s Store, limit int, want []rostersync.Report) {
	t.Helper()
	got, err := s.Runs(t.Context(), limit)
	if err != nil {
		t.Fatalf("Runs(%d): %v", limit, err)
	}
	if len(got) == 0 && len(want) == 0 {
		return // nil and empty are the same history
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Runs(%d) (-want +got):\n%s", limit, diff)
	}
}

// wantStarts fails the test unless Runs(limit) returns runs that started at
// want, in that order.
func wantStarts(t *testing.T, s Store, limit int, want []time.Time) {
	t.Helper()
	runs, err := s.Runs(t.Context(), limit)
	if err != nil {
		t.Fatalf("Runs(%d): %v", limit, err)
	}
	got := make([]time.Time, len(runs))
	for i, r := range runs {
		got[i] = r.StartedAt
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("start times of Runs(%d) (-want +got):\n%s", limit, diff)
	}
}

// wantLastSync fails the test unless LastSync is want.
func wantLastSync(t *testing.T, s Store, want time.Time) {
	t.Helper()
	got, err := s.LastSync(t.Context())
	if err != nil {
		t.Fatalf("LastSync: %v", err)
	}
	if !got.Equal(want) {
		t.Errorf("LastSync = %v, want %v", got, want)
	}
}

func testRunsNotApplied(t *testing.T, s Store) {
	at := func(minutes int) time.Time { return epoch().Add(time.Duration(minutes) * time.Minute) }
	dry := rostersync.Report{DryRun: true, Rows: 4, Employees: 4, Added: 4, StartedAt: at(0), DurationMS: 10}
	// A dry run on a never-synced store leaves it never synced.
	record(t, s, dry)
	wantLastSync(t, s, time.Time{})

	applied := rostersync.Report{Forced: true, Rows: 4, Employees: 4, Added: 4, StartedAt: at(1), DurationMS: 30,
		Problems: []roster.Problem{{Row: 6, Code: roster.ProblemDuplicatePhone, Reason: "2행과 같은 휴대전화 번호입니다"}}}
	refused := rostersync.Report{Refused: true, RefusedReason: "would delete 4 of 4 employees", Rows: 0, Deleted: 4, StartedAt: at(2), DurationMS: 40}
	failed := rostersync.Report{Error: "could not read the sheet: timeout", StartedAt: at(3), DurationMS: 50}
	laterDry := rostersync.Report{DryRun: true, Rows: 4, Employees: 4, Unchanged: 4, StartedAt: at(4), DurationMS: 60}
	record(t, s, applied, refused, failed, laterDry)

	wantLastSync(t, s, at(1).Add(30*time.Millisecond))
	wantRuns(t, s, 10, []rostersync.Report{laterDry, failed, refused, applied, dry})
}

func testRunsOrder(t *testing.T, s Store) {
	wantRuns(t, s, 5, nil) // an empty history is no error

	at := func(hours int) time.Time { return epoch().Add(time.Duration(hours) * time.Hour) }
	// Recorded out of order: newest means the latest start, not the last
	// recorded.
	for _, h := range []int{3, 0, 4, 1, 2} {
		record(t, s, rostersync.Report{Rows: h, StartedAt: at(h), DurationMS: int64(h)})
	}
	wantStarts(t, s, 3, []time.Time{at(4), at(3), at(2)})
	wantStarts(t, s, 1, []time.Time{at(4)})
	wantStarts(t, s, 100, []time.Time{at(4), at(3), at(2), at(1), at(0)})
}

func testRunsPruned(t *testing.T, s Store) {
	const recorded = 60
	at := func(i int) time.Time { return epoch().Add(time.Duration(i) * time.Minute) }
	for i := range recorded {
		record(t, s, rostersync.Report{Rows: i, StartedAt: at(i)})
	}
	want := make([]time.Time, 0, keptRuns)
	for i := recorded - 1; i >= recorded-keptRuns; i-- {
		want = append(want, at(i))
	}
	wantStarts(t, s, 2*recorded, want)
	wantLastSync(t, s, at(recorded-1))

	// A run older than everything kept does not push a newer one out.
	record(t, s, rostersync.Report{DryRun: true, StartedAt: at(-1)})
	wantStarts(t, s, 2*recorded, want)
}

package rostersync_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// sheet is a Source that returns fixed rows, or an error.
type sheet struct {
	rows [][]string
	err  error
}

func (s sheet) Rows(context.Context) ([][]string, error) { return s.rows, s.err }

// memStore is a hand-written Store fake that records every call.
type memStore struct {
	employees map[string]roster.Employee
	applies   int
	hashReads int
	// digest, when set, is what Digest answers instead of the true one.
	digest   *string
	runs     []rostersync.Report
	applyErr error
	// recordErr, when set, is what RecordRun fails with.
	recordErr error
	// during, if set, runs inside Apply (to hold a sync open).
	during      func()
	leaseHolder string
}

func newMemStore(es ...roster.Employee) *memStore {
	s := &memStore{employees: map[string]roster.Employee{}}
	for _, e := range es {
		s.employees[e.Phone] = e
	}
	return s
}

func (s *memStore) Digest(ctx context.Context) (string, error) {
	if s.digest != nil {
		return *s.digest, nil
	}
	h := map[string]string{}
	for p, e := range s.employees {
		h[p] = e.Hash()
	}
	return replication.DigestOfHashes(h), nil
}

func (s *memStore) Hashes(context.Context) (map[string]string, error) {
	s.hashReads++
	h := map[string]string{}
	for p, e := range s.employees {
		h[p] = e.Hash()
	}
	return h, nil
}

func (s *memStore) ApplyPlan(_ context.Context, p rostersync.Plan) (int, error) {
	if s.during != nil {
		s.during()
	}
	if s.applyErr != nil {
		return 0, s.applyErr
	}
	s.applies++
	s.digest = nil
	for _, e := range p.Puts() {
		s.employees[e.Phone] = e
	}
	for _, p := range p.Deleted {
		delete(s.employees, p)
	}
	return 0, nil
}

func (s *memStore) RecordRun(_ context.Context, r rostersync.Report) error {
	if s.recordErr != nil {
		return s.recordErr
	}
	s.runs = append(s.runs, r)
	return nil
}

func (s *memStore) AcquireLease(_ context.Context, holder string, _ time.Duration) error {
	if s.leaseHolder != "" && s.leaseHolder != holder {
		return fmt.Errorf("held by %s: %w", s.leaseHolder, rostersync.ErrBusy)
	}
	s.leaseHolder = holder
	return nil
}

func (s *memStore) ReleaseLease(_ context.Context, holder string) error {
	if s.leaseHolder == holder {
		s.leaseHolder = ""
	}
	return nil
}

var header = []string{"이름", "부서", "직급", "휴대전화", "이메일", "재직상태"}

// people returns a sheet of n employees with phones 010-0000-0001 upwards.
func people(n int) [][]string {
	rows := [][]string{header}
	for i := 1; i <= n; i++ {
		rows = append(rows, []string{fmt.Sprintf("직원%d", i), "개발팀", "사원", fmt.Sprintf("010-0000-%04d", i), "", ""})
	}
	return rows
}

func phoneOf(i int) string { return fmt.Sprintf("+82100000%04d", i) }

// seeded returns a store holding exactly what people(n) lists.
func seeded(t *testing.T, n int) *memStore {
	t.Helper()
	s := newMemStore()
	if _, err := rostersync.NewEngine(sheet{rows: people(n)}, s, 20).Run(context.Background(), rostersync.Options{}); err != nil {
		t.Fatalf("seed: %v", err)
	}
	s.applies, s.hashReads, s.runs = 0, 0, nil
	return s
}

var ignoreTiming = cmpopts.IgnoreFields(rostersync.Report{}, "StartedAt", "DurationMS")

func TestRunFirstSyncAddsEveryone(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	rows := append(people(3), []string{}, []string{"퇴사자", "", "", "010-5555-0000", "", "퇴사"},
		[]string{"사무실", "", "", "02-123-4567", "", ""}, []string{"중복", "", "", "01000000001", "", ""})

	got, err := rostersync.NewEngine(sheet{rows: rows}, store, 20).Run(context.Background(), rostersync.Options{})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := rostersync.Report{Rows: 6, Employees: 3, Left: 1, Added: 3, Landed: rostersync.LandedAll, Problems: []roster.Problem{
		{Row: 7, Code: roster.ProblemInvalidPhone},
		{Row: 8, Code: roster.ProblemDuplicatePhone},
	}}
	if diff := cmp.Diff(want, got, ignoreTiming, cmpopts.IgnoreFields(roster.Problem{}, "Reason")); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if len(store.employees) != 3 || len(store.runs) != 1 {
		t.Errorf("store has %d employees and %d runs, want 3 and 1", len(store.employees), len(store.runs))
	}
}

func TestRunUnchangedSheetWritesNothing(t *testing.T) {
	t.Parallel()
	store := seeded(t, 5)
	got, err := rostersync.NewEngine(sheet{rows: people(5)}, store, 20).Run(context.Background(), rostersync.Options{})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got.Unchanged != 5 || got.Added+got.Updated+got.Deleted != 0 {
		t.Errorf("report = %+v, want 5 unchanged and nothing else", got)
	}
	if store.applies != 0 || store.hashReads != 0 {
		t.Errorf("an unchanged sheet called Apply %d times and Hashes %d times, want neither", store.applies, store.hashReads)
	}
}

func TestRunMovedRowsAreNotChanges(t *testing.T) {
	t.Parallel()
	store := seeded(t, 5)
	rows := people(5)
	rows = append([][]string{rows[0], {}, {"메모"}}, rows[1:]...) // every employee two rows down
	got, err := rostersync.NewEngine(sheet{rows: rows}, store, 20).Run(context.Background(), rostersync.Options{})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got.Unchanged != 5 || store.applies != 0 {
		t.Errorf("report = %+v after %d applies, want 5 unchanged and no apply", got, store.applies)
	}
}

func TestRunRepairsAWrongDigest(t *testing.T) {
	t.Parallel()
	store := seeded(t, 3)
	stale := ""
	store.digest = &stale // e.g. an Apply that was interrupted
	got, err := rostersync.NewEngine(sheet{rows: people(3)}, store, 20).Run(context.Background(), rostersync.Options{})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got.Unchanged != 3 || store.hashReads != 1 || store.applies != 1 {
		t.Errorf("report = %+v, %d hash reads, %d applies; want 3 unchanged, planned against the hashes and an (empty) apply that fixes the digest",
			got, store.hashReads, store.applies)
	}
}

func TestRunDeletesLeavers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func([][]string) [][]string
	}{
		{"row removed", func(r [][]string) [][]string { return append(r[:2], r[3:]...) }},
		{"marked 퇴사", func(r [][]string) [][]string { r[2][5] = "퇴사"; return r }},
		{"marked Resigned", func(r [][]string) [][]string { r[2][5] = " Resigned "; return r }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := seeded(t, 10)
			got, err := rostersync.NewEngine(sheet{rows: tt.edit(people(10))}, store, 20).Run(context.Background(), rostersync.Options{})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got.Deleted != 1 {
				t.Errorf("deleted = %d, want 1", got.Deleted)
			}
			if _, ok := store.employees[phoneOf(2)]; ok {
				t.Errorf("the leaver is still in the store")
			}
		})
	}
}

func TestRunUpdatesChangedRows(t *testing.T) {
	t.Parallel()
	store := seeded(t, 4)
	rows := people(4)
	rows[3][1] = "인사팀"
	got, err := rostersync.NewEngine(sheet{rows: rows}, store, 20).Run(context.Background(), rostersync.Options{})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got.Updated != 1 || got.Unchanged != 3 {
		t.Errorf("report = %+v, want 1 updated, 3 unchanged", got)
	}
	if d := store.employees[phoneOf(3)].Department; d != "인사팀" {
		t.Errorf("department = %q, want 인사팀", d)
	}
}

func TestRunDeletionBrake(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		stored      int
		listed      int
		opts        rostersync.Options
		wantErr     error
		wantRemains int
	}{
		{"emptied sheet is refused", 10, 0, rostersync.Options{}, rostersync.ErrRefused, 10},
		{"emptied sheet forced", 10, 0, rostersync.Options{Force: true}, nil, 0},
		{"3 deletions always pass", 5, 2, rostersync.Options{}, nil, 2},
		{"4 of 10 is over 20%", 10, 6, rostersync.Options{}, rostersync.ErrRefused, 10},
		{"4 of 100 is under 20%", 100, 96, rostersync.Options{}, nil, 96},
		{"21 of 100 is over 20%", 100, 79, rostersync.Options{}, rostersync.ErrRefused, 100},
		{"20 of 100 is not over 20%", 100, 80, rostersync.Options{}, nil, 80},
		{"dry run reports the refusal", 10, 0, rostersync.Options{DryRun: true}, rostersync.ErrRefused, 10},
		{"forced dry run changes nothing", 10, 0, rostersync.Options{DryRun: true, Force: true}, nil, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := seeded(t, tt.stored)
			got, err := rostersync.NewEngine(sheet{rows: people(tt.listed)}, store, 20).Run(context.Background(), tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Run error = %v, want %v", err, tt.wantErr)
			}
			if got.Refused != (tt.wantErr != nil) {
				t.Errorf("refused = %v, want %v", got.Refused, tt.wantErr != nil)
			}
			if got.Deleted != tt.stored-tt.listed {
				t.Errorf("reported deleted = %d, want %d (the plan, applied or not)", got.Deleted, tt.stored-tt.listed)
			}
			if n := len(store.employees); n != tt.wantRemains {
				t.Errorf("store holds %d employees, want %d", n, tt.wantRemains)
			}
		})
	}
}

func TestRunFailedReadChangesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  sheet
	}{
		{"source error", sheet{err: errors.New("HTTP 500")}},
		{"no header", sheet{rows: [][]string{{}, {" "}}}},
		{"no phone column", sheet{rows: [][]string{{"이름", "부서"}, {"김", "개발"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := seeded(t, 10)
			before := maps.Clone(store.employees)
			got, err := rostersync.NewEngine(tt.src, store, 20).Run(context.Background(), rostersync.Options{Force: true})
			if !errors.Is(err, rostersync.ErrRead) {
				t.Fatalf("Run error = %v, want ErrRead", err)
			}
			if got.Error == "" {
				t.Errorf("report has no error text")
			}
			if diff := cmp.Diff(before, store.employees); diff != "" || store.applies != 0 {
				t.Errorf("store changed after a failed read (applies %d):\n%s", store.applies, diff)
			}
			if len(store.runs) != 1 || store.runs[0].Applied() {
				t.Errorf("runs recorded = %+v, want the one failed run", store.runs)
			}
		})
	}
}

func TestRunReportsMissingPhoneColumnByRow(t *testing.T) {
	t.Parallel()
	rows := [][]string{{}, {"이름", "부서"}, {"김", "개발"}}
	got, _ := rostersync.NewEngine(sheet{rows: rows}, newMemStore(), 20).Run(context.Background(), rostersync.Options{})
	want := []roster.Problem{{Row: 2, Code: "missing_phone_column"}}
	if diff := cmp.Diff(want, got.Problems, cmpopts.IgnoreFields(roster.Problem{}, "Reason")); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestRunApplyErrorIsReported(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	store.applyErr = errors.New("disk full")
	got, err := rostersync.NewEngine(sheet{rows: people(2)}, store, 20).Run(context.Background(), rostersync.Options{})
	if err == nil || errors.Is(err, rostersync.ErrRead) {
		t.Fatalf("Run error = %v, want an apply error", err)
	}
	if got.Error == "" || len(store.runs) != 1 || store.runs[0].Applied() {
		t.Errorf("report error %q, runs recorded %+v; want an error and the failed run", got.Error, store.runs)
	}
}

// TestRunSaysWhatLanded holds Report.Landed to what reached the store: a
// failed run says whether none, part or all of its changes landed.
func TestRunSaysWhatLanded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		applyErr, recordErr error
		opts                rostersync.Options
		rows                [][]string
		want                string
	}{
		{"done", nil, nil, rostersync.Options{}, people(3), rostersync.LandedAll},
		{"unchanged", nil, nil, rostersync.Options{}, people(2), rostersync.LandedNone},
		{"dry run", nil, nil, rostersync.Options{DryRun: true}, people(3), rostersync.LandedNone},
		{"refused", nil, nil, rostersync.Options{}, people(0), rostersync.LandedNone},
		{"apply refused", errors.New("permission denied"), nil, rostersync.Options{}, people(3), rostersync.LandedNone},
		{"apply cut short", fmt.Errorf("commit 3 of 5: %w", replication.ErrInterrupted), nil, rostersync.Options{}, people(3), rostersync.LandedPart},
		{"run not recorded", nil, errors.New("quota"), rostersync.Options{}, people(3), rostersync.LandedAll},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := seeded(t, 2)
			if tt.name == "refused" {
				store = seeded(t, 10)
			}
			store.applyErr, store.recordErr = tt.applyErr, tt.recordErr
			got, err := rostersync.NewEngine(sheet{rows: tt.rows}, store, 20).Run(context.Background(), tt.opts)
			if (tt.applyErr != nil || tt.recordErr != nil) && (err == nil || got.Error == "") {
				t.Errorf("Run = %v, report error %q; want the failure in both", err, got.Error)
			}
			if got.Landed != tt.want {
				t.Errorf("Landed = %q, want %q", got.Landed, tt.want)
			}
		})
	}
}

func TestRunOneAtATime(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	engine := rostersync.NewEngine(sheet{rows: people(2)}, store, 20)
	var second error
	store.during = func() {
		store.during = nil
		_, second = engine.Run(context.Background(), rostersync.Options{})
	}
	if _, err := engine.Run(context.Background(), rostersync.Options{}); err != nil {
		t.Fatalf("first Run: %v", err)
	}
	if !errors.Is(second, rostersync.ErrBusy) {
		t.Errorf("second Run during the first = %v, want ErrBusy", second)
	}
	if store.applies != 1 {
		t.Errorf("applies = %d, want 1", store.applies)
	}
}

func TestRunRespectsAnotherHoldersLease(t *testing.T) {
	t.Parallel()
	store := seeded(t, 3)
	store.leaseHolder = "another-instance"
	engine := rostersync.NewEngine(sheet{rows: people(0)}, store, 100, rostersync.WithHolder("me"))

	got, err := engine.Run(context.Background(), rostersync.Options{Force: true})
	if !errors.Is(err, rostersync.ErrBusy) {
		t.Fatalf("Run = %v, want ErrBusy", err)
	}
	if got.Error == "" || store.applies != 0 || len(store.employees) != 3 || len(store.runs) != 0 {
		t.Errorf("a busy run changed something: report %+v, applies %d, employees %d, runs %d",
			got, store.applies, len(store.employees), len(store.runs))
	}

	store.leaseHolder = "" // the other holder released it (or it expired)
	if _, err := engine.Run(context.Background(), rostersync.Options{Force: true}); err != nil {
		t.Fatalf("Run after release = %v", err)
	}
	if store.leaseHolder != "" {
		t.Errorf("lease still held by %q after the run", store.leaseHolder)
	}
}

func TestRunRecordsEveryRun(t *testing.T) {
	t.Parallel()
	store := seeded(t, 10)
	engine := rostersync.NewEngine(sheet{rows: people(0)}, store, 20)
	for _, opts := range []rostersync.Options{{DryRun: true, Force: true}, {}} {
		if _, err := engine.Run(context.Background(), opts); err != nil && !errors.Is(err, rostersync.ErrRefused) {
			t.Fatal(err)
		}
	}
	if len(store.runs) != 2 || store.runs[0].Applied() || !store.runs[0].DryRun || store.runs[1].Applied() || !store.runs[1].Refused {
		t.Errorf("runs = %+v, want a dry run and a refused run, neither applied", store.runs)
	}
}

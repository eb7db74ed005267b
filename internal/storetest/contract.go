package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// fixtures returns employees whose fields exercise what a store must keep
// exactly: Korean text, punctuation, quotes, a line break, empty fields.
// The phones are made up; none is a real person's.
func fixtures() []roster.Employee {
	return []roster.Employee{
		{Phone: "+821012345678", Name: "홍길동", Department: "인사팀 / 채용", Position: "과장(대리)", Email: "gildong.hong@example.co.kr", Row: 2},
		{Phone: "+821098765432", Name: "Kim \"Jay\" 김", Department: "개발팀\n플랫폼", Position: "선임 🙂", Email: "", Row: 7},
		{Phone: "+821055550000", Row: 1048576},
	}
}

// People returns n distinct made-up employees, phones +82100000000
// upwards, in phone order: a directory of any size for tests and
// benchmarks of a store.
func People(n int) []roster.Employee {
	es := make([]roster.Employee, n)
	for i := range es {
		es[i] = roster.Employee{
			Phone:      fmt.Sprintf("+8210%08d", i),
			Name:       fmt.Sprintf("직원%d", i),
			Department: "개발팀",
			Position:   "사원",
			Email:      fmt.Sprintf("e%d@example.com", i),
			Row:        i + 2,
		}
	}
	return es
}

// hashesOf returns the hashes a store holding exactly es must report.
func hashesOf(es ...roster.Employee) map[string]string {
	h := make(map[string]string, len(es))
	for _, e := range es {
		h[e.Phone] = e.Hash()
	}
	return h
}

func apply(t *testing.T, s Store, puts []roster.Employee, deletes []string) {
	t.Helper()
	if _, err := s.ApplyPlan(t.Context(), rostersync.Plan{Added: puts, Deleted: deletes}); err != nil {
		t.Fatalf("ApplyPlan(%d puts, %d deletes): %v", len(puts), len(deletes), err)
	}
}

// wantHashes fails the test unless the store holds exactly want.
func wantHashes(t *testing.T, s Store, want map[string]string) {
	t.Helper()
	got, err := s.Hashes(t.Context())
	if err != nil {
		t.Fatalf("Hashes: %v", err)
	}
	if len(got) == 0 && len(want) == 0 {
		return // nil and empty are the same directory
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Hashes (-want +got):\n%s", diff)
	}
}

// wantLookup fails the test unless Lookup(phone) finds want, or, with a nil
// want, misses.
func wantLookup(t *testing.T, s Store, phone string, want *roster.Employee) {
	t.Helper()
	got, ok, err := s.Lookup(t.Context(), phone)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	switch {
	case want == nil && ok:
		t.Errorf("Lookup found an employee from sheet row %d, want a miss", got.Row)
	case want != nil && !ok:
		t.Errorf("Lookup missed the employee from sheet row %d", want.Row)
	case want != nil:
		if diff := cmp.Diff(*want, got); diff != "" {
			t.Errorf("Lookup (-want +got):\n%s", diff)
		}
	}
}

func testEmpty(t *testing.T, s Store) {
	wantHashes(t, s, nil)
	wantLookup(t, s, "+821012345678", nil)
	last, err := s.LastSync(t.Context())
	if err != nil {
		t.Fatalf("LastSync: %v", err)
	}
	if !last.IsZero() {
		t.Errorf("LastSync of a never-synced store = %v, want the zero time", last)
	}
}

func testLookupFields(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	for _, e := range es {
		wantLookup(t, s, e.Phone, &e)
	}
}

func testLookupMiss(t *testing.T, s Store) {
	apply(t, s, fixtures(), nil)
	for _, phone := range []string{
		"+82101234567",   // a prefix of a stored phone
		"+8210123456789", // a stored phone with more digits
		"+821011112222",
		"01012345678", // not E.164: callers normalize first
		"",
	} {
		wantLookup(t, s, phone, nil)
	}
}

func testHashes(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	wantHashes(t, s, hashesOf(es...))
}

func testUpdate(t *testing.T, s Store) {
	old := fixtures()[0]
	apply(t, s, []roster.Employee{old}, nil)
	changed := roster.Employee{Phone: old.Phone, Name: "홍길동", Department: "재무팀", Position: "부장", Row: 9}
	// Email is cleared: a store must not keep an old field the update leaves empty.
	apply(t, s, []roster.Employee{changed}, nil)
	wantLookup(t, s, old.Phone, &changed)
	wantHashes(t, s, hashesOf(changed))
}

func testDelete(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	apply(t, s, nil, []string{es[1].Phone})
	wantLookup(t, s, es[1].Phone, nil)
	wantLookup(t, s, es[0].Phone, &es[0])
	wantHashes(t, s, hashesOf(es[0], es[2]))
}

func testDeleteAbsent(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	apply(t, s, nil, []string{"+821099990000"})
	wantHashes(t, s, hashesOf(es...))
}

func testPutsAndDeletes(t *testing.T, s Store) {
	es := People(4)
	apply(t, s, es[:3], nil)
	changed := es[1]
	changed.Department = "영업팀"
	apply(t, s, []roster.Employee{changed, es[3]}, []string{es[0].Phone, es[2].Phone})
	wantHashes(t, s, hashesOf(changed, es[3]))
	wantLookup(t, s, changed.Phone, &changed)
	wantLookup(t, s, es[0].Phone, nil)
}

func testEmptyApply(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	apply(t, s, nil, nil)
	apply(t, s, []roster.Employee{}, []string{})
	wantHashes(t, s, hashesOf(es...))
}

func testCount(t *testing.T, s Store) {
	wantCount(t, s, 0)
	es := People(5)
	apply(t, s, es, nil)
	wantCount(t, s, 5)
	apply(t, s, []roster.Employee{es[0]}, []string{es[1].Phone, es[2].Phone, "+821099990000"})
	wantCount(t, s, 3)
	if err := s.RecordRun(t.Context(), rostersync.Report{StartedAt: epoch()}); err != nil {
		t.Fatalf("RecordRun: %v", err)
	}
	wantCount(t, s, 3)
}

// wantCount fails the test unless the store counts want employees.
func wantCount(t *testing.T, s Store, want int) {
	t.Helper()
	got, err := s.Count(t.Context())
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	if got != want {
		t.Errorf("Count = %d, want %d", got, want)
	}
}

func testNoPhone(t *testing.T, s Store) {
	_, err := s.ApplyPlan(t.Context(), rostersync.Plan{Added: []roster.Employee{{Name: "전화없음", Row: 3}}})
	if err == nil {
		t.Errorf("ApplyPlan of an employee without a phone succeeded, want an error")
	}
}

func testRecordRun(t *testing.T, s Store) {
	started := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	r := rostersync.Report{Rows: 3, Employees: 3, Added: 3, StartedAt: started, DurationMS: 1500,
		Problems: []roster.Problem{{Row: 5, Code: roster.ProblemInvalidPhone, Reason: "휴대전화 번호를 읽을 수 없습니다"}}}
	if err := s.RecordRun(t.Context(), r); err != nil {
		t.Fatalf("RecordRun: %v", err)
	}
	got, err := s.LastSync(t.Context())
	if err != nil {
		t.Fatalf("LastSync: %v", err)
	}
	if want := started.Add(1500 * time.Millisecond); !got.Equal(want) {
		t.Errorf("LastSync = %v, want StartedAt+DurationMS = %v", got, want)
	}
	wantRuns(t, s, 10, []rostersync.Report{r})
}

func testRecordRunAgain(t *testing.T, s Store) {
	first := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	second := first.Add(24 * time.Hour)
	for _, at := range []time.Time{first, second} {
		if err := s.RecordRun(t.Context(), rostersync.Report{StartedAt: at, DurationMS: 20}); err != nil {
			t.Fatalf("RecordRun: %v", err)
		}
	}
	got, err := s.LastSync(t.Context())
	if err != nil {
		t.Fatalf("LastSync: %v", err)
	}
	if want := second.Add(20 * time.Millisecond); !got.Equal(want) {
		t.Errorf("LastSync after two runs = %v, want the second's end %v", got, want)
	}
}

func testRecordRunKeepsEmployees(t *testing.T, s Store) {
	es := fixtures()
	apply(t, s, es, nil)
	if err := s.RecordRun(t.Context(), rostersync.Report{Employees: len(es), StartedAt: time.Now()}); err != nil {
		t.Fatalf("RecordRun: %v", err)
	}
	wantHashes(t, s, hashesOf(es...))
}

func testLargeApply(t *testing.T, s Store) {
	// 1,200 is more than one Firestore batch (500 writes) can hold.
	es := People(1200)
	apply(t, s, es, nil)
	wantHashes(t, s, hashesOf(es...))
	for _, i := range []int{0, 499, 500, 501, 1199} {
		wantLookup(t, s, es[i].Phone, &es[i])
	}

	deletes := make([]string, 0, 1100)
	for _, e := range es[100:] {
		deletes = append(deletes, e.Phone)
	}
	wantEmployees(t, s, es)
	apply(t, s, nil, deletes)
	wantHashes(t, s, hashesOf(es[:100]...))
	wantEmployees(t, s, es[:100])
}

func testCancelled(t *testing.T, s Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	es := fixtures()

	if _, err := s.ApplyPlan(ctx, rostersync.Plan{Added: es}); err == nil {
		t.Errorf("ApplyPlan with a cancelled context succeeded, want an error")
	}
	if err := s.RecordRun(ctx, rostersync.Report{StartedAt: time.Now()}); err == nil {
		t.Errorf("RecordRun with a cancelled context succeeded, want an error")
	}
	if _, err := s.Hashes(ctx); err == nil {
		t.Errorf("Hashes with a cancelled context succeeded, want an error")
	}
	if _, ok, err := s.Lookup(ctx, es[0].Phone); err == nil || ok {
		t.Errorf("Lookup with a cancelled context = (found %v, %v), want a miss and an error", ok, err)
	}
	if _, err := s.LastSync(ctx); err == nil {
		t.Errorf("LastSync with a cancelled context succeeded, want an error")
	}
	if _, err := s.Runs(ctx, 10); err == nil {
		t.Errorf("Runs with a cancelled context succeeded, want an error")
	}
	if _, err := s.Count(ctx); err == nil {
		t.Errorf("Count with a cancelled context succeeded, want an error")
	}
	if _, err := s.Employees(ctx); err == nil {
		t.Errorf("Employees with a cancelled context succeeded, want an error")
	}
	if _, _, err := s.Status(ctx); err == nil {
		t.Errorf("Status with a cancelled context succeeded, want an error")
	}
	if err := s.AcquireLease(ctx, "a", time.Minute); err == nil {
		t.Errorf("AcquireLease with a cancelled context succeeded, want an error")
	}
	if err := s.ReleaseLease(ctx, "a"); err == nil {
		t.Errorf("ReleaseLease with a cancelled context succeeded, want an error")
	}

	// Nothing was written by the calls that failed.
	wantHashes(t, s, nil)
	last, err := s.LastSync(t.Context())
	if err != nil {
		t.Fatalf("LastSync: %v", err)
	}
	if !last.IsZero() {
		t.Errorf("LastSync after a cancelled RecordRun = %v, want the zero time", last)
	}
	wantStarts(t, s, 10, nil)
	// The cancelled AcquireLease took nothing.
	if err := s.AcquireLease(t.Context(), "b", time.Minute); err != nil {
		t.Errorf("AcquireLease after a cancelled AcquireLease: %v", err)
	}
}

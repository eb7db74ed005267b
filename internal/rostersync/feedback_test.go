package rostersync_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/rostersync"
)

// tab is a Feedback that keeps the rows of the page it is given, as HR's
// spreadsheet would; err, when set, fails every write.
type tab struct {
	rows  [][]string
	calls int
	err   error
}

func (f *tab) Write(_ context.Context, page func([][]string) (rostersync.FeedbackPage, bool)) (bool, error) {
	f.calls++
	if f.err != nil {
		return false, f.err
	}
	p, ok := page(f.rows)
	if ok {
		f.rows = p.Rows
	}
	return ok, nil
}

// line is the value of the tab's line labelled label.
func (f *tab) line(label string) string {
	for _, row := range f.rows {
		if len(row) == 2 && row[0] == label {
			return row[1]
		}
	}
	return ""
}

// history serves a memStore's recorded runs, newest first.
type history struct{ s *memStore }

func (h history) Runs(_ context.Context, limit int) ([]rostersync.Report, error) {
	runs := slices.Clone(h.s.runs)
	slices.Reverse(runs)
	return runs[:min(limit, len(runs))], nil
}

func TestFeedbackIsGivenAfterEachRunThatReadTheSheet(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	fb := &tab{}
	src := &sheet{rows: people(10)}
	engine := rostersync.NewEngine(src, store, 20, rostersync.WithFeedback(fb, history{store}))
	ctx := context.Background()

	// Done, with changes: the run is its own last change.
	r, err := engine.Run(ctx, rostersync.Options{})
	if err != nil || r.Feedback == nil || !r.Feedback.Written || fb.calls != 1 {
		t.Fatalf("first run: %v, feedback %+v, %d writes", err, r.Feedback, fb.calls)
	}
	if fb.line("결과") != "완료" || fb.line("현재 직원 수") != "10명" || !strings.Contains(fb.line("마지막 변경"), "추가 10명") {
		t.Errorf("after the first run the tab shows %q; want done, 10 employees, itself as the last change", fb.rows)
	}

	// Done, unchanged: the last change comes from the history, and the
	// tab already shows it.
	r, err = engine.Run(ctx, rostersync.Options{})
	if err != nil || r.Feedback == nil || !r.Feedback.Unchanged || fb.calls != 2 {
		t.Fatalf("unchanged run: %v, feedback %+v, %d writes", err, r.Feedback, fb.calls)
	}
	if fb.line("현재 직원 수") != "10명" || !strings.Contains(fb.line("마지막 변경"), "추가 10명") {
		t.Errorf("after an unchanged run the tab shows %q; want 10 employees, the first run as the last change", fb.rows)
	}

	// Dry runs and unread sheets: nothing.
	if _, err := engine.Run(ctx, rostersync.Options{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	src.err = errors.New("connection refused")
	if _, err := engine.Run(ctx, rostersync.Options{}); !errors.Is(err, rostersync.ErrRead) {
		t.Fatalf("run with an unreadable source: %v", err)
	}
	if fb.calls != 2 {
		t.Errorf("%d feedback writes after a dry run and an unread sheet, want still 2", fb.calls)
	}

	// A sheet without a phone column was read: HR is told.
	src.err, src.rows = nil, [][]string{{"이름"}, {"홍길동"}}
	if _, err := engine.Run(ctx, rostersync.Options{}); !errors.Is(err, rostersync.ErrRead) {
		t.Fatalf("run without a phone column: %v", err)
	}
	if fb.calls != 3 || !strings.HasPrefix(fb.line("결과"), "실패: 시트를 직원 명단으로 읽지 못했습니다") || fb.line("현재 직원 수") != "10명" {
		t.Errorf("feedback on a sheet without a phone column: %q; want the failure and 10 employees still", fb.rows)
	}

	// Refused by the brake: the figures of the plan.
	src.rows = people(2)
	if _, err := engine.Run(ctx, rostersync.Options{}); !errors.Is(err, rostersync.ErrRefused) {
		t.Fatalf("run deleting 8 of 10: %v", err)
	}
	if !strings.HasPrefix(fb.line("결과"), "거부: 삭제 예정 8명: 현재 인원의 80%, 한도 20%") || fb.line("현재 직원 수") != "10명" {
		t.Errorf("refused run: the tab shows %q; want 8 deletions of 10, limit 20", fb.rows)
	}
}

func TestFeedbackFailureLeavesTheOutcome(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	fb := &tab{err: errors.New("share the spreadsheet with x as Editor, or unset ROLLCALL_FEEDBACK_TAB")}
	r, err := rostersync.NewEngine(sheet{rows: people(3)}, store, 20, rostersync.WithFeedback(fb, history{store})).
		Run(context.Background(), rostersync.Options{})
	if err != nil || r.Added != 3 || r.Error != "" {
		t.Errorf("run: %v, report %+v; want done, 3 added", err, r)
	}
	if r.Feedback == nil || r.Feedback.Written || r.Feedback.Error != fb.err.Error() {
		t.Errorf("feedback %+v, want not written with the error", r.Feedback)
	}
	if len(store.runs) != 1 || store.runs[0].Error != "" {
		t.Errorf("recorded %+v; want one run without error", store.runs)
	}
}

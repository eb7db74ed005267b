package rostersync_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// feedbackLog is a Feedback that records what it is handed.
type feedbackLog struct {
	runs []rostersync.FeedbackRun
	err  error
}

func (f *feedbackLog) Write(_ context.Context, run rostersync.FeedbackRun) (bool, error) {
	f.runs = append(f.runs, run)
	return f.err == nil, f.err
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
	fb := &feedbackLog{}
	src := &sheet{rows: people(10)}
	engine := rostersync.NewEngine(src, store, 20, rostersync.WithFeedback(fb, history{store}))
	ctx := context.Background()

	// Done, with changes: the run is its own last change.
	r, err := engine.Run(ctx, rostersync.Options{})
	if err != nil || r.Feedback == nil || !r.Feedback.Written || len(fb.runs) != 1 {
		t.Fatalf("first run: %v, feedback %+v, %d writes", err, r.Feedback, len(fb.runs))
	}
	if got := fb.runs[0]; got.Employees != 10 || got.LastChange == nil || got.LastChange.Added != 10 || got.Err != nil {
		t.Errorf("first run handed %+v; want 10 employees, itself as the last change", got)
	}

	// Done, unchanged: the last change comes from the history.
	if _, err := engine.Run(ctx, rostersync.Options{}); err != nil {
		t.Fatal(err)
	}
	if got := fb.runs[1]; got.Employees != 10 || got.LastChange == nil || got.LastChange.Added != 10 {
		t.Errorf("unchanged run handed %+v; want 10 employees, the first run as the last change", got)
	}

	// Dry runs and unread sheets: nothing.
	if _, err := engine.Run(ctx, rostersync.Options{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	src.err = errors.New("connection refused")
	if _, err := engine.Run(ctx, rostersync.Options{}); !errors.Is(err, rostersync.ErrRead) {
		t.Fatalf("run with an unreadable source: %v", err)
	}
	if len(fb.runs) != 2 {
		t.Errorf("%d feedback writes after a dry run and an unread sheet, want still 2", len(fb.runs))
	}

	// A sheet without a phone column was read: HR is told.
	src.err, src.rows = nil, [][]string{{"이름"}, {"홍길동"}}
	if _, err := engine.Run(ctx, rostersync.Options{}); !errors.Is(err, rostersync.ErrRead) {
		t.Fatalf("run without a phone column: %v", err)
	}
	if len(fb.runs) != 3 || !errors.Is(fb.runs[2].Err, roster.ErrNoPhoneColumn) || fb.runs[2].Employees != 10 {
		t.Errorf("feedback on a sheet without a phone column: %+v; want the error and 10 employees still", fb.runs[len(fb.runs)-1])
	}

	// Refused by the brake: the figures of the plan.
	src.rows = people(2)
	if _, err := engine.Run(ctx, rostersync.Options{}); !errors.Is(err, rostersync.ErrRefused) {
		t.Fatalf("run deleting 8 of 10: %v", err)
	}
	got := fb.runs[len(fb.runs)-1]
	if !errors.Is(got.Err, rostersync.ErrRefused) || got.Report.Deleted != 8 || got.Employees != 10 || got.MaxDeletePercent != 20 {
		t.Errorf("refused run handed %+v; want ErrRefused, 8 deletions of 10, limit 20", got)
	}
}

func TestFeedbackFailureLeavesTheOutcome(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	fb := &feedbackLog{err: errors.New("share the spreadsheet with x as Editor, or unset ROLLCALL_FEEDBACK_TAB")}
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

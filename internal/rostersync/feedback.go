package rostersync

import (
	"context"
	"errors"
	"time"

	"github.com/rollcall/rollcall/internal/logging"
)

// Feedback is the tab of HR's spreadsheet that shows each sync's result
// (ROLLCALL_FEEDBACK_TAB). What it says is the sync's (feedback_text.go);
// a Feedback only reads and writes its cells.
type Feedback interface {
	// Write reads what the tab shows, as text rows (nil when there is no
	// tab yet), and hands it to page. When page returns true, Write
	// replaces the tab's content with the page, creating the tab if
	// missing. It reports whether it wrote.
	Write(ctx context.Context, page func(shown [][]string) (FeedbackPage, bool)) (written bool, err error)
}

// FeedbackPage is the feedback tab's text, row by row from A1. Row 1 is a
// title; the rows above HeaderRow (1-based) are labelled lines, their label
// in the first cell; HeaderRow heads a table. A person reads it with the
// rows down to HeaderRow kept on screen.
type FeedbackPage struct {
	Rows      [][]string
	HeaderRow int
}

// History is the store's sync history, which a Feedback's figures come from.
type History interface {
	// Runs returns up to limit of the newest runs, newest first.
	Runs(ctx context.Context, limit int) ([]Report, error)
}

// FeedbackRun is what HR is told about one run.
type FeedbackRun struct {
	// Report is the run's report.
	Report Report
	// Err is why the run failed or was refused (errors.Is works on it); nil
	// for a done run.
	Err error
	// MaxDeletePercent is the deletion brake's threshold.
	MaxDeletePercent float64
	// Employees is how many employees the directory holds after the run.
	Employees int
	// LastChange is the newest run that changed the directory, this one
	// included; nil when the history holds none.
	LastChange *Report
}

// FeedbackStatus is the report's account of the feedback write.
type FeedbackStatus struct {
	// Written is true when the tab was (re)written by this run.
	Written bool `json:"written"`
	// Unchanged is true when the tab already showed this result.
	Unchanged bool `json:"unchanged,omitempty"`
	// Error says why the write failed; the sync's own outcome stands.
	Error string `json:"error,omitempty"`
}

// WithFeedback makes the engine show HR every run that is not a dry run and
// that read the sheet, with figures from history (the store).
func WithFeedback(f Feedback, history History) EngineOption {
	return func(e *Engine) { e.feedback, e.history = f, history }
}

// feedbackTimeout bounds the whole feedback write, retries included: past
// it the sync's outcome stands and HR sees the result at the next run.
const feedbackTimeout = time.Minute

// sourceError marks a failure to read the source: the sheet was never seen,
// so there is nothing to tell HR in it.
type sourceError struct{ err error }

func (e sourceError) Error() string { return e.err.Error() }
func (e sourceError) Unwrap() error { return e.err }

// giveFeedback writes the run for HR if it should, and records the outcome
// in r. A failure is logged and never changes the sync's outcome.
func (e *Engine) giveFeedback(ctx context.Context, r *Report, runErr error) {
	if e.feedback == nil || r.DryRun || errors.As(runErr, new(sourceError)) {
		return
	}
	log := logging.FromContext(ctx)
	ctx, cancel := context.WithTimeout(ctx, feedbackTimeout)
	defer cancel()
	run := FeedbackRun{Report: *r, Err: runErr, MaxDeletePercent: e.maxDeletePercent}
	e.fromHistory(ctx, &run)
	written, err := e.feedback.Write(ctx, func(shown [][]string) (FeedbackPage, bool) { return feedbackPage(run, shown) })
	switch {
	case err != nil:
		r.Feedback = &FeedbackStatus{Error: err.Error()}
		log.WarnContext(ctx, "could not write the sync's result into the spreadsheet for HR; the sync's outcome stands",
			"error", err.Error())
	case written:
		r.Feedback = &FeedbackStatus{Written: true}
		log.InfoContext(ctx, "wrote the sync's result into the spreadsheet for HR")
	default:
		r.Feedback = &FeedbackStatus{Unchanged: true}
	}
}

// fromHistory fills in the directory's size and its last change: this run
// when it applied changes, else the newest such run of the history.
func (e *Engine) fromHistory(ctx context.Context, run *FeedbackRun) {
	r := run.Report
	applied := r.Applied() && run.Err == nil
	if applied {
		run.Employees = r.Employees
		if r.Added+r.Updated+r.Deleted > 0 {
			run.LastChange = &r
			return
		}
	}
	if e.history == nil {
		return
	}
	runs, err := e.history.Runs(ctx, KeptRuns)
	if err != nil {
		logging.FromContext(ctx).WarnContext(ctx, "could not read the sync history for HR's feedback", "error", err.Error())
		return
	}
	sizeKnown := applied
	if r.Refused {
		// Every stored employee was planned as unchanged, updated or deleted.
		run.Employees, sizeKnown = r.Unchanged+r.Updated+r.Deleted, true
	}
	for i := range runs {
		h := runs[i]
		if !h.Applied() {
			continue
		}
		if !sizeKnown {
			run.Employees, sizeKnown = h.Employees, true
		}
		if h.Added+h.Updated+h.Deleted > 0 {
			run.LastChange = &h
			return
		}
	}
}

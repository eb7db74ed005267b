package rostersync

import (
	"context"
	"errors"
	"time"

	"github.com/rollcall/rollcall/internal/logging"
)

// Feedback is the tab of HR's spreadsheet that shows each sync's result
// (ROLLCALL_FEEDBACK_TAB); it only reads and writes cells.
type Feedback interface {
	// Write hands page what the tab shows as text rows (nil: no tab yet);
	// when page returns true, it replaces the tab's content with the page,
	// creating the tab if missing, and reports that it wrote.
	Write(ctx context.Context, page func(shown [][]string) (FeedbackPage, bool)) (written bool, err error)
}

// FeedbackPage is the feedback tab's text, row by row from A1: a title,
// labelled lines, and at HeaderRow (1-based) the header of a table; the
// rows down to HeaderRow stay on screen.
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
	Report           Report
	Err              error // why the run failed or was refused; nil when done
	MaxDeletePercent float64
	Employees        int // in the directory after the run
	// LastChange is the newest run that changed the directory, this one
	// included; nil when the history holds none.
	LastChange *Report
}

// FeedbackStatus is the report's account of the feedback write: written by
// this run, already showing this result, or failed (the outcome stands).
type FeedbackStatus struct {
	Written   bool   `json:"written"`
	Unchanged bool   `json:"unchanged,omitempty"`
	Error     string `json:"error,omitempty"`
}

// WithFeedback makes the engine show HR every run that is not a dry run and
// that read the sheet, with figures from history (the store).
func WithFeedback(f Feedback, history History) EngineOption {
	return func(e *Engine) { e.feedback, e.history = f, history }
}

// feedbackTimeout bounds the whole feedback write, retries included.
const feedbackTimeout = time.Minute

// sourceError marks a failure to read the sheet: nothing in it for HR.
type sourceError struct{ err error }

func (e sourceError) Error() string { return e.err.Error() }
func (e sourceError) Unwrap() error { return e.err }

// giveFeedback writes the run for HR if it should, and records how in r; a
// failure never changes the sync's outcome.
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
	if r.Applied() {
		run.Employees = r.Employees
		if r.changed() {
			run.LastChange = &r
			return
		}
	}
	runs, err := e.history.Runs(ctx, KeptRuns)
	if err != nil {
		logging.FromContext(ctx).WarnContext(ctx, "could not read the sync history for HR's feedback", "error", err.Error())
		return
	}
	sizeKnown := r.Applied() || r.Refused
	if r.Refused {
		// Every stored employee was planned as unchanged, updated or deleted.
		run.Employees = r.Unchanged + r.Updated + r.Deleted
	}
	for _, h := range runs {
		if !h.Applied() {
			continue
		}
		if !sizeKnown {
			run.Employees, sizeKnown = h.Employees, true
		}
		if h.changed() {
			run.LastChange = &h
			return
		}
	}
}

func (r Report) changed() bool { return r.Added+r.Updated+r.Deleted > 0 }

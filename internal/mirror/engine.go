package mirror

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/rollcall/rollcall/internal/directory"
	"github.com/rollcall/rollcall/internal/logging"
)

// Errors a run returns; callers map them to exit codes and HTTP statuses
// with errors.Is.
var (
	// ErrBusy means another sync is running.
	ErrBusy = errors.New("another sync is already running")
	// ErrRefused means the deletion brake stopped the run; nothing changed.
	ErrRefused = errors.New("refused by the deletion brake")
	// ErrRead means the sheet could not be read in full; nothing changed.
	ErrRead = errors.New("could not read the sheet")
)

// LeaseTTL is how long a sync's lease lasts: how long a crashed sync can
// block the next one. A sync of ten thousand rows takes seconds; a slow
// Sheets read with every retry well under a minute.
const LeaseTTL = 3 * time.Minute

// Deadlines of the store calls that plan and apply a sync. Reading the
// digest is one small document; reading every hash or writing a first sync
// of a hundred thousand employees takes seconds, retries included.
const (
	digestTimeout = 15 * time.Second
	applyTimeout  = 2 * time.Minute
)

// Options are a run's switches.
type Options struct {
	// DryRun plans and reports without changing the store.
	DryRun bool
	// Force applies a plan that trips the deletion brake.
	Force bool
}

// Engine runs syncs from one source into one store, one at a time.
type Engine struct {
	source           Source
	store            Store
	maxDeletePercent float64
	holder           string
	running          sync.Mutex
}

// EngineOption tunes an Engine.
type EngineOption func(*Engine)

// WithHolder names the engine in the sync lease; the default is unique per
// engine (host, process and a random suffix).
func WithHolder(holder string) EngineOption { return func(e *Engine) { e.holder = holder } }

// NewEngine returns an engine that mirrors source into store, refusing plans
// that delete more than maxDeletePercent of the directory unless forced.
func NewEngine(source Source, store Store, maxDeletePercent float64, opts ...EngineOption) *Engine {
	e := &Engine{source: source, store: store, maxDeletePercent: maxDeletePercent,
		holder: defaultHolder()}
	for _, o := range opts {
		o(e)
	}
	return e
}

// defaultHolder names this engine uniquely among every instance and job.
func defaultHolder() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	return fmt.Sprintf("%s/%d/%x", host, os.Getpid(), b)
}

// Run performs one sync. It always returns a report, also alongside an
// error: a failed read (ErrRead) or a refused plan (ErrRefused) changes
// nothing and says why in the report.
func (e *Engine) Run(ctx context.Context, opts Options) (Report, error) {
	start := time.Now()
	r := Report{DryRun: opts.DryRun, Forced: opts.Force, StartedAt: start.UTC(), Problems: []directory.Problem{}}
	log := logging.FromContext(ctx)
	if !e.running.TryLock() {
		r.Error = ErrBusy.Error()
		return r, ErrBusy
	}
	defer e.running.Unlock()
	if err := e.store.AcquireLease(ctx, e.holder, LeaseTTL); err != nil {
		r.Error = err.Error()
		if errors.Is(err, ErrBusy) {
			return r, err
		}
		return r, fmt.Errorf("take the sync lease: %w", err)
	}
	defer func() {
		// Release even when ctx is cancelled; an unreleased lease only
		// delays the next sync until it expires.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := e.store.ReleaseLease(rctx, e.holder); err != nil {
			log.WarnContext(ctx, "could not release the sync lease; it expires by itself", "error", err.Error())
		}
	}()

	err := e.run(ctx, opts, &r)
	r.DurationMS = time.Since(start).Milliseconds()
	if err != nil && !errors.Is(err, ErrRefused) {
		r.Error = err.Error()
	}
	if recErr := e.store.RecordRun(ctx, r); recErr != nil {
		if err == nil {
			// The directory is right but not marked synced: say so.
			err = fmt.Errorf("record the sync: %w", recErr)
			r.Error = err.Error()
		} else {
			log.WarnContext(ctx, "could not record the failed sync run", "error", recErr.Error())
		}
	}
	attrs := []any{"dry_run", r.DryRun, "forced", r.Forced, "refused", r.Refused,
		"rows", r.Rows, "employees", r.Employees, "added", r.Added, "updated", r.Updated,
		"deleted", r.Deleted, "unchanged", r.Unchanged, "problems", len(r.Problems), "duration_ms", r.DurationMS}
	switch {
	case err == nil:
		log.InfoContext(ctx, "sync finished", attrs...)
	case errors.Is(err, ErrRefused):
		log.WarnContext(ctx, "sync refused by the deletion brake", attrs...)
	default:
		log.ErrorContext(ctx, "sync failed", append(attrs, "error", err.Error())...)
	}
	return r, err
}

func (e *Engine) run(ctx context.Context, opts Options, r *Report) error {
	rows, err := e.source.Rows(ctx)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRead, err)
	}
	roster, err := directory.ParseRoster(rows)
	r.Problems = append(r.Problems, roster.Problems...)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRead, err)
	}
	r.Rows, r.Employees, r.Left = roster.Rows, len(roster.Employees), roster.Left

	// Same digest, same directory: nothing to read or write per employee.
	digest := DigestOf(roster.Employees)
	dctx, cancel := context.WithTimeout(ctx, digestTimeout)
	stored, err := e.store.Digest(dctx)
	cancel()
	if err != nil {
		return fmt.Errorf("read the directory's digest: %w", err)
	}
	if stored == digest {
		r.Unchanged = len(roster.Employees)
		return nil
	}
	hctx, cancel := context.WithTimeout(ctx, applyTimeout)
	hashes, err := e.store.Hashes(hctx)
	cancel()
	if err != nil {
		return fmt.Errorf("read the directory: %w", err)
	}
	plan := NewPlan(roster.Employees, hashes)
	r.Added, r.Updated, r.Deleted, r.Unchanged = len(plan.Added), len(plan.Updated), len(plan.Deleted), plan.Unchanged

	if plan.TripsBrake(e.maxDeletePercent) && !opts.Force {
		r.Refused = true
		r.RefusedReason = fmt.Sprintf("the sync would delete %d of %d employees (more than %g%%); check the sheet, then run it with force",
			len(plan.Deleted), plan.Stored, e.maxDeletePercent)
		return ErrRefused
	}
	if opts.DryRun {
		return nil
	}
	// An empty plan is applied too: the store's digest was not this one.
	actx, cancel := context.WithTimeout(ctx, applyTimeout)
	defer cancel()
	if err := e.store.Apply(actx, plan.Puts(), plan.Deleted); err != nil {
		return fmt.Errorf("apply the sync: %w", err)
	}
	return nil
}

package rostersync

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
)

// Errors a run returns, for errors.Is.
var (
	// ErrBusy means another sync is running.
	ErrBusy = errors.New("another sync is already running")
	// ErrRefused means the deletion brake stopped the run; nothing changed.
	ErrRefused = errors.New("refused by the deletion brake")
	// ErrRead means the sheet could not be read in full; nothing changed.
	ErrRead = errors.New("could not read the sheet")
	// ErrStore means the directory store failed or did not answer in time.
	ErrStore = errors.New("the directory store failed")
)

// DefaultMaxDeletePercent is the deletion brake's default threshold.
const DefaultMaxDeletePercent = 20

// LeaseTTL is how long a sync's lease lasts unrenewed: how long a crashed
// sync can block the next one. A running sync renews it every third of it.
const LeaseTTL = time.Minute

// Deadlines of a sync's store calls: the digest is one small document;
// reading every hash or writing 100,000 employees takes seconds.
const (
	digestTimeout = 15 * time.Second
	readTimeout   = time.Minute
	applyTimeout  = 2 * time.Minute
	recordTimeout = 10 * time.Second
)

// Options are a run's switches.
type Options struct {
	DryRun bool // plan and report without changing the store
	Force  bool // apply a plan that trips the deletion brake
}

// Engine runs syncs from one source into one store, one at a time.
type Engine struct {
	source           Source
	store            Store
	maxDeletePercent float64
	holder           string
	now              func() time.Time
	after            func(time.Duration) <-chan time.Time
	leaseTTL         time.Duration
	running          sync.Mutex
	feedback         Feedback // nil: HR is not shown the result
	history          History
}

// EngineOption tunes an Engine.
type EngineOption func(*Engine)

// WithHolder names the engine in the sync lease instead of a unique name.
func WithHolder(holder string) EngineOption { return func(e *Engine) { e.holder = holder } }

// WithClock sets the clock of leave dates and lease renewals (time.Now).
func WithClock(now func() time.Time) EngineOption { return func(e *Engine) { e.now = now } }

// WithAfter sets how the lease holder waits for a renewal (time.After).
func WithAfter(after func(time.Duration) <-chan time.Time) EngineOption {
	return func(e *Engine) { e.after = after }
}

// WithLeaseTTL sets how long the lease lasts unrenewed (LeaseTTL).
func WithLeaseTTL(ttl time.Duration) EngineOption { return func(e *Engine) { e.leaseTTL = ttl } }

// NewEngine returns an engine that copies source into store, refusing plans
// that delete more than maxDeletePercent of the directory unless forced.
func NewEngine(source Source, store Store, maxDeletePercent float64, opts ...EngineOption) *Engine {
	e := &Engine{source: source, store: store, maxDeletePercent: maxDeletePercent,
		holder: defaultHolder(), now: time.Now, after: time.After, leaseTTL: LeaseTTL}
	for _, o := range opts {
		o(e)
	}
	return e
}

// defaultHolder names this engine uniquely: host, process, random suffix.
func defaultHolder() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:]) // never fails on supported platforms
	return fmt.Sprintf("%s/%d/%x", host, os.Getpid(), b)
}

// Run performs one sync. It always returns a report, also alongside an
// error: a failed read (ErrRead) or a refused plan (ErrRefused) changes
// nothing; after a failed write Report.Landed says how much landed.
func (e *Engine) Run(ctx context.Context, opts Options) (Report, error) {
	start := time.Now()
	r := Report{DryRun: opts.DryRun, Forced: opts.Force, StartedAt: start.UTC(), Problems: []roster.Problem{}, Landed: LandedNone}
	log := logging.FromContext(ctx)
	if !e.running.TryLock() {
		r.Error = ErrBusy.Error()
		return r, ErrBusy
	}
	defer e.running.Unlock()
	runCtx, lease, err := e.holdLease(ctx)
	if err != nil {
		if !errors.Is(err, ErrBusy) {
			err = fmt.Errorf("%w: take the sync lease: %w", ErrStore, err)
		}
		r.Error = err.Error()
		return r, err
	}
	defer lease.release(ctx)

	err = e.run(runCtx, opts, &r, lease)
	if cause := context.Cause(runCtx); err != nil && errors.Is(cause, ErrLeaseLost) && !errors.Is(err, ErrLeaseLost) {
		err = fmt.Errorf("%w: %w", cause, err)
	}
	r.DurationMS = time.Since(start).Milliseconds()
	if err != nil && !errors.Is(err, ErrRefused) {
		r.Error = err.Error()
	}
	e.giveFeedback(ctx, &r, err)
	rctx, cancel := context.WithTimeout(ctx, recordTimeout)
	recErr := e.store.RecordRun(rctx, r)
	cancel()
	if recErr != nil {
		if err == nil {
			// The directory is right but not marked synced: say so.
			err = fmt.Errorf("%w: record the sync: %w", ErrStore, recErr)
			r.Error = err.Error()
		} else {
			log.WarnContext(ctx, "could not record the failed sync run", "error", recErr.Error())
		}
	}
	attrs := []any{"dry_run", r.DryRun, "forced", r.Forced, "refused", r.Refused,
		"rows", r.Rows, "employees", r.Employees, "added", r.Added, "updated", r.Updated,
		"deleted", r.Deleted, "unchanged", r.Unchanged, "bindings_revoked", r.BindingsRevoked, "landed", r.Landed, "problems", len(r.Problems), "duration_ms", r.DurationMS}
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

func (e *Engine) run(ctx context.Context, opts Options, r *Report, lease *leaseHold) error {
	rows, err := e.source.Rows(ctx)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRead, sourceError{err})
	}
	// A leave date that arrives changes the outcome of an unchanged sheet.
	parsed, err := roster.ParseRoster(rows, e.now())
	r.Problems = append(r.Problems, parsed.Problems...)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRead, err)
	}
	r.Rows, r.Employees, r.Left = parsed.Rows, len(parsed.Employees), parsed.Left
	r.IgnoredColumns = parsed.IgnoredColumns

	// Same digest, same directory: nothing to read or write per employee.
	digest := replication.DigestOf(parsed.Employees)
	dctx, cancel := context.WithTimeout(ctx, digestTimeout)
	stored, err := e.store.Digest(dctx)
	cancel()
	if err != nil {
		return fmt.Errorf("%w: read the directory's digest: %w", ErrStore, err)
	}
	if stored == digest {
		r.Unchanged = len(parsed.Employees)
		return nil
	}
	hctx, cancel := context.WithTimeout(ctx, readTimeout)
	hashes, err := e.store.Hashes(hctx)
	cancel()
	if err != nil {
		return fmt.Errorf("%w: read the directory: %w", ErrStore, err)
	}
	plan := NewPlan(parsed.Employees, hashes)
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
	// Bounded by the lease: ctx ends when it is lost.
	if err := lease.confirm(ctx); err != nil {
		return err
	}
	// An empty plan is applied too: the store's digest was not this one.
	actx, cancel := context.WithTimeout(ctx, applyTimeout)
	defer cancel()
	revoked, err := e.store.ApplyPlan(actx, plan)
	if err != nil {
		if errors.Is(err, replication.ErrInterrupted) {
			r.Landed = LandedPart
		}
		return fmt.Errorf("%w: apply the sync: %w", ErrStore, err)
	}
	r.BindingsRevoked = revoked
	r.Landed = LandedAll
	return nil
}

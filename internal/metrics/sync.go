package metrics

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/rollcall/rollcall/internal/rostersync"
)

// Results of a sync run, as labelled.
const (
	SyncOK      = "ok"
	SyncRefused = "refused"
	SyncBusy    = "busy"
	SyncFailed  = "failed"
)

// SyncResult classifies what rostersync.Engine.Run returned.
func SyncResult(err error) string {
	switch {
	case err == nil:
		return SyncOK
	case errors.Is(err, rostersync.ErrBusy):
		return SyncBusy
	case errors.Is(err, rostersync.ErrRefused):
		return SyncRefused
	default:
		return SyncFailed
	}
}

// ObserveSync counts one sync run from what rostersync.Engine.Run returned: its
// result, its duration (unless it never started because another sync was
// running) and, for an applied run that succeeded, the employees added,
// updated and deleted, the directory's size and the time it finished.
func (m *Metrics) ObserveSync(r rostersync.Report, err error) {
	result := SyncResult(err)
	m.syncRuns.WithLabelValues(result, strconv.FormatBool(r.DryRun)).Inc()
	if result == SyncBusy {
		return
	}
	elapsed := time.Duration(r.DurationMS) * time.Millisecond
	m.syncSeconds.WithLabelValues(result).Observe(elapsed.Seconds())
	if result != SyncOK || r.DryRun {
		return
	}
	m.syncChanges.WithLabelValues("added").Add(float64(max(r.Added, 0)))
	m.syncChanges.WithLabelValues("updated").Add(float64(max(r.Updated, 0)))
	m.syncChanges.WithLabelValues("deleted").Add(float64(max(r.Deleted, 0)))
	m.employees.Set(float64(r.Employees))
	finished := r.Finished()
	if r.StartedAt.IsZero() {
		finished = time.Now()
	}
	m.syncLastSuccess.Set(float64(finished.UnixNano()) / 1e9)
}

// SyncRunner runs one sync; *rostersync.Engine is one.
type SyncRunner interface {
	Run(ctx context.Context, opts rostersync.Options) (rostersync.Report, error)
}

// ObservedSync is a SyncRunner that counts every run of the one it wraps.
type ObservedSync struct {
	next    SyncRunner
	metrics *Metrics
}

var _ SyncRunner = (*ObservedSync)(nil)

// WrapSync returns next, counting its runs with ObserveSync.
func (m *Metrics) WrapSync(next SyncRunner) *ObservedSync {
	return &ObservedSync{next: next, metrics: m}
}

// Run runs one sync through the wrapped runner and counts it.
func (s *ObservedSync) Run(ctx context.Context, opts rostersync.Options) (rostersync.Report, error) {
	r, err := s.next.Run(ctx, opts)
	s.metrics.ObserveSync(r, err)
	return r, err
}

package metrics

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/rollcall/rollcall/internal/rostersync"
)

// SyncResult classifies what rostersync.Engine.Run returned, as labelled:
// ok, busy, refused or failed.
func SyncResult(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, rostersync.ErrBusy):
		return "busy"
	case errors.Is(err, rostersync.ErrRefused):
		return "refused"
	}
	return "failed"
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

// WrapSync returns next, its runs counted.
func (m *Metrics) WrapSync(next SyncRunner) *ObservedSync {
	return &ObservedSync{next: next, metrics: m}
}

// Run runs one sync and counts it; the changes and the directory's size only
// for an applied run that succeeded.
func (s *ObservedSync) Run(ctx context.Context, opts rostersync.Options) (rostersync.Report, error) {
	r, err := s.next.Run(ctx, opts)
	m, result := s.metrics, SyncResult(err)
	m.syncRuns.WithLabelValues(result, strconv.FormatBool(r.DryRun)).Inc()
	if result == "busy" {
		return r, err
	}
	m.syncSeconds.WithLabelValues(result).Observe((time.Duration(r.DurationMS) * time.Millisecond).Seconds())
	if result != "ok" || r.DryRun {
		return r, err
	}
	m.syncChanges.WithLabelValues("added").Add(float64(max(r.Added, 0)))
	m.syncChanges.WithLabelValues("updated").Add(float64(max(r.Updated, 0)))
	m.syncChanges.WithLabelValues("deleted").Add(float64(max(r.Deleted, 0)))
	m.employees.Set(float64(r.Employees))
	m.syncLastSuccess.Set(float64(r.Finished().UnixNano()) / 1e9)
	return r, err
}

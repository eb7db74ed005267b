package rostersync

// The sync lease, all of it: what a store keeps (Lease), how every store
// decides a request (TakeLease, inside the store's transaction), and a
// sync's hold on it (holdLease), renewed on the engine's clock.

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/rollcall/rollcall/internal/logging"
)

// ErrBadLease refuses a lease request that could never be honoured.
var ErrBadLease = errors.New("bad lease request")

// ErrLeaseLost means the sync lease expired or went to another holder while
// the sync ran; the sync stopped before writing anything more.
var ErrLeaseLost = errors.New("the sync lease was lost")

// leaseCallTimeout bounds one take or renewal of the lease: with the store
// down, a sync is turned away within it rather than hanging.
const leaseCallTimeout = 10 * time.Second

// Lease is the sync lease as a store keeps it: who holds it, since when, and
// until when; the bolt file keeps it as JSON.
type Lease struct {
	Holder     string    `json:"holder"`
	AcquiredAt time.Time `json:"acquired_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// TakeLease decides a request by holder, at now, for ttl, given the lease
// the store holds (found is false when it holds none). It returns the lease
// to store: a new one when there was none or it has expired, the same one
// extended when holder already holds it; while another holder's lease is
// unexpired, an error wrapping ErrBusy.
func TakeLease(held Lease, found bool, holder string, now time.Time, ttl time.Duration) (Lease, error) {
	if holder == "" || ttl <= 0 {
		return Lease{}, fmt.Errorf("%w: holder %q, ttl %v (want a holder and a positive ttl)", ErrBadLease, holder, ttl)
	}
	acquired := now
	switch {
	case !found, !now.Before(held.ExpiresAt):
	case held.Holder == holder:
		acquired = held.AcquiredAt
	default:
		return Lease{}, fmt.Errorf("%w: the sync lease is held by %s until %s", ErrBusy, held.Holder, held.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return Lease{Holder: holder, AcquiredAt: acquired, ExpiresAt: now.Add(ttl)}, nil
}

// leaseHold is a sync's hold on the lease: it renews the lease every third
// of its ttl while the sync runs, and cancels the sync's context (cause
// ErrLeaseLost) when another holder has taken it or it expired unrenewed.
type leaseHold struct {
	e      *Engine
	cancel context.CancelCauseFunc
	done   chan struct{}
	until  atomic.Pointer[time.Time] // the lease's expiry as this process last took it
}

// holdLease takes the lease for e's holder and keeps it until release. The
// returned context is ctx, cancelled when the lease is lost.
func (e *Engine) holdLease(ctx context.Context) (context.Context, *leaseHold, error) {
	h := &leaseHold{e: e, done: make(chan struct{})}
	if err := h.renew(ctx); err != nil {
		return nil, nil, err
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	h.cancel = cancel
	go h.keep(runCtx)
	return runCtx, h, nil
}

// renew takes the lease again, extending it by ttl. The expiry counts from
// before the call, so that it is never later than the store's.
func (h *leaseHold) renew(ctx context.Context) error {
	start := h.e.now()
	timeout := leaseCallTimeout
	if until := h.until.Load(); until != nil {
		timeout = min(timeout, until.Sub(start)) // a renewal that lands after expiry renews nothing
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := h.e.store.AcquireLease(cctx, h.e.holder, h.e.leaseTTL); err != nil {
		return err
	}
	until := start.Add(h.e.leaseTTL)
	h.until.Store(&until)
	return nil
}

// lost cancels the sync when err says another holder has the lease.
func (h *leaseHold) lost(err error) bool {
	if errors.Is(err, ErrBusy) {
		h.cancel(fmt.Errorf("%w: %w", ErrLeaseLost, err))
		return true
	}
	return false
}

// confirm renews the lease before a write: it returns an error wrapping
// ErrLeaseLost when the lease is no longer this sync's, and one wrapping
// ErrStore when the store cannot say.
func (h *leaseHold) confirm(ctx context.Context) error {
	if err := context.Cause(ctx); errors.Is(err, ErrLeaseLost) {
		return err
	}
	err := h.renew(ctx)
	if h.lost(err) {
		return context.Cause(ctx)
	}
	if err != nil {
		return fmt.Errorf("%w: confirm the sync lease: %w", ErrStore, err)
	}
	return nil
}

// keep renews the lease until release, and cancels the sync when it is
// lost. A renewal that fails otherwise (the store is slow or down) is tried
// again sooner as expiry nears; at expiry the sync stops.
func (h *leaseHold) keep(ctx context.Context) {
	defer close(h.done)
	for left := h.left(); left > 0; left = h.left() {
		select {
		case <-ctx.Done():
			return
		case <-h.e.after(min(h.e.leaseTTL/3, left)):
		}
		if h.left() <= 0 {
			break // expired while waiting
		}
		err := h.renew(ctx)
		if h.lost(err) {
			return
		}
		if err != nil && ctx.Err() == nil {
			logging.FromContext(ctx).WarnContext(ctx, "could not renew the sync lease; trying again", "error", err.Error())
		}
	}
	h.cancel(fmt.Errorf("%w: it expired before it could be renewed", ErrLeaseLost))
}

func (h *leaseHold) left() time.Duration { return h.until.Load().Sub(h.e.now()) }

// release stops renewing and gives the lease up, even when ctx is done: an
// unreleased lease only delays the next sync until it expires.
func (h *leaseHold) release(ctx context.Context) {
	h.cancel(nil)
	<-h.done
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := h.e.store.ReleaseLease(rctx, h.e.holder); err != nil {
		logging.FromContext(ctx).WarnContext(ctx, "could not release the sync lease; it expires by itself", "error", err.Error())
	}
}

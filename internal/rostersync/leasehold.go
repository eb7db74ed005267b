package rostersync

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rollcall/rollcall/internal/logging"
)

// ErrLeaseLost means the sync lease expired or went to another holder while
// the sync ran; the sync stopped before writing anything more.
var ErrLeaseLost = errors.New("the sync lease was lost")

// leaseCallTimeout bounds one take or renewal of the lease: with the store
// down, a sync is turned away within it rather than hanging.
const leaseCallTimeout = 10 * time.Second

// leaseHold is a sync's hold on the lease: it renews the lease every third
// of its ttl while the sync runs, and cancels the sync's context (cause
// ErrLeaseLost) when another holder has taken it or it expired unrenewed.
type leaseHold struct {
	store  Store
	holder string
	ttl    time.Duration
	cancel context.CancelCauseFunc
	stop   chan struct{}
	done   chan struct{}

	mu    sync.Mutex
	until time.Time // the lease's expiry as this process last took it
}

// holdLease takes the lease for holder and keeps it until release. The
// returned context is ctx, cancelled when the lease is lost.
func holdLease(ctx context.Context, store Store, holder string, ttl time.Duration) (context.Context, *leaseHold, error) {
	h := &leaseHold{store: store, holder: holder, ttl: ttl, stop: make(chan struct{}), done: make(chan struct{})}
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
	start := time.Now()
	h.mu.Lock()
	deadline := start.Add(leaseCallTimeout)
	if !h.until.IsZero() && h.until.Before(deadline) {
		deadline = h.until // a renewal that lands after expiry renews nothing
	}
	h.mu.Unlock()
	cctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if err := h.store.AcquireLease(cctx, h.holder, h.ttl); err != nil {
		return err
	}
	h.mu.Lock()
	h.until = start.Add(h.ttl)
	h.mu.Unlock()
	return nil
}

// confirm renews the lease before a write: it returns an error wrapping
// ErrLeaseLost when the lease is no longer this sync's, and the store's
// error (wrapping ErrStore) when the store cannot say.
func (h *leaseHold) confirm(ctx context.Context) error {
	if err := context.Cause(ctx); errors.Is(err, ErrLeaseLost) {
		return err
	}
	err := h.renew(ctx)
	if errors.Is(err, ErrBusy) {
		h.cancel(fmt.Errorf("%w: %w", ErrLeaseLost, err))
		return context.Cause(ctx)
	}
	if err != nil {
		return fmt.Errorf("%w: confirm the sync lease: %w", ErrStore, err)
	}
	return nil
}

// keep renews the lease until release, and cancels the sync when it is
// lost. A renewal that fails for another reason (the store is slow or
// down) is tried again sooner as expiry nears; at expiry the sync stops.
func (h *leaseHold) keep(ctx context.Context) {
	defer close(h.done)
	for {
		h.mu.Lock()
		left := time.Until(h.until)
		h.mu.Unlock()
		if left <= 0 {
			h.cancel(fmt.Errorf("%w: it expired before it could be renewed", ErrLeaseLost))
			return
		}
		t := time.NewTimer(min(h.ttl/3, left))
		select {
		case <-h.stop:
			t.Stop()
			return
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if time.Until(h.until) <= 0 {
			continue // expired while waiting: the loop says so
		}
		err := h.renew(ctx)
		switch {
		case errors.Is(err, ErrBusy):
			h.cancel(fmt.Errorf("%w: %w", ErrLeaseLost, err))
			return
		case err != nil && ctx.Err() == nil:
			logging.FromContext(ctx).WarnContext(ctx, "could not renew the sync lease; trying again", "error", err.Error())
		}
	}
}

// release stops renewing and gives the lease up, even when ctx is done: an
// unreleased lease only delays the next sync until it expires.
func (h *leaseHold) release(ctx context.Context) {
	close(h.stop)
	<-h.done
	h.cancel(nil)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := h.store.ReleaseLease(rctx, h.holder); err != nil {
		logging.FromContext(ctx).WarnContext(ctx, "could not release the sync lease; it expires by itself", "error", err.Error())
	}
}

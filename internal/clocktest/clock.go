// Package clocktest is a clock for tests that only moves when the test says
// so: code under test takes a func() time.Time (a store's lease expiry, a
// rate limiter's buckets, the directory's check interval), and code that
// waits takes a func(time.Duration) <-chan time.Time (the lease holder's
// renewals, the directory's watch); the test hands it Clock.Now and
// Clock.After, so that time-dependent behaviour is tested without
// sleeping. It is a test helper: production code never imports it.
package clocktest

import (
	"context"
	"sync"
	"time"
)

// Clock reads a fixed time until it is advanced. It is safe for concurrent
// use.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	changed chan struct{} // closed and replaced when waiters grows
}

// waiter is one channel handed out by After, due at at.
type waiter struct {
	at time.Time
	ch chan time.Time
}

// New returns a Clock that reads start until it is advanced.
func New(start time.Time) *Clock {
	return &Clock{now: start, changed: make(chan struct{})}
}

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d, and fires every channel from After
// that falls due by then.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			kept = append(kept, w)
			continue
		}
		w.ch <- c.now
	}
	c.waiters = kept
}

// After returns a channel that receives the clock's time once the clock has
// been advanced by d or more, as time.After does on the real clock.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{at: c.now.Add(d), ch: ch})
	close(c.changed)
	c.changed = make(chan struct{})
	return ch
}

// BlockUntil waits until n channels from After are waiting to fire, or ctx
// ends: a test calls it before Advance, so that it moves time only once the
// code under test waits on it.
func (c *Clock) BlockUntil(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		waiting, changed := len(c.waiters), c.changed
		c.mu.Unlock()
		if waiting >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

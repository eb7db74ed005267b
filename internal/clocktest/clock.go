// Package clocktest is a clock for tests that only moves when the test says
// so: code under test takes a func() time.Time (a store's lease expiry, a
// rate limiter's buckets, the directory's check interval) and the test
// hands it Clock.Now, so that time-dependent behaviour is tested without
// sleeping. It is a test helper: production code never imports it.
package clocktest

import (
	"sync"
	"time"
)

// Clock reads a fixed time until it is advanced. It is safe for concurrent
// use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a Clock that reads start until it is advanced.
func New(start time.Time) *Clock {
	return &Clock{now: start}
}

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

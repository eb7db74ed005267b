package storetest

import (
	gosync "sync"
	"time"
)

// Clock is a clock that only moves when a test says so. The suite gives
// each clause a Clock of its own and the adapter's open function hands its
// Now to the store it opens (bolt.WithClock, firestore.WithClock), so that
// lease expiry and the stamping of reports are tested without sleeping.
// It is safe for concurrent use.
type Clock struct {
	mu  gosync.Mutex
	now time.Time
}

// NewClock returns a Clock that reads start until it is advanced.
func NewClock(start time.Time) *Clock {
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

package binding

import (
	"crypto/sha256"
	"maps"
	"sync"
	"time"
)

// cache holds the bindings this instance's gate read or its binds wrote,
// for CacheTTL each, so that a bound user's gate reads the store once per
// CacheTTL at most. It never holds "no binding": a binding made on another
// instance must count here at once.
type cache struct {
	mu      sync.RWMutex
	entries map[[sha256.Size]byte]cached
	ttl     time.Duration
	max     int
	// gen moves with every bind and unbind of this instance, so that a
	// store read that began before one does not cache what it replaced.
	gen uint64
	// sweepAt is the size at which put next drops what has aged out: on a
	// launch day every bind is a new entry.
	sweepAt int
}

// minSweep is the least size at which put drops aged-out entries.
const minSweep = 1024

// cached is one binding and when it was read from, or written to, the store.
type cached struct {
	b  Binding
	at time.Time
}

// get returns the binding cached under id, if it was cached less than ttl
// before now.
func (c *cache) get(id [sha256.Size]byte, now time.Time) (Binding, bool) {
	c.mu.RLock()
	e, ok := c.entries[id]
	c.mu.RUnlock()
	if !ok || now.Sub(e.at) >= c.ttl || now.Before(e.at) {
		return Binding{}, false
	}
	return e.b, true
}

// generation returns the count of this instance's binds and unbinds so far.
func (c *cache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// fill caches b under id as read at now, unless this instance bound or
// unbound anyone since gen.
func (c *cache) fill(id [sha256.Size]byte, b Binding, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		c.put(id, b, now)
	}
}

// bound caches b, just written to the store at now, under id; a store read
// that began before it does not replace it.
func (c *cache) bound(id [sha256.Size]byte, b Binding, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.put(id, b, now)
}

// drop forgets id.
func (c *cache) drop(id [sha256.Size]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.entries, id)
}

// put caches b under id as read at now; c.mu is held. A cache that has
// doubled since its last sweep, or is full, first drops what has aged out
// and then, while more than half full, what is older than half that age,
// and so on: a full cache keeps the binds just made, whose gates come next.
func (c *cache) put(id [sha256.Size]byte, b Binding, now time.Time) {
	if _, ok := c.entries[id]; !ok && len(c.entries) >= min(max(c.sweepAt, minSweep), c.max) {
		for age := c.ttl; ; age /= 2 {
			maps.DeleteFunc(c.entries, func(_ [sha256.Size]byte, e cached) bool { return now.Sub(e.at) >= age })
			if len(c.entries) <= c.max/2 || age == 0 {
				break
			}
		}
		// Amortized: the next sweep waits until the map has doubled again.
		c.sweepAt = min(2*len(c.entries), c.max)
	}
	c.entries[id] = cached{b: b, at: now}
}

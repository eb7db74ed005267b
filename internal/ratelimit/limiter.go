// Package ratelimit limits how often a key may go ahead: a rate.Limiter per key
// in a bounded table, keys kept as salted hashes so that no user id is held in
// memory. Limits are per process: each Cloud Run instance counts on its own.
package ratelimit

import (
	"container/list"
	"hash/maphash"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults: an address is limited only when the skill secret does not vouch
// for it; a person verifies once, maybe retries a few times.
const (
	// DefaultClientRate is requests per second per client address.
	DefaultClientRate = 50
	// DefaultUserRate is profile look-ups per minute per Kakao user.
	DefaultUserRate = 10
	// DefaultUserBurst is how many look-ups a Kakao user may make at once.
	DefaultUserBurst = 5
)

// MaxKeys bounds the keys a Limiter tracks: about a MiB.
const MaxKeys = 10_000

// maxRetryAfter caps the wait a refusal announces.
const maxRetryAfter = time.Hour

// Limiter is a rate limiter per key with bounded memory. It is safe for
// concurrent use; create one with New.
type Limiter struct {
	limit rate.Limit
	burst int
	idle  time.Duration // how long an unused bucket takes to refill
	now   func() time.Time
	seed  maphash.Seed

	mu   sync.Mutex
	keys map[uint64]*list.Element
	lru  list.List // of *entry, most recently used at the front
}

type entry struct {
	key  uint64
	lim  *rate.Limiter
	used time.Time
}

// New returns a limiter that lets each key make burst (at least 1) requests at
// once, then r a second, on the clock now.
func New(r rate.Limit, burst int, now func() time.Time) *Limiter {
	l := &Limiter{limit: r, burst: max(burst, 1), now: now, seed: maphash.MakeSeed()}
	l.idle = time.Duration(math.MaxInt64)
	if secs := float64(l.burst) / float64(l.limit); secs < maxRetryAfter.Seconds() {
		l.idle = time.Duration(math.Ceil(secs * float64(time.Second)))
	}
	l.keys = make(map[uint64]*list.Element, 1024)
	return l
}

// Allow takes a token from key's bucket, or returns false and how long until
// one is there; unlike Check then Spend, it is atomic.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	return l.try(key, true)
}

// Check reports whether key's bucket holds a token, and if not how long
// until it does; it takes none.
func (l *Limiter) Check(key string) (ok bool, retryAfter time.Duration) {
	return l.try(key, false)
}

func (l *Limiter) try(key string, take bool) (bool, time.Duration) {
	if l.limit == rate.Inf {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	lim := l.entry(key, now)
	if take && lim.AllowN(now, 1) || !take && lim.TokensAt(now) >= 1 {
		return true, 0
	}
	return false, l.wait(lim, now)
}

// Spend takes a token from key's bucket, going into debt if it is empty
// (two look-ups that passed Check at once both count).
func (l *Limiter) Spend(key string) {
	if l.limit == rate.Inf {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.entry(key, now).ReserveN(now, 1)
}

// entry returns key's limiter, marked as used now, making room for it if
// needed. l.mu must be held.
func (l *Limiter) entry(key string, now time.Time) *rate.Limiter {
	h := maphash.String(l.seed, key)
	l.forgetIdle(now)
	if el, ok := l.keys[h]; ok {
		l.lru.MoveToFront(el)
		e := el.Value.(*entry)
		e.used = now
		return e.lim
	}
	if len(l.keys) >= MaxKeys {
		l.remove(l.lru.Back())
	}
	e := &entry{key: h, lim: rate.NewLimiter(l.limit, l.burst), used: now}
	l.keys[h] = l.lru.PushFront(e)
	return e.lim
}

// forgetIdle drops refilled keys (a new bucket is the same) from the least
// recently used end. l.mu must be held.
func (l *Limiter) forgetIdle(now time.Time) {
	for el := l.lru.Back(); el != nil; el = l.lru.Back() {
		e := el.Value.(*entry)
		if now.Sub(e.used) < l.idle || e.lim.TokensAt(now) < float64(l.burst) {
			return
		}
		l.remove(el)
	}
}

func (l *Limiter) remove(el *list.Element) {
	delete(l.keys, el.Value.(*entry).key)
	l.lru.Remove(el)
}

// wait is about how long until lim holds a whole token, in milliseconds,
// at least 1 ms and at most maxRetryAfter.
func (l *Limiter) wait(lim *rate.Limiter, now time.Time) time.Duration {
	secs := (1 - lim.TokensAt(now)) / float64(l.limit)
	if !(secs < maxRetryAfter.Seconds()) {
		return maxRetryAfter
	}
	return max(time.Duration(secs*float64(time.Second)).Round(time.Millisecond), time.Millisecond)
}

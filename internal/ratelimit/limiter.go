// Package ratelimit keeps rollcall's Kakao endpoints from being flooded: a
// keyed token-bucket limiter (one bucket per key, such as a client IP or a
// Kakao user id, that decides as a golang.org/x/time/rate Limiter would)
// whose memory is bounded, and a gin middleware that limits requests per
// client IP.
//
// The limiter holds at most a fixed number of keys. A key unused for as long
// as its bucket takes to refill is forgotten on the next request (forgetting
// it loses nothing: a new bucket starts full, like the old one would be);
// when the table is still full, the least recently used key is forgotten.
// No goroutine runs in the background. Keys are kept as salted 64-bit hashes,
// so that neither a long key nor a user id is held in memory.
//
// Limits are per process: on Cloud Run each instance counts on its own.
package ratelimit

import (
	"container/list"
	"hash/maphash"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Default limits. Kakao's skill calls come from a few Kakao servers, so a
// client IP carries many users' calls: its limit is a backstop against a
// runaway or hostile caller, far above what the bot's users can produce
// (a company-wide verification rush is tens of calls per second over all
// instances, and each instance counts on its own). A person verifies once,
// maybe retries a few times, and each try is one or two skill calls
// (validation, then block): a burst of 5 and 10 a minute cover that and stop
// a user, or a bot loop, from hammering Kakao's profile API through rollcall.
const (
	// DefaultClientRate is the sustained rate per client IP: 50 a second.
	DefaultClientRate rate.Limit = 50
	// DefaultClientBurst is how many calls a client IP may make at once.
	DefaultClientBurst = 100
	// DefaultUserRate is the sustained rate per Kakao user: 10 a minute.
	DefaultUserRate rate.Limit = 10.0 / 60
	// DefaultUserBurst is how many calls a Kakao user may make at once.
	DefaultUserBurst = 5
	// DefaultMaxKeys bounds the keys a Limiter tracks: a couple of MiB of
	// buckets at most.
	DefaultMaxKeys = 10_000
)

// maxRetryAfter caps the wait a refusal announces, also for a limiter
// whose buckets never refill.
const maxRetryAfter = time.Hour

// Limiter is a token-bucket rate limiter per key with bounded memory. It is
// safe for concurrent use; the zero value is not usable, call New.
type Limiter struct {
	limit   rate.Limit
	burst   int
	maxKeys int
	// idle is how long an unused bucket takes to refill; after that it is
	// indistinguishable from a new one and is forgotten.
	idle time.Duration
	now  func() time.Time
	seed maphash.Seed

	mu   sync.Mutex
	keys map[uint64]*list.Element
	lru  list.List // of *bucket, most recently used at the front
}

// bucket is one key's token bucket. It is x/time/rate's Limiter reduced
// to what Allow needs, with the same arithmetic, and without a mutex and
// an allocation of its own: every bucket is only touched under Limiter.mu,
// and a bucket evicted from a full table is reused for the next new key.
type bucket struct {
	key uint64
	// tokens is how many tokens the bucket held at last, the time of the
	// last call it let through.
	tokens float64
	last   time.Time
	used   time.Time // the last call, let through or not
}

// Option tunes a Limiter.
type Option func(*Limiter)

// WithMaxKeys bounds how many keys the limiter tracks (DefaultMaxKeys when
// not set or not positive).
func WithMaxKeys(n int) Option { return func(l *Limiter) { l.maxKeys = n } }

// WithClock makes the limiter read the time from now, for tests.
func WithClock(now func() time.Time) Option { return func(l *Limiter) { l.now = now } }

// New returns a limiter that lets each key make burst requests at once and
// then r requests a second. A burst below 1 is taken as 1; rate.Inf lets
// everything through; a rate that is not positive never refills a bucket.
func New(r rate.Limit, burst int, opts ...Option) *Limiter {
	l := &Limiter{limit: r, burst: max(burst, 1), now: time.Now, seed: maphash.MakeSeed()}
	for _, o := range opts {
		o(l)
	}
	if l.maxKeys <= 0 {
		l.maxKeys = DefaultMaxKeys
	}
	if l.now == nil {
		l.now = time.Now
	}
	l.idle = refillTime(l.limit, l.burst)
	l.keys = make(map[uint64]*list.Element, min(l.maxKeys, 1024))
	return l
}

// refillTime is how long an empty bucket takes to fill up again.
func refillTime(r rate.Limit, burst int) time.Duration {
	if !(r > 0) { // also NaN
		return time.Duration(math.MaxInt64)
	}
	secs := float64(burst) / float64(r)
	if secs*float64(time.Second) >= math.MaxInt64 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(math.Ceil(secs * float64(time.Second)))
}

// Allow takes a token from key's bucket. When the bucket is empty it
// returns false and how long to wait until a token is there.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	if l.limit == rate.Inf {
		return true, 0
	}
	h := maphash.String(l.seed, key)
	now := l.now()

	l.mu.Lock()
	defer l.mu.Unlock()
	l.forgetIdle(now)
	b := l.bucket(h, now)
	available := l.tokensAt(b, now)
	if tokens := available - 1; tokens >= 0 || l.durationFromTokens(-tokens) <= 0 {
		// The second test is rate.Limiter's: a shortfall of less than a
		// nanosecond's worth of tokens does not make a caller wait.
		b.tokens, b.last = tokens, now
		return true, 0
	}
	return false, l.wait(available)
}

// tokensAt is how many tokens b holds at now: what it held at its last
// call let through, plus what the rate added since, at most burst.
func (l *Limiter) tokensAt(b *bucket, now time.Time) float64 {
	last := b.last
	if now.Before(last) {
		last = now
	}
	tokens := b.tokens
	if l.limit > 0 {
		tokens += now.Sub(last).Seconds() * float64(l.limit)
	}
	return min(tokens, float64(l.burst))
}

// durationFromTokens is how long the rate takes to add tokens; "forever"
// for a rate that is not positive.
func (l *Limiter) durationFromTokens(tokens float64) time.Duration {
	if !(l.limit > 0) {
		return time.Duration(math.MaxInt64)
	}
	d := tokens / float64(l.limit) * float64(time.Second)
	if d > float64(math.MaxInt64) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(d)
}

// Len returns how many keys the limiter tracks now.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// bucket returns key's bucket, marked as used now, making room for it if
// needed: a new key in a full table takes over the least recently used
// key's bucket, reset. l.mu must be held.
func (l *Limiter) bucket(key uint64, now time.Time) *bucket {
	if e, ok := l.keys[key]; ok {
		l.lru.MoveToFront(e)
		b := e.Value.(*bucket)
		b.used = now
		return b
	}
	if len(l.keys) == l.maxKeys { // never more: a key is added only below it
		e := l.lru.Back()
		b := e.Value.(*bucket)
		delete(l.keys, b.key)
		l.fill(b, key, now)
		l.lru.MoveToFront(e)
		l.keys[key] = e
		return b
	}
	b := new(bucket)
	l.fill(b, key, now)
	l.keys[key] = l.lru.PushFront(b)
	return b
}

// fill makes b key's bucket, full, like a new rate.Limiter.
func (l *Limiter) fill(b *bucket, key uint64, now time.Time) {
	*b = bucket{key: key, tokens: float64(l.burst), last: now, used: now}
}

// forgetIdle drops the buckets that have refilled since their last use.
// They are at the back of the list, so each call does work only for the
// buckets it drops. l.mu must be held.
func (l *Limiter) forgetIdle(now time.Time) {
	for e := l.lru.Back(); e != nil; e = l.lru.Back() {
		if now.Sub(e.Value.(*bucket).used) < l.idle {
			return
		}
		l.remove(e)
	}
}

func (l *Limiter) remove(e *list.Element) {
	delete(l.keys, e.Value.(*bucket).key)
	l.lru.Remove(e)
}

// wait is about how long until a bucket holding tokens has a whole token,
// at least 1 ms and at most maxRetryAfter.
func (l *Limiter) wait(tokens float64) time.Duration {
	if !(l.limit > 0) {
		return maxRetryAfter
	}
	missing := 1 - tokens
	secs := missing / float64(l.limit)
	if secs >= maxRetryAfter.Seconds() {
		return maxRetryAfter
	}
	// Float arithmetic is off by a few nanoseconds either way; the answer
	// is advisory, in milliseconds.
	return max(time.Duration(secs*float64(time.Second)).Round(time.Millisecond), time.Millisecond)
}

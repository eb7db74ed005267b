package ratelimit_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/ratelimit"
)

// newClock returns a hand-set clock for limiters under test.
func newClock() *clocktest.Clock {
	return clocktest.New(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
}

// call is one Allow and what it should answer.
type call struct {
	advance   time.Duration // before the call
	key       string
	wantOK    bool
	wantAfter time.Duration
}

func TestAllow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rate  rate.Limit
		burst int
		calls []call
	}{
		{"burst, then the rate", 1, 2, []call{
			{0, "a", true, 0},
			{0, "a", true, 0},
			{0, "a", false, time.Second},
			{400 * time.Millisecond, "a", false, 600 * time.Millisecond},
			{600 * time.Millisecond, "a", true, 0},
			{0, "a", false, time.Second},
		}},
		{"keys do not share a bucket", 1, 1, []call{
			{0, "a", true, 0},
			{0, "a", false, time.Second},
			{0, "b", true, 0},
			{0, "b", false, time.Second},
			{0, "", true, 0},
		}},
		{"the user default: 5 at once, then one every 6 s", ratelimit.DefaultUserRate / 60.0, ratelimit.DefaultUserBurst, []call{
			{0, "u", true, 0}, {0, "u", true, 0}, {0, "u", true, 0}, {0, "u", true, 0}, {0, "u", true, 0},
			{0, "u", false, 6 * time.Second},
			{5 * time.Second, "u", false, time.Second},
			{time.Second, "u", true, 0},
		}},
		{"a burst below 1 is 1", 1, 0, []call{
			{0, "a", true, 0},
			{0, "a", false, time.Second},
		}},
		{"rate.Inf lets everything through", rate.Inf, 1, []call{
			{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			l := ratelimit.New(tt.rate, tt.burst, clk.Now)
			for i, c := range tt.calls {
				clk.Advance(c.advance)
				gotOK, gotAfter := l.Allow(c.key)
				if gotOK != c.wantOK || gotAfter != c.wantAfter {
					t.Errorf("call %d: Allow(%q) = %v, %v; want %v, %v", i, c.key, gotOK, gotAfter, c.wantOK, c.wantAfter)
				}
			}
		})
	}
}

// TestMemoryBound floods a limiter with distinct keys: it never tracks more
// than its cap, and it forgets the least recently used key first.
func TestMemoryBound(t *testing.T) {
	t.Parallel()
	const maxKeys = ratelimit.MaxKeys
	clk := newClock()
	l := ratelimit.New(1, 1, clk.Now)

	if ok, _ := l.Allow("kept"); !ok {
		t.Fatal("first call of a key refused")
	}
	for i := range 3 * maxKeys {
		l.Allow(fmt.Sprintf("flood-%d", i))
		l.Allow("kept") // recently used: never the one forgotten
		if got := l.Len(); got > maxKeys {
			t.Fatalf("after %d keys Len() = %d, want at most %d", i+2, got, maxKeys)
		}
	}
	if got := l.Len(); got != maxKeys {
		t.Errorf("Len() = %d, want %d", got, maxKeys)
	}
	// "kept" is still tracked, so its bucket is still empty.
	if ok, _ := l.Allow("kept"); ok {
		t.Error("the most recently used key was forgotten: its empty bucket became full again")
	}
	// The oldest flood key was forgotten: it starts with a full bucket.
	if ok, _ := l.Allow("flood-0"); !ok {
		t.Error("the least recently used key was not forgotten")
	}
}

// TestIdleKeysAreForgotten checks that a key whose bucket has refilled is
// dropped on a later request, without a background goroutine.
func TestIdleKeysAreForgotten(t *testing.T) {
	t.Parallel()
	clk := newClock()
	l := ratelimit.New(1, 3, clk.Now) // refills in 3 s
	for i := range 50 {
		l.Allow(fmt.Sprintf("old-%d", i))
	}
	clk.Advance(2 * time.Second)
	l.Allow("new")
	if got := l.Len(); got != 51 {
		t.Fatalf("before the buckets refilled Len() = %d, want 51", got)
	}
	clk.Advance(time.Second)
	l.Allow("newer")
	if got := l.Len(); got != 2 {
		t.Errorf("after the old buckets refilled Len() = %d, want 2 (new, newer)", got)
	}
}

// TestConcurrentCallers checks under -race that a frozen clock lets exactly
// burst calls of a key through, however many goroutines ask at once.
func TestConcurrentCallers(t *testing.T) {
	t.Parallel()
	const burst, goroutines, perGoroutine = 20, 8, 50
	clk := newClock()
	l := ratelimit.New(1, burst, clk.Now)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		allowed = map[string]int{}
	)
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				key := fmt.Sprintf("k%d", (g+i)%2)
				if ok, _ := l.Allow(key); ok {
					mu.Lock()
					allowed[key]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for _, key := range []string{"k0", "k1"} {
		if allowed[key] != burst {
			t.Errorf("%s: %d calls allowed, want %d", key, allowed[key], burst)
		}
	}
}

// TestCheckAndSpend: Check takes nothing, Spend always counts, going into
// debt when two look-ups passed Check at once.
func TestCheckAndSpend(t *testing.T) {
	t.Parallel()
	clk := newClock()
	l := ratelimit.New(1, 2, clk.Now)
	for range 5 {
		if ok, _ := l.Check("u"); !ok {
			t.Fatal("Check used up a token")
		}
	}
	l.Spend("u")
	l.Spend("u")
	l.Spend("u") // in debt by one
	if ok, wait := l.Check("u"); ok || wait != 2*time.Second {
		t.Errorf("Check after 3 spends = %v, %v; want false, 2s", ok, wait)
	}
	clk.Advance(2 * time.Second)
	if ok, _ := l.Check("u"); !ok {
		t.Error("Check after the debt was paid: refused")
	}
	if ok, _ := l.Check("other"); !ok {
		t.Error("another key shares the bucket")
	}
}

func TestInfLetsEverythingThrough(t *testing.T) {
	t.Parallel()
	l := ratelimit.New(rate.Inf, 1, time.Now)
	for range 10 {
		l.Spend("u")
		if ok, _ := l.Check("u"); !ok {
			t.Fatal("Check refused with rate.Inf")
		}
		if ok, _ := l.Allow("u"); !ok {
			t.Fatal("Allow refused with rate.Inf")
		}
	}
}

func BenchmarkAllow(b *testing.B) {
	l := ratelimit.New(ratelimit.DefaultClientRate, 2*ratelimit.DefaultClientRate, time.Now)
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprintf("203.0.113.%d", i)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		l.Allow(keys[i%len(keys)])
	}
}

// BenchmarkAllowNewKeys: every call is a new key to a full table, like a
// rush of users verifying once each.
func BenchmarkAllowNewKeys(b *testing.B) {
	l := ratelimit.New(ratelimit.DefaultUserRate/60.0, ratelimit.DefaultUserBurst, time.Now)
	keys := make([]string, 4*ratelimit.MaxKeys)
	for i := range keys {
		keys[i] = fmt.Sprintf("user-%d", i)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l.Allow(keys[i%len(keys)])
	}
}

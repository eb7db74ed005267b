package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// leaseTTL is the lease the clauses take unless they say otherwise.
const leaseTTL = time.Minute

// acquire fails the test unless holder takes the lease.
func acquire(t *testing.T, s Store, holder string, ttl time.Duration) {
	t.Helper()
	if err := s.AcquireLease(t.Context(), holder, ttl); err != nil {
		t.Fatalf("AcquireLease(%q, %v): %v", holder, ttl, err)
	}
}

// wantBusy fails the test unless holder is refused with ErrBusy.
func wantBusy(t *testing.T, s Store, holder string) {
	t.Helper()
	err := s.AcquireLease(t.Context(), holder, leaseTTL)
	if !errors.Is(err, rostersync.ErrBusy) {
		t.Errorf("AcquireLease(%q) while another holds the lease = %v, want ErrBusy", holder, err)
	}
}

// release fails the test unless ReleaseLease(holder) succeeds.
func release(t *testing.T, s Store, holder string) {
	t.Helper()
	if err := s.ReleaseLease(t.Context(), holder); err != nil {
		t.Fatalf("ReleaseLease(%q): %v", holder, err)
	}
}

func testLeaseExclusive(t *testing.T, s Store) {
	acquire(t, s, "a", leaseTTL)
	wantBusy(t, s, "b")
	wantBusy(t, s, "b") // a refusal takes nothing either
	acquire(t, s, "a", leaseTTL)
	wantBusy(t, s, "b")
}

func testLeaseRefresh(t *testing.T, s Store, clock *clocktest.Clock) {
	acquire(t, s, "a", leaseTTL)
	clock.Advance(50 * time.Second)
	acquire(t, s, "a", leaseTTL) // now held until 110 s
	clock.Advance(30 * time.Second)
	wantBusy(t, s, "b") // the first lease would have expired at 60 s
	clock.Advance(30 * time.Second)
	acquire(t, s, "b", leaseTTL)
}

func testLeaseRelease(t *testing.T, s Store) {
	release(t, s, "a") // nothing held: nothing to do
	acquire(t, s, "a", leaseTTL)
	release(t, s, "b") // not b's to give up
	wantBusy(t, s, "c")
	release(t, s, "a")
	acquire(t, s, "b", leaseTTL)
	wantBusy(t, s, "a")
	release(t, s, "b")
	release(t, s, "b")
	acquire(t, s, "a", leaseTTL)
}

func testLeaseExpiry(t *testing.T, s Store, clock *clocktest.Clock) {
	acquire(t, s, "crashed", leaseTTL)
	clock.Advance(leaseTTL - time.Millisecond)
	wantBusy(t, s, "b")
	clock.Advance(time.Millisecond)
	acquire(t, s, "b", leaseTTL) // expired: taken over

	// The old holder comes back: its release is a no-op, and it is now the
	// one kept out.
	release(t, s, "crashed")
	wantBusy(t, s, "c")
	wantBusy(t, s, "crashed")
}

func testLeaseConcurrent(t *testing.T, s Store) {
	const holders = 8
	errs := make([]error, holders)
	var wg sync.WaitGroup
	for i := range holders {
		wg.Go(func() {
			errs[i] = s.AcquireLease(t.Context(), fmt.Sprintf("holder-%d", i), leaseTTL)
		})
	}
	wg.Wait()

	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("holders %d and %d both acquired the lease", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, rostersync.ErrBusy):
			t.Errorf("holder %d: AcquireLease = %v, want nil or ErrBusy", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("none of %d holders acquired the lease", holders)
	}
	// The winner holds it: everyone else is still kept out.
	wantBusy(t, s, fmt.Sprintf("holder-%d", (winner+1)%holders))
	acquire(t, s, fmt.Sprintf("holder-%d", winner), leaseTTL)
}

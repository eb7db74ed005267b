package rostersync

import (
	"errors"
	"fmt"
	"time"
)

// ErrBadLease refuses a lease request that could never be honoured.
var ErrBadLease = errors.New("bad lease request")

// Lease is the sync lease as a store keeps it: who holds it, since when, and
// until when.
type Lease struct {
	Holder     string
	AcquiredAt time.Time
	ExpiresAt  time.Time
}

// TakeLease decides a request by holder, at now, for ttl, given the lease
// the store holds (found is false when it holds none). It returns the lease
// to store: a new one when there was none or it has expired, the same one
// extended when holder already holds it. While another holder's lease is
// unexpired it returns an error wrapping ErrBusy. Stores call it inside the
// transaction that read held, so that every store decides alike.
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

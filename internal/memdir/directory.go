// Package memdir is the employee directory held in memory: each instance's
// copy of the store's directory, which answers the skills' look-ups with no
// request to the store. A check reads the store's version (one small read)
// and, when it moved, the employees changed since (docs/replication.md).
// Requests start checks, in the background and at most once an interval,
// because Cloud Run gives an instance CPU only while it serves one; Watch
// adds a timer for when it has CPU between requests; Refresh checks at once
// after a sync this instance ran. While the store cannot be reached the copy
// keeps answering and Stale says so; until one is loaded, Lookup fails with
// ErrNotLoaded, so that a skill answers "could not decide" rather than "not
// an employee".
package memdir

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
)

// Store is the directory store a Directory copies.
type Store interface {
	// Status returns, in one read, a token that changes whenever the
	// employees change, and when the directory was last synced (zero if
	// never).
	Status(ctx context.Context) (version string, lastSync time.Time, err error)
	// Changes returns what changed after version; false when the copy is
	// too old to catch up.
	Changes(ctx context.Context, version string) (replication.Changes, bool, error)
	// Employees returns every employee, by E.164 phone: the copy a load
	// puts in place whole.
	Employees(ctx context.Context) (map[string]roster.Employee, error)
}

const (
	// DefaultCheckInterval is the least time between two checks: another
	// instance's sync shows here within about 10 s, for one small read.
	DefaultCheckInterval = 10 * time.Second
	// DefaultRetryInterval replaces it while nothing is loaded: the
	// directory cannot answer anyone until it has.
	DefaultRetryInterval = time.Second
	// DefaultLoadTimeout bounds one check, reading every employee included.
	DefaultLoadTimeout = time.Minute
	// DefaultCheckTimeout bounds a check's first small read, so that a store
	// that stopped answering shows as stale soon, not after a load's deadline.
	DefaultCheckTimeout = 5 * time.Second
)

// ErrNotLoaded is Lookup's error until a copy of the directory is loaded.
var ErrNotLoaded = errors.New("the employee directory has not been loaded yet")

// StaleReason is what Stale returns while the store cannot be reached.
const StaleReason = "the directory store cannot be reached: answering from the directory loaded before"

// Options tune a Directory; the zero value takes every default.
type Options struct {
	Logger       *slog.Logger                         // the loads and the store's changes of state; nil discards them
	LoadTimeout  time.Duration                        // bounds one check (DefaultLoadTimeout)
	CheckTimeout time.Duration                        // bounds a check's first read (DefaultCheckTimeout)
	Now          func() time.Time                     // decides when a check is due (time.Now)
	After        func(time.Duration) <-chan time.Time // how Watch waits for the next check (time.After)
}

// Directory is the directory held in memory. It is safe for concurrent use:
// look-ups share a read lock, which a check takes for writing only to put
// in what it has read.
type Directory struct {
	store        Store
	log          *slog.Logger
	loadTimeout  time.Duration
	checkTimeout time.Duration
	now          func() time.Time
	after        func(time.Duration) <-chan time.Time

	data sync.RWMutex
	// employees is the copy, by E.164 phone: nil until one is loaded.
	employees map[string]roster.Employee
	version   string
	lastSync  time.Time

	due atomic.Int64 // when the next lazy check may start, in Unix nanoseconds
	// checks runs one check at a time, shared by everyone who wants one
	// meanwhile, so that copies are put in in the order they were read.
	checks  singleflight.Group
	failing atomic.Bool // the last check could not reach the store
}

// New returns a Directory that copies store. Nothing is loaded until the
// first Refresh, LastSync or Lookup.
func New(store Store, o Options) *Directory {
	d := &Directory{store: store, log: cmp.Or(o.Logger, slog.New(slog.DiscardHandler)), now: o.Now, after: o.After,
		loadTimeout: cmp.Or(o.LoadTimeout, DefaultLoadTimeout), checkTimeout: cmp.Or(o.CheckTimeout, DefaultCheckTimeout)}
	if d.now == nil {
		d.now = time.Now
	}
	if d.after == nil {
		d.after = time.After
	}
	return d
}

// Lookup returns the employee whose E.164 phone is phone, and false when
// there is none, from the copy in memory; ErrNotLoaded before there is one.
// It never waits for the store: a check that is due starts in the
// background.
func (d *Directory) Lookup(_ context.Context, phone string) (roster.Employee, bool, error) {
	d.maybeCheck()
	d.data.RLock()
	defer d.data.RUnlock()
	if d.employees == nil {
		return roster.Employee{}, false, ErrNotLoaded
	}
	e, ok := d.employees[phone]
	return e, ok, nil
}

func (d *Directory) copyState() (loaded bool, version string, lastSync time.Time) {
	d.data.RLock()
	defer d.data.RUnlock()
	return d.employees != nil, d.version, d.lastSync
}

// LastSync returns when the directory being served was last synced, for
// the readiness probe: at once with a copy loaded, even while the store
// cannot be reached (Stale says so); with none, after a check, whose error
// it returns, or the zero time if the store was never synced.
func (d *Directory) LastSync(ctx context.Context) (time.Time, error) {
	if loaded, _, _ := d.copyState(); loaded {
		d.maybeCheck()
	} else if _, err := d.await(ctx); err != nil {
		return time.Time{}, err
	}
	_, _, last := d.copyState()
	return last, nil
}

// Stale returns StaleReason while a copy is loaded and the last check could
// not reach the store, and "" otherwise.
func (d *Directory) Stale() string {
	if loaded, _, _ := d.copyState(); d.failing.Load() && loaded {
		return StaleReason
	}
	return ""
}

package memdir

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/rollcall/rollcall/internal/directory"
)

// flight is one check of the store. Only one runs at a time, so copies are
// published in the order they were read; everyone who wants a check while
// one runs shares it.
type flight struct {
	done chan struct{}
	err  error // set before done is closed
}

// wait waits for the check to end, or for ctx.
func (f *flight) wait(ctx context.Context) error {
	select {
	case <-f.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for the directory to load: %w", ctx.Err())
	}
}

// Refresh checks the store now and waits for the check, loading the
// employees again if they changed: after it returns nil, look-ups see
// every change the store held when Refresh was called. The sync wiring
// calls it after each sync this instance runs. A check already running
// might have read the store before the caller's change, so Refresh waits
// for it and then checks again.
//
// Refresh returns nil without loading anything when the store was never
// synced, and the store's error when it cannot be reached; the copy loaded
// before, if any, stays in use.
func (d *Directory) Refresh(ctx context.Context) error {
	d.mu.Lock()
	earlier := d.flight
	d.mu.Unlock()
	if earlier != nil {
		if err := earlier.wait(ctx); err != nil {
			return err
		}
	}
	f := d.startOrJoin()
	if err := f.wait(ctx); err != nil {
		return err
	}
	return f.err
}

// Watch checks the store every check interval until ctx is done. Requests
// start checks too; Watch covers the quiet times in which the process
// still has CPU.
func (d *Directory) Watch(ctx context.Context) {
	t := time.NewTicker(d.checkInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			d.maybeCheck()
		}
	}
}

// maybeCheck starts a check in the background when one is due. When none
// is, it costs a clock read and an atomic load; of the requests that find
// one due, one starts it.
func (d *Directory) maybeCheck() {
	now := d.now().UnixNano()
	due := d.due.Load()
	if now < due || !d.due.CompareAndSwap(due, now+int64(d.checkInterval)) {
		return
	}
	d.startOrJoin()
}

// startOrJoin returns the check in progress, starting one if there is none.
func (d *Directory) startOrJoin() *flight {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.flight != nil {
		return d.flight
	}
	f := &flight{done: make(chan struct{})}
	d.flight = f
	d.due.Store(d.now().Add(d.checkInterval).UnixNano())
	go d.fly(f)
	return f
}

// fly runs check f, detached from whoever asked for it: the request that
// started it may end long before the check does.
func (d *Directory) fly(f *flight) {
	ctx, cancel := context.WithTimeout(context.Background(), d.loadTimeout)
	defer cancel()
	err := d.load(ctx)

	d.mu.Lock()
	d.noteHealth(err)
	if d.current.Load() == nil {
		d.due.Store(d.now().Add(d.retryInterval).UnixNano())
	}
	d.flight = nil
	f.err = err
	d.mu.Unlock()
	close(f.done)
}

// load checks the store and, when its employees changed, publishes a new
// copy of them. The version is read before the employees, so that a copy
// is never labelled newer than what it holds: a change that lands between
// the two reads shows as a moved version at the next check.
func (d *Directory) load(ctx context.Context) error {
	start := d.now()
	cctx, cancel := context.WithTimeout(ctx, d.checkTimeout)
	defer cancel()
	last, err := d.store.LastSync(cctx)
	if err != nil {
		return fmt.Errorf("check the directory store: %w", err)
	}
	if last.IsZero() {
		return nil // never synced: nothing to load yet
	}
	version, err := d.store.Version(cctx)
	if err != nil {
		return fmt.Errorf("check the directory store: %w", err)
	}
	cur := d.current.Load()
	if cur != nil && cur.version == version {
		if !cur.lastSync.Equal(last) {
			// A sync that changed nothing: same employees, newer stamp.
			d.current.Store(&snapshot{people: cur.people, version: version, lastSync: last})
		}
		return nil
	}
	p, err := d.readPeople(ctx)
	if err != nil {
		return fmt.Errorf("load the directory: %w", err)
	}
	d.current.Store(&snapshot{people: p, version: version, lastSync: last})
	d.log.Info("employee directory loaded into memory", "employees", p.len(),
		"last_sync", last.UTC().Format(time.RFC3339), "duration_ms", d.now().Sub(start).Milliseconds())
	return nil
}

// loadGCPercent is the garbage collector's target while a copy is read:
// reading a hundred thousand employees from Firestore makes several times
// the copy's size in short-lived garbage (a document snapshot each), and at
// Go's default of 100 the heap would grow to twice what is live before each
// collection. A lower target for those few seconds keeps an instance's peak
// memory near what it holds afterwards, for a little more collector work.
const loadGCPercent = 25

// readPeople reads every employee of the store into a packed copy, one at
// a time.
func (d *Directory) readPeople(ctx context.Context) (*people, error) {
	defer lowerGCPercent(loadGCPercent)()
	b := newPeopleBuilder(0)
	err := d.store.VisitEmployees(ctx, func(n int) { b = newPeopleBuilder(n) }, func(e directory.Employee) error {
		b.add(e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b.done(), nil
}

// noteHealth records whether the last check reached the store and logs the
// changes of that state, not every failed check. d.mu must be held.
func (d *Directory) noteHealth(err error) {
	switch {
	case err != nil && !d.failing:
		d.failing = true
		if s := d.current.Load(); s != nil {
			d.log.Warn("the directory store cannot be reached: answering from the directory loaded before; /ready reports it stale",
				"employees", s.people.len(), "last_sync", s.lastSync.UTC().Format(time.RFC3339), "error", err.Error())
			return
		}
		d.log.Warn("the directory store cannot be reached and no directory is loaded: skill calls answer ERROR until it is",
			"error", err.Error())
	case err == nil && d.failing:
		d.failing = false
		d.log.Info("the directory store can be reached again")
	}
}

// lowerGCPercent sets the collector's target to percent unless it is lower
// already (or off, GOGC=off), and returns what restores the previous one.
func lowerGCPercent(percent int) (restore func()) {
	prev := debug.SetGCPercent(percent)
	if prev < 0 || prev <= percent {
		debug.SetGCPercent(prev)
		return func() {}
	}
	return func() { debug.SetGCPercent(prev) }
}

package memdir

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/rollcall/rollcall/internal/roster"
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

// Watch checks the store whenever a check falls due, until ctx is done.
// Requests start checks too; Watch covers the quiet times in which the
// process still has CPU. It waits for the check's due time rather than
// ticking at the interval: a tick a hair before the due time would skip a
// whole interval.
func (d *Directory) Watch(ctx context.Context) {
	t := time.NewTimer(d.checkInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			d.maybeCheck()
			wait := time.Duration(d.due.Load() - d.now().UnixNano())
			if wait <= 0 {
				wait = d.retryInterval // a check is running, or will be soon
			}
			t.Reset(wait)
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
	if loaded, _, _ := d.copyState(); !loaded {
		d.due.Store(d.now().Add(d.retryInterval).UnixNano())
	}
	d.flight = nil
	f.err = err
	d.mu.Unlock()
	close(f.done)
}

// load checks the store and, when its employees changed, brings the copy
// up to date: by the employees changed since the copy's version, or by
// reading them all when the store cannot tell those. Each version is read
// before the employees it labels, so that a copy is never labelled newer
// than what it holds: a change that lands in between shows as a moved
// version at the next check.
func (d *Directory) load(ctx context.Context) error {
	start := d.now()
	cctx, cancel := context.WithTimeout(ctx, d.checkTimeout)
	version, last, err := d.store.Status(cctx)
	cancel()
	if err != nil {
		return fmt.Errorf("check the directory store: %w", err)
	}
	if last.IsZero() {
		return nil // never synced: nothing to load yet
	}
	loaded, have, _ := d.copyState()
	if loaded && have == version {
		// Nothing changed, or a sync that changed nothing: a newer stamp.
		d.data.Lock()
		d.lastSync = last
		d.data.Unlock()
		return nil
	}
	if loaded {
		var (
			puts    []roster.Employee
			removes []string
		)
		now, ok, err := d.store.Changes(ctx, have, func(e roster.Employee) { puts = append(puts, e) },
			func(phone string) { removes = append(removes, phone) })
		if err != nil {
			return fmt.Errorf("read the directory's changes: %w", err)
		}
		if ok && d.keepChanges(puts, removes, now, last) {
			d.log.Info("employee directory caught up", "written", len(puts), "removed", len(removes),
				"last_sync", last.UTC().Format(time.RFC3339), "duration_ms", d.now().Sub(start).Milliseconds())
			return nil
		}
	}
	people, err := d.readPeople(ctx)
	if err != nil {
		return fmt.Errorf("load the directory: %w", err)
	}
	d.data.Lock()
	d.people, d.changed, d.version, d.lastSync = people, nil, version, last
	d.data.Unlock()
	d.log.Info("employee directory loaded into memory", "employees", people.len(),
		"last_sync", last.UTC().Format(time.RFC3339), "duration_ms", d.now().Sub(start).Milliseconds())
	return nil
}

// maxChanged bounds the changes kept beside the packed copy; beyond it the
// copy is read again whole, which packs them in.
const maxChanged = 5000

// keepChanges puts in the employees written and removed since the copy's
// version, and reports false, changing nothing, when there are too many.
func (d *Directory) keepChanges(puts []roster.Employee, removes []string, version string, last time.Time) bool {
	d.data.Lock()
	defer d.data.Unlock()
	if len(d.changed)+len(puts)+len(removes) > maxChanged {
		return false
	}
	if d.changed == nil {
		d.changed = map[string]change{}
	}
	for _, e := range puts {
		d.changed[e.Phone] = change{employee: e}
	}
	for _, phone := range removes {
		d.changed[phone] = change{removed: true}
	}
	d.version, d.lastSync = version, last
	return true
}

// readPeople reads every employee of the store into a packed copy, one at
// a time.
func (d *Directory) readPeople(ctx context.Context) (*people, error) {
	defer lowerGCPercent(loadGCPercent)()
	b := newPeopleBuilder(0)
	err := d.store.VisitEmployees(ctx, func(n int) { b = newPeopleBuilder(n) }, func(e roster.Employee) error {
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
		if loaded, _, last := d.copyState(); loaded {
			d.log.Warn("the directory store cannot be reached: answering from the directory loaded before; /ready reports it stale",
				"last_sync", last.UTC().Format(time.RFC3339), "error", err.Error())
			return
		}
		d.log.Warn("the directory store cannot be reached and no directory is loaded: skill calls answer ERROR until it is",
			"error", err.Error())
	case err == nil && d.failing:
		d.failing = false
		d.log.Info("the directory store can be reached again")
	}
}

// loadGCPercent is the garbage collector's target while a copy is read:
// reading a hundred thousand employees from Firestore makes several times
// the copy's size in short-lived garbage (a document snapshot each), and at
// Go's default of 100 the heap would grow to twice what is live before each
// collection. A lower target for those few seconds keeps an instance's peak
// memory near what it holds afterwards, for a little more collector work.
// It stays because the 64 MB target at 100,000 employees needs it: without
// it `go run ./bench` peaked at 62.5 MiB (65.6 MB) on Firestore, at start-up.
const loadGCPercent = 25

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

package memdir

import (
	"context"
	"fmt"
	"time"

	"github.com/rollcall/rollcall/internal/replication"
)

// checkKey is the one key of d.checks: there is one store to check.
const checkKey = "check"

// Refresh checks the store now and waits for the check: after it returns
// nil, look-ups see every change the store held when Refresh was called.
// The sync wiring calls it after each sync this instance runs. It returns
// nil without loading anything when the store was never synced, and the
// store's error when it cannot be reached; the copy loaded before stays in
// use.
func (d *Directory) Refresh(ctx context.Context) error {
	shared, err := d.await(ctx)
	if err != nil || !shared {
		return err
	}
	// A shared check may have been running, and read the store, before
	// Refresh was called: check again.
	_, err = d.await(ctx)
	return err
}

// await waits, within ctx, for the check in progress, starting one if
// there is none. shared is true when others waited for the same check.
func (d *Directory) await(ctx context.Context) (shared bool, err error) {
	select {
	case res := <-d.checks.DoChan(checkKey, d.check):
		return res.Shared, res.Err
	case <-ctx.Done():
		return false, fmt.Errorf("wait for the directory to load: %w", ctx.Err())
	}
}

// Watch checks the store whenever a check falls due, until ctx is done, for
// the quiet times in which the process still has CPU. It waits for the due
// time rather than ticking: a tick a hair early would skip an interval.
func (d *Directory) Watch(ctx context.Context) {
	wait := DefaultCheckInterval
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.after(wait):
			d.maybeCheck()
			wait = time.Duration(d.due.Load() - d.now().UnixNano())
			if wait <= 0 {
				wait = DefaultRetryInterval // a check is running, or will be soon
			}
		}
	}
}

// maybeCheck starts a check in the background when one is due; of the
// requests that find one due, one starts it.
func (d *Directory) maybeCheck() {
	now := d.now().UnixNano()
	due := d.due.Load()
	if now < due || !d.due.CompareAndSwap(due, now+int64(DefaultCheckInterval)) {
		return
	}
	d.checks.DoChan(checkKey, d.check) // its answer is nobody's: the channel has room for it
}

// check is one check of the store, detached from whoever wants it: the
// request that started it may end long before it does.
func (d *Directory) check() (any, error) {
	d.due.Store(d.now().Add(DefaultCheckInterval).UnixNano())
	ctx, cancel := context.WithTimeout(context.Background(), d.loadTimeout)
	defer cancel()
	err := d.load(ctx)
	d.noteHealth(err)
	if loaded, _, _ := d.copyState(); !loaded {
		d.due.Store(d.now().Add(DefaultRetryInterval).UnixNano())
	}
	return nil, err
}

// load checks the store and, when its employees changed, brings the copy
// up to date: by the employees changed since the copy's version, or by
// reading them all when the store cannot tell those. Each version is read
// before the employees it labels, so that a copy is never labelled newer
// than what it holds.
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
	// Unchanged, or a sync that changed nothing: a newer stamp.
	changes, caughtUp := replication.Changes{Version: version}, loaded && have == version
	if loaded && !caughtUp {
		if changes, caughtUp, err = d.store.Changes(ctx, have); err != nil {
			return fmt.Errorf("read the directory's changes: %w", err)
		}
	}
	if caughtUp {
		d.data.Lock()
		for _, e := range changes.Written {
			d.employees[e.Phone] = e
		}
		for _, phone := range changes.Removed {
			delete(d.employees, phone)
		}
		d.version, d.lastSync = changes.Version, last
		d.data.Unlock()
		if have != version {
			d.log.Info("employee directory caught up", "written", len(changes.Written), "removed", len(changes.Removed),
				"last_sync", last.UTC().Format(time.RFC3339), "duration_ms", d.now().Sub(start).Milliseconds())
		}
		return nil
	}
	employees, err := d.store.Employees(ctx)
	if err != nil {
		return fmt.Errorf("load the directory: %w", err)
	}
	d.data.Lock()
	d.employees, d.version, d.lastSync = employees, version, last
	d.data.Unlock()
	d.log.Info("employee directory loaded into memory", "employees", len(employees),
		"last_sync", last.UTC().Format(time.RFC3339), "duration_ms", d.now().Sub(start).Milliseconds())
	return nil
}

// noteHealth records whether the last check reached the store and logs the
// changes of that state, not every failed check. Checks run one at a time.
func (d *Directory) noteHealth(err error) {
	switch {
	case err != nil && !d.failing.Load():
		d.failing.Store(true)
		if loaded, _, last := d.copyState(); loaded {
			d.log.Warn("the directory store cannot be reached: answering from the directory loaded before; /ready reports it stale",
				"last_sync", last.UTC().Format(time.RFC3339), "error", err.Error())
			return
		}
		d.log.Warn("the directory store cannot be reached and no directory is loaded: skill calls answer ERROR until it is",
			"error", err.Error())
	case err == nil && d.failing.Load():
		d.failing.Store(false)
		d.log.Info("the directory store can be reached again")
	}
}

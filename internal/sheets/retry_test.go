package sheets_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"google.golang.org/api/googleapi"

	"github.com/rollcall/rollcall/internal/sheets"
)

// TestDefaultRetriesOutlastAQuotaMinute: Sheets counts its read quota per
// minute, so a read refused with 429 must be tried again after the minute
// has turned. With the defaults, a read refused 8 times is read at the
// 9th attempt more than a minute later, every wait jittered within
// [half, all] of its doubling step capped at 32 s; refused 9 times, it
// fails after 9 attempts.
func TestDefaultRetriesOutlastAQuotaMinute(t *testing.T) {
	t.Parallel()
	for _, refusals := range []int{8, 9} {
		f := newFake(t)
		f.FailNext(refusals, http.StatusTooManyRequests)
		w := newWaits()
		start := w.clock.Now()
		_, err := newSource(t, sheets.Ref{SpreadsheetID: sheetID}, "'직원 목록'", w.options(sheets.Options{Endpoint: f.Endpoint()})).
			Rows(context.Background())
		var gerr *googleapi.Error
		switch {
		case refusals < sheets.DefaultMaxAttempts && err != nil:
			t.Errorf("refused %d times: Rows = %v, want the rows", refusals, err)
		case refusals >= sheets.DefaultMaxAttempts && (!errors.As(err, &gerr) || gerr.Code != http.StatusTooManyRequests):
			t.Errorf("refused %d times: Rows = %v, want the 429", refusals, err)
		}
		// Counted on the values: once read, the tab's merges are asked for too.
		if got, want := f.Count(staffPath), min(refusals+1, sheets.DefaultMaxAttempts); got != want {
			t.Errorf("refused %d times: %d requests, want %d", refusals, got, want)
		}
		slept := w.all()
		if len(slept) != sheets.DefaultMaxAttempts-1 {
			t.Fatalf("refused %d times: %d waits, want %d", refusals, len(slept), sheets.DefaultMaxAttempts-1)
		}
		for i, d := range slept {
			step := min(sheets.DefaultBackoffBase<<i, sheets.DefaultMaxBackoff)
			if d < step/2 || d > step {
				t.Errorf("refused %d times: wait %d = %v, want within [%v, %v]", refusals, i+1, d, step/2, step)
			}
		}
		if elapsed := w.clock.Now().Sub(start); elapsed <= time.Minute {
			t.Errorf("refused %d times: the last attempt came %v after the first, want more than a minute", refusals, elapsed)
		}
	}
}

// TestRetriesStopAtTheCallersDeadline: a retry that would come after the
// caller's deadline (a sync's run timeout, or its lease) is not waited
// for: Rows gives up with the API's error, not at the deadline with the
// context's, having waited only within the deadline.
func TestRetriesStopAtTheCallersDeadline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		backoff          time.Duration // base and cap; 0 for the defaults
		deadline         time.Duration
		minReqs, maxReqs int
	}{
		{"the first wait is past it", time.Hour, time.Minute, 1, 1},
		// The defaults' waits add up to 7.5–15 s after 4 refusals, 15.5–31 s
		// after 5 and at least 31.5 s after 6: a 30 s deadline stops them
		// after the 5th or the 6th attempt.
		{"a later wait is past it", 0, 30 * time.Second, 5, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			f.FailNext(sheets.DefaultMaxAttempts, http.StatusTooManyRequests)
			w := newWaits()
			opts := w.options(sheets.Options{Endpoint: f.Endpoint(), BackoffBase: tt.backoff, MaxBackoff: tt.backoff})
			deadline := w.clock.Now().Add(tt.deadline)
			ctx, cancel := context.WithDeadline(context.Background(), deadline)
			defer cancel()

			_, err := newSource(t, sheets.Ref{SpreadsheetID: sheetID}, "'직원 목록'", opts).Rows(ctx)
			var gerr *googleapi.Error
			if !errors.As(err, &gerr) || gerr.Code != http.StatusTooManyRequests || ctx.Err() != nil {
				t.Errorf("Rows = %v (context: %v), want the 429 before the deadline", err, ctx.Err())
			}
			if n := len(f.Requests()); n < tt.minReqs || n > tt.maxReqs {
				t.Errorf("%d requests, want %d to %d", n, tt.minReqs, tt.maxReqs)
			}
			if now := w.clock.Now(); now.After(deadline) {
				t.Errorf("waited %v past the deadline", now.Sub(deadline))
			}
		})
	}
}

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

// TestRetriesStopAtTheCallersDeadline: a retry that would come after the
// caller's deadline (a sync's run timeout, or its lease) is not waited
// for: Rows gives up at once with the API's error, not at the deadline
// with the context's.
func TestRetriesStopAtTheCallersDeadline(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.FailNext(10, http.StatusTooManyRequests)
	opts := fast(f)
	opts.BackoffBase, opts.MaxBackoff = time.Hour, time.Hour
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	_, err := newSource(t, sheets.Ref{SpreadsheetID: sheetID}, "Sheet1", opts).Rows(ctx)
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) || gerr.Code != http.StatusTooManyRequests || ctx.Err() != nil {
		t.Errorf("Rows = %v (context: %v), want the 429 before the deadline", err, ctx.Err())
	}
	if n := len(f.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

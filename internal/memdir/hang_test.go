package memdir

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/logging/logtest"
)

// TestStoreThatStopsAnswering: a store that hangs rather than failing (a
// server gone without a word) shows as stale once a check's small reads
// pass their own deadline, well before a whole load's; the directory keeps
// answering from memory meanwhile.
func TestStoreThatStopsAnswering(t *testing.T) {
	t.Parallel()
	store := newFakeStore(syncedState())
	clock := newFakeClock()
	d := New(store, Options{Logger: slog.New(slog.NewJSONHandler(&logtest.Buffer{}, nil)), Now: clock.Now,
		CheckTimeout: 50 * time.Millisecond, LoadTimeout: time.Hour})
	refresh(t, d)

	hang := func(ctx context.Context) (string, time.Time, error) {
		<-ctx.Done()
		return "", time.Time{}, ctx.Err()
	}
	store.status = hang // before any check runs again: no race with one
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	err := d.Refresh(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Fatalf("Refresh against a hung store = %v (test context: %v), want the check's own deadline", err, ctx.Err())
	}
	if got := d.Stale(); got != StaleReason {
		t.Errorf("Stale = %q, want %q", got, StaleReason)
	}
	wantFound(t, d, hong)
}

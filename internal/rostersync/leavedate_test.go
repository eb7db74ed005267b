package rostersync_test

import (
	"context"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// TestRunRemovesALeaverWhenTheDayComes: the sheet does not change, the day
// does. "Unchanged" means the same outcome, not the same bytes.
func TestRunRemovesALeaverWhenTheDayComes(t *testing.T) {
	t.Parallel()
	rows := [][]string{
		{"휴대전화", "퇴사일"},
		{"010-1234-5678", "2026. 11. 1"},
		{"010-2222-3333", ""},
	}
	// 23:59 on 2026-10-31 in Seoul, a minute before the leave date.
	clock := clocktest.New(time.Date(2026, 10, 31, 14, 59, 0, 0, time.UTC))
	store := newMemStore()
	engine := rostersync.NewEngine(sheet{rows: rows}, store, 100, rostersync.WithClock(clock.Now))

	first, err := engine.Run(context.Background(), rostersync.Options{})
	if err != nil || first.Added != 2 {
		t.Fatalf("first run: %+v, %v; want 2 added", first, err)
	}
	again, err := engine.Run(context.Background(), rostersync.Options{})
	if err != nil || again.Unchanged != 2 || again.Deleted != 0 {
		t.Fatalf("same day: %+v, %v; want 2 unchanged", again, err)
	}
	clock.Advance(time.Minute)
	next, err := engine.Run(context.Background(), rostersync.Options{})
	if err != nil || next.Deleted != 1 || next.Left != 1 || next.Unchanged != 1 {
		t.Errorf("on the leave date: %+v, %v; want 1 deleted, 1 left, 1 unchanged", next, err)
	}
}

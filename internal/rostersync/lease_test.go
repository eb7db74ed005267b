package rostersync_test

import (
	"errors"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/rostersync"
)

func TestTakeLease(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	held := rostersync.Lease{Holder: "a", AcquiredAt: t0, ExpiresAt: t0.Add(time.Minute)}
	tests := []struct {
		name    string
		found   bool
		holder  string
		now     time.Time
		ttl     time.Duration
		want    rostersync.Lease
		wantErr error
	}{
		{"none held", false, "b", t0, time.Minute, rostersync.Lease{Holder: "b", AcquiredAt: t0, ExpiresAt: t0.Add(time.Minute)}, nil},
		{"held by another", true, "b", t0.Add(30 * time.Second), time.Minute, rostersync.Lease{}, rostersync.ErrBusy},
		{"expired", true, "b", t0.Add(time.Minute), time.Minute, rostersync.Lease{Holder: "b", AcquiredAt: t0.Add(time.Minute), ExpiresAt: t0.Add(2 * time.Minute)}, nil},
		{"extended by its holder", true, "a", t0.Add(30 * time.Second), time.Minute, rostersync.Lease{Holder: "a", AcquiredAt: t0, ExpiresAt: t0.Add(90 * time.Second)}, nil},
		{"no holder", false, "", t0, time.Minute, rostersync.Lease{}, rostersync.ErrBadLease},
		{"no ttl", false, "b", t0, 0, rostersync.Lease{}, rostersync.ErrBadLease},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := rostersync.TakeLease(held, tt.found, tt.holder, tt.now, tt.ttl)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("TakeLease error = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("TakeLease = %+v, want %+v", got, tt.want)
			}
		})
	}
}

package firestore

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// TestLeaseAcrossInstances runs two stores on one database, as two Cloud
// Run instances do: the lease one takes keeps the other out until released
// or expired, and the lease document has the documented layout.
func TestLeaseAcrossInstances(t *testing.T) {
	t.Parallel()
	needEmulator(t)
	project := testProjectID(t)
	clock := clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	open := func() *Store {
		s, err := Open(t.Context(), project, "")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		s.now = clock.Now
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return s
	}
	one, two := open(), open()
	ctx := t.Context()

	if err := one.AcquireLease(ctx, "instance-1", 10*time.Minute); err != nil {
		t.Fatalf("instance 1: AcquireLease: %v", err)
	}
	snap, err := one.client.Doc(leaseDoc).Get(ctx)
	if err != nil {
		t.Fatalf("read %s: %v", leaseDoc, err)
	}
	want := map[string]any{
		"holder":      "instance-1",
		"acquired_at": clock.Now(),
		"expires_at":  clock.Now().Add(10 * time.Minute),
	}
	if diff := cmp.Diff(want, snap.Data(), cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("lease document (-want +got):\n%s", diff)
	}

	err = two.AcquireLease(ctx, "instance-2", 10*time.Minute)
	if !errors.Is(err, rostersync.ErrBusy) {
		t.Fatalf("instance 2: AcquireLease while instance 1 holds it = %v, want ErrBusy", err)
	}
	if err := one.ReleaseLease(ctx, "instance-1"); err != nil {
		t.Fatalf("instance 1: ReleaseLease: %v", err)
	}
	if err := two.AcquireLease(ctx, "instance-2", 10*time.Minute); err != nil {
		t.Fatalf("instance 2: AcquireLease after release: %v", err)
	}

	// Instance 2 dies holding it; instance 1 takes it over once it expires.
	clock.Advance(10 * time.Minute)
	if err := one.AcquireLease(ctx, "instance-1", 10*time.Minute); err != nil {
		t.Fatalf("instance 1: AcquireLease of an expired lease: %v", err)
	}
	if err := two.ReleaseLease(ctx, "instance-2"); err != nil {
		t.Fatalf("instance 2: late ReleaseLease: %v", err)
	}
	snap, err = one.client.Doc(leaseDoc).Get(ctx)
	if err != nil {
		t.Fatalf("read %s after a late release: %v", leaseDoc, err)
	}
	if got := snap.Data()["holder"]; got != "instance-1" {
		t.Errorf("holder after instance 2's late release = %v, want instance-1", got)
	}
}

package rostersync

import (
	"fmt"
	"math"
	"testing"
)

func TestTripsBrake(t *testing.T) {
	t.Parallel()
	deleting := func(n, stored int) Plan {
		p := Plan{Stored: stored}
		for i := range n {
			p.Deleted = append(p.Deleted, fmt.Sprint(i))
		}
		return p
	}
	tests := []struct {
		plan Plan
		max  float64
		want bool
	}{
		{deleting(50, 50), 20, true},
		{deleting(10, 50), 20, false}, // exactly 20%
		{deleting(11, 50), 20, true},
		{deleting(3, 5), 20, false}, // a handful is always allowed
		{deleting(4, 5), 100, false},
		{deleting(0, 50), 0, false},
		// A threshold that is not a number must not release the brake:
		// config refuses one, and the brake fails closed if it arrives.
		{deleting(50, 50), math.NaN(), true},
		{deleting(4, 50), math.NaN(), true},
	}
	for _, tt := range tests {
		if got := tt.plan.TripsBrake(tt.max); got != tt.want {
			t.Errorf("delete %d of %d at %v%%: TripsBrake = %v, want %v", len(tt.plan.Deleted), tt.plan.Stored, tt.max, got, tt.want)
		}
	}
}

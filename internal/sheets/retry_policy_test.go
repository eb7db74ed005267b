package sheets

import (
	"testing"
	"time"
)

// TestDefaultRetriesOutlastAQuotaMinute: Sheets counts its read quota per
// minute, so a read refused with 429 must be tried again after the minute
// has turned. The default schedule's shortest waits (each jittered down to
// half) add up to more than a minute.
func TestDefaultRetriesOutlastAQuotaMinute(t *testing.T) {
	t.Parallel()
	var shortest time.Duration
	for attempt := 1; attempt < DefaultMaxAttempts; attempt++ {
		least := backoff(DefaultBackoffBase, DefaultMaxBackoff, attempt)
		for range 200 {
			least = min(least, backoff(DefaultBackoffBase, DefaultMaxBackoff, attempt))
		}
		// The bound itself, so that luck in the sampling cannot pass it.
		full := min(DefaultBackoffBase<<(attempt-1), DefaultMaxBackoff)
		if least < full/2 {
			t.Fatalf("backoff(attempt %d) = %v, below half of %v", attempt, least, full)
		}
		shortest += full / 2
	}
	if shortest <= time.Minute {
		t.Errorf("the default retries wait at least %v in all, want more than a minute", shortest)
	}
}

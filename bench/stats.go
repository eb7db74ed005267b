package main

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// latencies summarises request latencies. Every sample is kept and sorted
// (a few hundred thousand durations fit in memory), so the percentiles are
// exact rather than estimated from buckets.
type latencies struct {
	Count          int
	P50, P99, P999 time.Duration
	Max            time.Duration
}

// summarize sorts samples in place and returns their percentiles.
func summarize(samples []time.Duration) latencies {
	if len(samples) == 0 {
		return latencies{}
	}
	slices.Sort(samples)
	return latencies{
		Count: len(samples),
		P50:   percentile(samples, 50),
		P99:   percentile(samples, 99),
		P999:  percentile(samples, 99.9),
		Max:   samples[len(samples)-1],
	}
}

// percentile returns the nearest-rank p-th percentile of sorted samples:
// the smallest sample such that at least p percent of the samples are at or
// below it. sorted must be sorted and non-empty; p is in (0, 100].
func percentile(sorted []time.Duration, p float64) time.Duration {
	// The epsilon keeps a rank that is whole on paper whole in floating
	// point: 99.9% of 1000 is 999, not 999.0000000000001 → 1000.
	rank := int(math.Ceil(p*float64(len(sorted))/100 - 1e-9))
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}

// median returns the median of ds (the lower middle one for an even count),
// leaving ds unchanged.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// ms formats a duration in milliseconds with a precision that suits it.
func ms(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	switch {
	case f < 10:
		return fmt.Sprintf("%.2f ms", f)
	case f < 100:
		return fmt.Sprintf("%.1f ms", f)
	default:
		return fmt.Sprintf("%.0f ms", f)
	}
}

// ratio formats a/b as "1.23×", or "n/a" when b is zero.
func ratio(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// mib formats a size in KiB as MiB.
func mib(kib int64) string {
	if kib <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(kib)/1024)
}

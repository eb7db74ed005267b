package main

import (
	"fmt"
	"strings"
	"time"
)

// The targets (issue 11 for the load, issue 6 for the rest): what a user
// feels with Kakao 30 ms away, the capacity floor with Kakao on loopback,
// start-up, memory and the unchanged sync.
const (
	targetFeltP50Slack   = time.Millisecond
	targetFeltP99Slack   = 2 * time.Millisecond
	targetFeltThroughput = 0.95 // "the same": a closed loop's rate follows its latency
	targetCapacityShare  = 0.50
	targetReadyBolt      = 300 * time.Millisecond
	targetReadyFirestore = time.Second
	targetRSSBytes       = 128 << 20 // 128 MiB (issue 18: a Cloud Run instance has 512 MiB)
	targetRSSSize        = 100_000
	targetDayRSSBytes    = 96_000_000 // 96 MB at 10,000 employees after a launch day (issue 18)
	targetUnchangedSync  = 2 * time.Second
)

// targetPair returns, among figs, the baseline's and rollcall-on-bolt's
// figures at n employees, the pair the targets compare; nil when missing.
func targetPair(figs []loadFigures, n int) (base, rc *loadFigures) {
	for i := range figs {
		f := &figs[i]
		switch {
		case f.Employees != n:
		case f.Baseline:
			base = f
		case f.Server == "rollcall (bolt)":
			rc = f
		}
	}
	return base, rc
}

// verdict returns a function that appends to lines a target's line: PASS
// or MISS, then what was measured.
func verdict(lines *[]string) func(ok bool, format string, args ...any) {
	return func(ok bool, format string, args ...any) {
		v := "MISS"
		if ok {
			v = "PASS"
		}
		*lines = append(*lines, v+"  "+fmt.Sprintf(format, args...))
	}
}

// targetLines checks the targets against the figures, one
// PASS/MISS line each (or why it could not be checked).
func targetLines(o options, r results) []string {
	var lines []string
	add := verdict(&lines)
	n := o.TargetSize
	if base, rc := targetPair(r.Felt, n); base == nil || rc == nil {
		lines = append(lines, fmt.Sprintf("not measured: felt latency at %s employees (not among -sizes)", thousands(n)))
	} else {
		add(rc.Latency.P50 <= base.Latency.P50+targetFeltP50Slack,
			"Kakao %s away, p50 ≤ baseline p50 + 1 ms: %s vs %s", o.KakaoDelay, ms(rc.Latency.P50), ms(base.Latency.P50))
		add(rc.Latency.P99 <= base.Latency.P99+targetFeltP99Slack,
			"Kakao %s away, p99 ≤ baseline p99 + 2 ms: %s vs %s", o.KakaoDelay, ms(rc.Latency.P99), ms(base.Latency.P99))
		share := rc.throughput() / base.throughput()
		add(share >= targetFeltThroughput && rc.Result.errorCount() == 0,
			"Kakao %s away, the baseline's throughput (≥ 95%%), no errors: %.0f%% (%s vs %s req/s), %d errors",
			o.KakaoDelay, 100*share, thousands(int(rc.throughput()+0.5)), thousands(int(base.throughput()+0.5)), rc.Result.errorCount())
	}
	if base, rc := targetPair(r.Loads, n); base == nil || rc == nil {
		lines = append(lines, fmt.Sprintf("not measured: capacity at %s employees (not among -sizes)", thousands(n)))
	} else {
		share := rc.throughput() / base.throughput()
		add(share >= targetCapacityShare && rc.Result.errorCount() == 0,
			"capacity, Kakao on loopback: ≥ 50%% of the baseline's throughput, no errors: %.0f%% (%s vs %s req/s; rounds %s), %d errors",
			100*share, thousands(int(rc.throughput()+0.5)), thousands(int(base.throughput()+0.5)), roundSpread(*rc, *base), rc.Result.errorCount())
		lines = append(lines, fmt.Sprintf("info  CPU per verification: %s of the baseline's (%s vs %s)",
			ratio(float64(cpuPerRequest(*rc)), float64(cpuPerRequest(*base))), micros(cpuPerRequest(*rc)), micros(cpuPerRequest(*base))))
	}
	for _, want := range []struct {
		store string
		limit time.Duration
	}{{"bolt", targetReadyBolt}, {"firestore", targetReadyFirestore}} {
		found := false
		for _, s := range r.Startups {
			if s.Store == want.store && s.Employees == n {
				found = true
				add(median(s.Times) <= want.limit, "start → /ready ≤ %s (%s): median %s of %d starts",
					ms(want.limit), want.store, ms(median(s.Times)), len(s.Times))
			}
		}
		if !found && want.store == "firestore" && o.EmulatorHost == "" {
			lines = append(lines, fmt.Sprintf("skipped: no emulator — start → /ready ≤ %s (firestore)", ms(want.limit)))
		} else if !found {
			lines = append(lines, fmt.Sprintf("not measured: start → /ready (%s) at %s employees", want.store, thousands(n)))
		}
	}
	rssFound := false
	for _, f := range r.Paced {
		if store, ok := strings.CutPrefix(f.Server, "rollcall ("); ok && f.Employees == targetRSSSize {
			rssFound = true
			add(f.PeakRSS*1024 <= targetRSSBytes, "peak RSS ≤ 128 MiB at %s employees (%s, paced load): %s (%.1f MB)",
				thousands(targetRSSSize), strings.TrimSuffix(store, ")"), mib(f.PeakRSS), float64(f.PeakRSS)*1024/1e6)
		}
	}
	if !rssFound {
		lines = append(lines, fmt.Sprintf("not measured: peak RSS at %s employees (not among -sizes)", thousands(targetRSSSize)))
	}
	syncFound := false
	for _, s := range r.Syncs {
		if s.Employees == n {
			syncFound = true
			u := s.Unchanged.Report
			add(s.Unchanged.Wall <= targetUnchangedSync && u.Added+u.Updated+u.Deleted == 0,
				"unchanged sync ≤ 2 s, writing no employee (%s): %s wall, %d added/updated/deleted",
				s.Store, seconds(s.Unchanged.Wall), u.Added+u.Updated+u.Deleted)
		}
	}
	if !syncFound {
		lines = append(lines, fmt.Sprintf("not measured: unchanged sync at %s employees", thousands(n)))
	}
	if o.EmulatorHost == "" {
		lines = append(lines, "skipped: no emulator — unchanged sync on Firestore")
	}
	return lines
}

// roundSpread is the lowest and highest of rollcall's throughput as a share
// of the baseline's, round by round: "62–71%".
func roundSpread(rc, base loadFigures) string {
	k := min(len(rc.RoundRates), len(base.RoundRates))
	if k == 0 {
		return "n/a"
	}
	lo, hi := 1e18, 0.0
	for i := range k {
		if base.RoundRates[i] > 0 {
			share := rc.RoundRates[i] / base.RoundRates[i]
			lo, hi = min(lo, share), max(hi, share)
		}
	}
	if hi == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f–%.0f%%", 100*lo, 100*hi)
}

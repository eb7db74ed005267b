package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// The targets.
const (
	targetThroughputShare = 0.80
	targetP99Slack        = time.Millisecond
	targetReadyBolt       = 300 * time.Millisecond
	targetReadyFirestore  = time.Second
	targetRSSBytes        = 64_000_000 // 64 MB
	targetRSSSize         = 100_000
	targetUnchangedSync   = 2 * time.Second
)

// writeReport prints the run's tables and the target checks.
func writeReport(w io.Writer, o options, m machine, r results) {
	fmt.Fprintf(w, "rollcall benchmark — %s, commit %s\n", m.Date, m.Commit)
	fmt.Fprintf(w, "machine: %d CPUs (%s), %s RAM, %s, %s; load average at start %s\n",
		m.CPUs, m.CPUModel, m.MemTotal, m.Kernel, m.Go, m.LoadAvg)
	emulator := "no Firestore emulator (FIRESTORE_EMULATOR_HOST unset)"
	if o.EmulatorHost != "" {
		emulator = "Firestore emulator at " + o.EmulatorHost
	}
	fmt.Fprintf(w, "stores: bolt (embedded file); %s\n\n", emulator)

	fmt.Fprintln(w, "Sync: `rollcall sync --json` of the generated sheet; wall time of the process (the report's duration_ms);")
	fmt.Fprintln(w, "peak RSS: the process's VmHWM, sampled every 2 ms while it runs")
	tw := newTable(w)
	fmt.Fprintln(tw, "store\temployees\tfirst sync\tunchanged sync\tunchanged sync wrote\tpeak RSS (first)\tpeak RSS (unchanged)\t")
	for _, s := range r.Syncs {
		u := s.Unchanged.Report
		fmt.Fprintf(tw, "%s\t%s\t%s (%d ms)\t%s (%d ms)\t%d added, %d updated, %d deleted\t%s\t%s\t\n",
			s.Store, thousands(s.Employees), seconds(s.First.Wall), s.First.Report.DurationMS,
			seconds(s.Unchanged.Wall), u.DurationMS, u.Added, u.Updated, u.Deleted, mib(s.First.PeakRSS), mib(s.Unchanged.PeakRSS))
	}
	tw.Flush()

	fmt.Fprintf(w, "\nStart → /ready: `rollcall serve` on the synced store, from exec to the first 200 of GET /ready (%d starts)\n", o.Startups)
	tw = newTable(w)
	fmt.Fprintln(tw, "store\temployees\tmedian\tmin\tmax\t")
	for _, s := range r.Startups {
		lo, hi := minMax(s.Times)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", s.Store, thousands(s.Employees), ms(median(s.Times)), ms(lo), ms(hi))
	}
	tw.Flush()

	fmt.Fprintf(w, "\nSkill latency: POST /kakao/validate, %d concurrent clients (closed loop), %d Kakao users (%d%% not employees),\n",
		o.Concurrency, o.Users, o.StrangerPct)
	fmt.Fprintf(w, "Kakao fake round-trip delay %s; %s warm-up, then %d round(s) × %s per server, servers taking turns; rollcall's log level %s;\n",
		o.KakaoDelay, o.Warmup, o.Rounds, o.Duration, o.LogLevel)
	fmt.Fprintf(w, "from %d loopback addresses, one keep-alive connection each (rollcall allows a client IP 50 req/s)\n", o.Sources)
	tw = newTable(w)
	fmt.Fprintf(tw, "employees\tserver\treq/s\tp50\tp99\tp99.9\tmax\terrors\tCPU/req\tallocs/req\tpeak RSS (%d conns)\t\n", o.Sources)
	var base *loadFigures
	for i := range r.Loads {
		f := &r.Loads[i]
		if f.Baseline {
			base = f
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t\n",
			thousands(f.Employees), f.Server, thousands(int(f.throughput()+0.5)),
			ms(f.Latency.P50), ms(f.Latency.P99), ms(f.Latency.P999), ms(f.Latency.Max),
			f.Result.errorCount(), micros(cpuPerRequest(*f)), perRequest(f.Allocs, f.Result.Requests), mib(f.PeakRSS))
		if !f.Baseline && base != nil && base.Employees == f.Employees {
			fmt.Fprintf(tw, "\t  ÷ baseline\t%s\t%s\t%s\t%s\t\t\t%s\t%s\t%s\t\n",
				ratio(f.throughput(), base.throughput()),
				ratio(float64(f.Latency.P50), float64(base.Latency.P50)),
				ratio(float64(f.Latency.P99), float64(base.Latency.P99)),
				ratio(float64(f.Latency.P999), float64(base.Latency.P999)),
				ratio(float64(cpuPerRequest(*f)), float64(cpuPerRequest(*base))),
				allocRatio(*f, *base), ratio(float64(f.PeakRSS), float64(base.PeakRSS)))
		}
	}
	tw.Flush()
	for _, f := range r.Loads {
		if f.Result.errorCount() > 0 {
			fmt.Fprintf(w, "errors of %s at %s employees: %s\n", f.Server, thousands(f.Employees), f.Result.errorSummary())
		}
	}
	fmt.Fprintln(w, "latency: client-side, per request, every sample kept and sorted (nearest rank); CPU/req: the server process's user+system")
	fmt.Fprintln(w, "CPU time (/proc/PID/stat) over the measured rounds ÷ requests; peak RSS: the process's VmHWM after the load.")
	if r.AllocsNote != "" {
		fmt.Fprintln(w, "allocs/req:", r.AllocsNote)
	} else {
		fmt.Fprintln(w, "allocs/req: the difference of go_memstats_mallocs_total on the server's /metrics across the measured rounds ÷ requests.")
	}

	fmt.Fprintf(w, "\nMemory, and latency without queueing: each server freshly started, then %.0f req/s (%s warm-up, %s measured) from %d clients\n",
		o.PacedRate, o.Warmup, o.PacedDuration, o.Concurrency)
	fmt.Fprintln(w, "(one connection and one loopback address each: within rollcall's per-client limit, like Open Builder's few servers)")
	tw = newTable(w)
	fmt.Fprintln(tw, "employees\tserver\treq/s\tp50\tp99\tp99.9\tmax\terrors\tpeak RSS at /ready\tpeak RSS\tRSS after (anon + file)\t")
	for _, f := range r.Paced {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t\n",
			thousands(f.Employees), f.Server, thousands(int(f.throughput()+0.5)),
			ms(f.Latency.P50), ms(f.Latency.P99), ms(f.Latency.P999), ms(f.Latency.Max),
			f.Result.errorCount(), mib(f.ReadyRSS), mib(f.PeakRSS),
			fmt.Sprintf("%s (%.0f + %.0f)", mib(f.RSS), float64(f.RSSAnon)/1024, float64(f.RSSFile)/1024))
	}
	tw.Flush()
	fmt.Fprintln(w, "peak RSS at /ready: VmHWM at the first 200 of /ready (start-up alone); peak RSS: VmHWM after the load; RSS after: VmRSS then,")
	fmt.Fprintln(w, "split into anonymous memory (heap, stacks) and file-backed pages (the binary; bolt's memory-mapped file), in MiB.")
	for _, f := range r.Paced {
		if f.Result.errorCount() > 0 {
			fmt.Fprintf(w, "errors of %s at %s employees: %s\n", f.Server, thousands(f.Employees), f.Result.errorSummary())
		}
	}

	fmt.Fprintf(w, "\nTargets (issue 6, at %s employees unless stated; the issue states them for 2 cores, this machine has %d)\n", thousands(o.TargetSize), m.CPUs)
	for _, line := range targetLines(o, r) {
		fmt.Fprintln(w, line)
	}
}

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

// targetLines checks the targets against the figures, one
// PASS/MISS line each (or why it could not be checked).
func targetLines(o options, r results) []string {
	var lines []string
	add := func(ok bool, format string, args ...any) {
		verdict := "MISS"
		if ok {
			verdict = "PASS"
		}
		lines = append(lines, verdict+"  "+fmt.Sprintf(format, args...))
	}
	n := o.TargetSize
	base, rc := targetPair(r.Loads, n)
	if base == nil || rc == nil {
		lines = append(lines, fmt.Sprintf("not measured: throughput and p99 at %s employees (not among -sizes)", thousands(n)))
	} else {
		share := rc.throughput() / base.throughput()
		add(share >= targetThroughputShare && rc.Result.errorCount() == 0,
			"throughput ≥ 80%% of the baseline's, no errors: %.0f%% (%s vs %s req/s), %d errors",
			100*share, thousands(int(rc.throughput()+0.5)), thousands(int(base.throughput()+0.5)), rc.Result.errorCount())
		add(rc.Latency.P99 <= base.Latency.P99+targetP99Slack,
			"p99 ≤ baseline p99 + 1 ms: %s vs %s + 1 ms", ms(rc.Latency.P99), ms(base.Latency.P99))
	}
	pacedBase, pacedRC := targetPair(r.Paced, n)
	if pacedBase != nil && pacedRC != nil {
		within := "beyond"
		if pacedRC.Latency.P99 <= pacedBase.Latency.P99+targetP99Slack {
			within = "within"
		}
		lines = append(lines, fmt.Sprintf("info  the same p99 under the paced load (no queueing): %s vs %s + 1 ms (%s)",
			ms(pacedRC.Latency.P99), ms(pacedBase.Latency.P99), within))
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
			add(f.PeakRSS*1024 <= targetRSSBytes, "peak RSS ≤ 64 MB at %s employees (%s, paced load): %s (%.1f MB)",
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

func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
}

// cpuPerRequest is the server's CPU time per request.
func cpuPerRequest(f loadFigures) time.Duration {
	if f.Result.Requests == 0 {
		return 0
	}
	return f.CPU / time.Duration(f.Result.Requests)
}

func perRequest(total float64, requests int64) string {
	if total < 0 || requests == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f", total/float64(requests))
}

func allocRatio(f, base loadFigures) string {
	if f.Allocs < 0 || base.Allocs < 0 || f.Result.Requests == 0 || base.Result.Requests == 0 {
		return "n/a"
	}
	return ratio(f.Allocs/float64(f.Result.Requests), base.Allocs/float64(base.Result.Requests))
}

func minMax(ds []time.Duration) (time.Duration, time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	lo, hi := ds[0], ds[0]
	for _, d := range ds[1:] {
		lo, hi = min(lo, d), max(hi, d)
	}
	return lo, hi
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func micros(d time.Duration) string {
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

// thousands writes n with comma separators: 10000 → "10,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

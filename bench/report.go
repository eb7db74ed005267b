package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// writeReport prints the run's tables and the target checks.
func writeReport(w io.Writer, o options, m machine, r results) {
	fmt.Fprintf(w, "rollcall benchmark — %s, commit %s\n", m.Date, m.Commit)
	if o.Binary != "" {
		fmt.Fprintf(w, "rollcall measured: the binary %s (not built from this commit)\n", o.Binary)
	}
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

	fmt.Fprintf(w, "\nPOST /kakao/validate from %d concurrent clients (closed loop) on one address with the skill secret, each call for another of\n", o.Concurrency)
	fmt.Fprintf(w, "%d Kakao users (%d%% not employees); %s warm-up, then %d round(s) × %s per server, servers taking turns; rollcall's log level %s\n",
		o.Users, o.StrangerPct, o.Warmup, o.Rounds, o.Duration, o.LogLevel)
	fmt.Fprintf(w, "\nWhat a user feels: Kakao %s away\n", o.KakaoDelay)
	loadTable(w, r.Felt, false)
	fmt.Fprintln(w, "\nCapacity: Kakao on loopback, at saturation")
	loadTable(w, r.Loads, true)
	fmt.Fprintln(w, "latency: client-side, per request, every sample kept and sorted (nearest rank); CPU/req: the server process's user+system")
	fmt.Fprintln(w, "CPU time (/proc/PID/stat) over the measured rounds ÷ requests; peak RSS: the process's VmHWM after the load.")
	if r.AllocsNote != "" {
		fmt.Fprintln(w, "allocs/req:", r.AllocsNote)
	} else {
		fmt.Fprintln(w, "allocs/req: the difference of go_memstats_mallocs_total on the server's /metrics across the measured rounds ÷ requests.")
	}

	gateReport(w, o, r)

	fmt.Fprintf(w, "\nMemory: each server freshly started, then %.0f req/s (%s warm-up, %s measured) from %d clients, Kakao on loopback\n",
		o.PacedRate, o.Warmup, o.PacedDuration, o.Concurrency)
	memoryTable(w, r.Paced)

	fmt.Fprintf(w, "\nTargets (issues 6 and 11, at %s employees unless stated; stated for 2 cores, this machine has %d)\n", thousands(o.TargetSize), m.CPUs)
	for _, line := range append(targetLines(o, r), gateTargetLines(o, r)...) {
		fmt.Fprintln(w, line)
	}
	rushReport(w, o, r)
	fmt.Fprintf(w, "\nTargets of the launch day (issue 20, on bolt at %s employees)\n", thousands(o.TargetSize))
	for _, line := range rushTargetLines(o, r) {
		fmt.Fprintln(w, line)
	}
}

// memoryTable prints the memory of servers each freshly started for a load.
func memoryTable(w io.Writer, figs []loadFigures) {
	tw := newTable(w)
	fmt.Fprintln(tw, "employees\tserver\treq/s\tp50\tp99\tp99.9\tmax\terrors\tpeak RSS at /ready\tpeak RSS\tRSS after (anon + file)\t")
	for _, f := range figs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t\n",
			thousands(f.Employees), f.Server, thousands(int(f.throughput()+0.5)),
			ms(f.Latency.P50), ms(f.Latency.P99), ms(f.Latency.P999), ms(f.Latency.Max),
			f.Result.errorCount(), mib(f.ReadyRSS), mib(f.PeakRSS),
			fmt.Sprintf("%s (%.0f + %.0f)", mib(f.RSS), float64(f.RSSAnon)/1024, float64(f.RSSFile)/1024))
	}
	tw.Flush()
	fmt.Fprintln(w, "peak RSS at /ready: VmHWM at the first 200 of /ready (start-up alone); peak RSS: VmHWM after the load; RSS after: VmRSS then,")
	fmt.Fprintln(w, "split into anonymous memory (heap, stacks) and file-backed pages (the binary; bolt's memory-mapped file), in MiB.")
	for _, f := range figs {
		if f.Result.errorCount() > 0 {
			fmt.Fprintf(w, "errors of %s at %s employees: %s\n", f.Server, thousands(f.Employees), f.Result.errorSummary())
		}
	}
}

// loadTable prints one phase's figures, each server of a size followed by
// how rollcall compares with the baseline.
func loadTable(w io.Writer, figs []loadFigures, cost bool) {
	tw := newTable(w)
	fmt.Fprint(tw, "employees\tserver\treq/s\tp50\tp99\tp99.9\tmax\terrors\t")
	if cost {
		fmt.Fprint(tw, "CPU/req\tallocs/req\tpeak RSS\t")
	}
	fmt.Fprintln(tw)
	var base *loadFigures
	for i := range figs {
		f := &figs[i]
		if f.Baseline {
			base = f
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t",
			thousands(f.Employees), f.Server, thousands(int(f.throughput()+0.5)),
			ms(f.Latency.P50), ms(f.Latency.P99), ms(f.Latency.P999), ms(f.Latency.Max), f.Result.errorCount())
		if cost {
			fmt.Fprintf(tw, "%s\t%s\t%s\t", micros(cpuPerRequest(*f)), perRequest(f.Allocs, f.Result.Requests), mib(f.PeakRSS))
		}
		fmt.Fprintln(tw)
		if f.Baseline || base == nil || base.Employees != f.Employees {
			continue
		}
		fmt.Fprintf(tw, "\t  vs baseline\t%s\t%s\t%s\t%s\t\t\t",
			ratio(f.throughput(), base.throughput()), plusMS(f.Latency.P50-base.Latency.P50),
			plusMS(f.Latency.P99-base.Latency.P99), plusMS(f.Latency.P999-base.Latency.P999))
		if cost {
			fmt.Fprintf(tw, "%s\t%s\t%s\t", ratio(float64(cpuPerRequest(*f)), float64(cpuPerRequest(*base))),
				allocRatio(*f, *base), ratio(float64(f.PeakRSS), float64(base.PeakRSS)))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, f := range figs {
		if f.Result.errorCount() > 0 {
			fmt.Fprintf(w, "errors of %s at %s employees: %s\n", f.Server, thousands(f.Employees), f.Result.errorSummary())
		}
	}
}

// plusMS writes a latency difference in milliseconds, signed.
func plusMS(d time.Duration) string {
	return fmt.Sprintf("%+.2f ms", float64(d)/float64(time.Millisecond))
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

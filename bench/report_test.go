package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// figures builds load figures of requests answered in elapsed, all with
// latency lat.
func figures(server string, baseline bool, employees int, requests int64, elapsed, lat time.Duration, rss int64) loadFigures {
	samples := make([]time.Duration, requests)
	for i := range samples {
		samples[i] = lat
	}
	return loadFigures{
		Server: server, Baseline: baseline, Employees: employees,
		Result:  loadResult{Requests: requests, Elapsed: elapsed, Samples: samples},
		Latency: summarize(samples), PeakRSS: rss, Allocs: -1,
	}
}

func TestTargetLines(t *testing.T) {
	t.Parallel()
	o := options{TargetSize: 10_000, KakaoDelay: 30 * time.Millisecond}
	good := results{
		Syncs: []syncFigures{{Store: "bolt", Employees: 10_000,
			Unchanged: syncRun{Wall: 400 * time.Millisecond, Report: syncReport{Unchanged: 10_000}}}},
		Startups: []startupFigures{{Store: "bolt", Employees: 10_000, Times: []time.Duration{90 * time.Millisecond, 80 * time.Millisecond, 500 * time.Millisecond}}},
		Felt: []loadFigures{
			figures("baseline", true, 10_000, 1000, time.Second, 31*time.Millisecond, 30_000),
			figures("rollcall (bolt)", false, 10_000, 970, time.Second, 31900*time.Microsecond, 50_000),
		},
		Loads: []loadFigures{
			figures("baseline", true, 10_000, 1000, time.Second, 2*time.Millisecond, 30_000),
			figures("rollcall (bolt)", false, 10_000, 600, time.Second, 2900*time.Microsecond, 50_000),
		},
		Paced: []loadFigures{
			figures("baseline", true, 100_000, 100, time.Second, time.Millisecond, 80_000),
			figures("rollcall (bolt)", false, 100_000, 100, time.Second, time.Millisecond, 60_000),
			figures("rollcall (firestore)", false, 100_000, 100, time.Second, time.Millisecond, 62_000),
		},
	}
	want := []string{
		"PASS  Kakao 30ms away, p50 ≤ baseline p50 + 1 ms: 31.9 ms vs 31.0 ms",
		"PASS  Kakao 30ms away, p99 ≤ baseline p99 + 2 ms: 31.9 ms vs 31.0 ms",
		"PASS  Kakao 30ms away, the baseline's throughput (≥ 95%), no errors: 97% (970 vs 1,000 req/s), 0 errors",
		"PASS  capacity, Kakao on loopback: ≥ 50% of the baseline's throughput, no errors: 60% (600 vs 1,000 req/s; rounds n/a), 0 errors",
		"info  CPU per verification: n/a of the baseline's (0 µs vs 0 µs)",
		"PASS  start → /ready ≤ 300 ms (bolt): median 90.0 ms of 3 starts",
		"skipped: no emulator — start → /ready ≤ 1000 ms (firestore)",
		"PASS  peak RSS ≤ 128 MiB at 100,000 employees (bolt, paced load): 58.6 MiB (61.4 MB)",
		"PASS  peak RSS ≤ 128 MiB at 100,000 employees (firestore, paced load): 60.5 MiB (63.5 MB)",
		"PASS  unchanged sync ≤ 2 s, writing no employee (bolt): 0.40 s wall, 0 added/updated/deleted",
		"skipped: no emulator — unchanged sync on Firestore",
	}
	if diff := cmp.Diff(want, targetLines(o, good)); diff != "" {
		t.Errorf("targets met (-want +got):\n%s", diff)
	}

	bad := good
	bad.Felt = []loadFigures{
		figures("baseline", true, 10_000, 1000, time.Second, 31*time.Millisecond, 30_000),
		figures("rollcall (bolt)", false, 10_000, 940, time.Second, 33100*time.Microsecond, 50_000),
	}
	bad.Loads = []loadFigures{
		figures("baseline", true, 10_000, 1000, time.Second, 2*time.Millisecond, 30_000),
		figures("rollcall (bolt)", false, 10_000, 490, time.Second, 3100*time.Microsecond, 50_000),
	}
	bad.Startups = []startupFigures{{Store: "bolt", Employees: 10_000, Times: []time.Duration{301 * time.Millisecond}}}
	bad.Paced = []loadFigures{figures("rollcall (bolt)", false, 100_000, 100, time.Second, time.Millisecond, 128*1024+1)} // 128 MiB and a KiB
	bad.Syncs = []syncFigures{{Store: "bolt", Employees: 10_000,
		Unchanged: syncRun{Wall: 100 * time.Millisecond, Report: syncReport{Updated: 1, Unchanged: 9_999}}}}
	var misses int
	for _, line := range targetLines(o, bad) {
		if strings.HasPrefix(line, "MISS") {
			misses++
		}
	}
	if misses != 7 {
		t.Errorf("targets missed: got %d MISS lines, want 7:\n%s", misses, strings.Join(targetLines(o, bad), "\n"))
	}

	errs := good
	errs.Loads = []loadFigures{good.Loads[0], good.Loads[1]}
	errs.Loads[1].Result.Errors = map[string]int64{"HTTP 429": 1}
	if got := targetLines(o, errs)[3]; !strings.HasPrefix(got, "MISS") {
		t.Errorf("throughput with errors: %q, want a MISS", got)
	}

	if got := targetLines(o, results{}); len(got) == 0 || !strings.HasPrefix(got[0], "not measured") {
		t.Errorf("nothing measured: %q, want lines saying so", got)
	}
}

func TestWriteReportShowsRatios(t *testing.T) {
	t.Parallel()
	base := figures("baseline", true, 10_000, 1000, time.Second, 2*time.Millisecond, 30_000)
	base.CPU, base.Allocs = 50*time.Millisecond, 100_000
	rc := figures("rollcall (bolt)", false, 10_000, 900, time.Second, 3*time.Millisecond, 45_000)
	rc.CPU, rc.Allocs = 90*time.Millisecond, 180_000
	var out bytes.Buffer
	writeReport(&out, options{TargetSize: 10_000, Concurrency: 32, Rounds: 1, Duration: time.Second},
		machine{CPUs: 2}, results{Loads: []loadFigures{base, rc}})
	// Throughput 0.90×, p50 1 ms more, CPU/req 100 µs ÷ 50 µs, allocs/req 200 ÷ 100.
	for _, want := range []string{"vs baseline", "0.90×", "+1.00 ms", "50 µs", "100 µs", "2.00×", "200"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestParseOptions(t *testing.T) {
	t.Parallel()
	noEnv := func(string) string { return "" }
	o, err := parseOptions([]string{"-quick"}, noEnv, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{10_000}, o.Sizes); diff != "" {
		t.Errorf("-quick sizes (-want +got):\n%s", diff)
	}
	if o.Rounds != 1 || o.Duration != 2*time.Second || o.RushRounds != 1 || o.RushDuration != 2*time.Second {
		t.Errorf("-quick: %d rounds of %v, the rush %d of %v; want 1 of 2s for both", o.Rounds, o.Duration, o.RushRounds, o.RushDuration)
	}
	o, err = parseOptions([]string{"-quick", "-rounds", "4", "-sizes", "5,6"}, func(k string) string {
		if k == "FIRESTORE_EMULATOR_HOST" {
			return "127.0.0.1:9"
		}
		return ""
	}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if o.Rounds != 4 || !cmp.Equal(o.Sizes, []int{5, 6}) || o.EmulatorHost != "127.0.0.1:9" {
		t.Errorf("explicit flags with -quick: rounds %d, sizes %v, emulator %q; want 4, [5 6], 127.0.0.1:9", o.Rounds, o.Sizes, o.EmulatorHost)
	}
	o, err = parseOptions(nil, noEnv, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if o.Rounds != 3 || o.Duration != 5*time.Second || o.RushRounds != 5 || o.RushDuration != 10*time.Second {
		t.Errorf("defaults: %d rounds of %v, the rush %d of %v; want 3 of 5s, the rush 5 of 10s", o.Rounds, o.Duration, o.RushRounds, o.RushDuration)
	}
	for _, args := range [][]string{{"-sizes", "10,x"}, {"-concurrency", "0"}, {"-rush-rounds", "0"}, {"-rush-duration", "0s"}, {"-strangers", "101"}, {"extra"}} {
		if _, err := parseOptions(args, noEnv, &bytes.Buffer{}); err == nil {
			t.Errorf("parseOptions(%q) succeeded, want an error", args)
		}
	}
}

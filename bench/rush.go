package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
)

// The launch day (issue 20): the bot is announced and every call is a
// person verifying for the first time, so every SUCCESS is a new binding,
// written durably before the answer. The repeat phases cycle through
// -users users and, after the first pass, rollcall answers most calls from
// bindings it already holds; the rush never repeats a user on any server,
// in any round. The baseline does not bind: the bind is what rollcall's
// targets must absorb.

// userPlaceholder stands for the user key in a rush call's body; each
// request replaces it with a user never seen before.
var userPlaceholder = bytes.Repeat([]byte("u"), 64)

// userMint makes Kakao user keys that no earlier request of this bench run
// carried: a random prefix per run and a counter.
type userMint struct {
	prefix uint64
	next   atomic.Uint64
}

func newUserMint() *userMint {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	return &userMint{prefix: binary.LittleEndian.Uint64(b[:])}
}

// newUser returns body with its placeholder user key replaced by a new one.
func (m *userMint) newUser(body []byte) []byte {
	key := fmt.Appendf(nil, "%016x%048x", m.prefix, m.next.Add(1))
	return bytes.ReplaceAll(body, userPlaceholder, key)
}

// rushCalls returns calls with each one's user key (user.id and its
// botUserKey twin) replaced by the placeholder.
func rushCalls(calls []call) ([]call, error) {
	out := make([]call, len(calls))
	for i, c := range calls {
		var v struct {
			User struct {
				ID string `json:"id"`
			} `json:"user"`
		}
		if err := json.Unmarshal(c.body, &v); err != nil || len(v.User.ID) != len(userPlaceholder) {
			return nil, fmt.Errorf("a validation call without a 64-character user id (%v)", err)
		}
		out[i] = call{body: bytes.ReplaceAll(c.body, []byte(v.User.ID), userPlaceholder), want: c.want}
	}
	return out, nil
}

// rush measures the launch day on servers at n employees: with Kakao
// -kakao-delay away from -rush-concurrency clients (what a user feels, the
// targets), then at saturation with Kakao on loopback (capacity); then the
// memory of a whole launch day on daySetups, each freshly started on a store
// without bindings: every employee of r verifying once as a new user, with
// -strangers percent strangers, Kakao on loopback. The capacity phase binds
// some ten times as many users as a company of n has.
func (b *bench) rush(ctx context.Context, n int, servers, daySetups []serverSetup, calls []call, r team, fake *kakaotest.Server, res *results) error {
	rcalls, err := rushCalls(calls)
	if err != nil {
		return err
	}
	mint := newUserMint()
	fake.SetDelay(b.opts.KakaoDelay)
	felt, _, err := b.load(ctx, fmt.Sprintf("launch-day rush (every call a new user, Kakao %s away)", b.opts.KakaoDelay),
		n, servers, rcalls, loadShape{Concurrency: b.opts.RushConcurrency, Rounds: b.opts.RushRounds, Duration: b.opts.RushDuration, Fresh: mint})
	fake.SetDelay(0)
	if err != nil {
		return err
	}
	res.RushFelt = append(res.RushFelt, felt...)
	loads, _, err := b.load(ctx, "launch-day capacity (every call a new user, Kakao on loopback)",
		n, servers, rcalls, loadShape{Fresh: mint})
	if err != nil {
		return err
	}
	res.RushLoads = append(res.RushLoads, loads...)
	dayCalls, err := launchDayCalls(b.template, fake, r, b.opts.StrangerPct, b.opts.Seed)
	if err != nil {
		return err
	}
	whole := loadConfig{Concurrency: b.opts.Concurrency, Duration: time.Hour, MaxRequests: int64(len(dayCalls)), Fresh: mint}
	day, err := b.fresh(ctx, n, daySetups, dayCalls, "the whole launch day (every employee once)", loadConfig{}, whole)
	res.LaunchDay = append(res.LaunchDay, day...)
	return err
}

// paired compares rollcall's rounds with the baseline's of the same turn:
// the median of the per-round differences of p50 and p99, and of the
// throughput ratios, each with its lowest and highest.
type paired struct {
	P50, P99      spread[time.Duration]
	Throughput    spread[float64]
	Rounds        int
	Errors        int64
	CPUPerRequest time.Duration
}

// spread is a median with the lowest and highest value it is taken over.
type spread[T time.Duration | float64] struct{ Median, Lo, Hi T }

func spreadOf[T time.Duration | float64](vs []T) spread[T] {
	if len(vs) == 0 {
		return spread[T]{}
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	return spread[T]{Median: s[(len(s)-1)/2], Lo: s[0], Hi: s[len(s)-1]}
}

// pairRounds pairs rc's rounds with base's.
func pairRounds(rc, base loadFigures) paired {
	k := min(len(rc.Rounds), len(base.Rounds), len(rc.RoundRates), len(base.RoundRates))
	var p50, p99 []time.Duration
	var share []float64
	for i := range k {
		p50 = append(p50, rc.Rounds[i].P50-base.Rounds[i].P50)
		p99 = append(p99, rc.Rounds[i].P99-base.Rounds[i].P99)
		if base.RoundRates[i] > 0 {
			share = append(share, rc.RoundRates[i]/base.RoundRates[i])
		}
	}
	return paired{P50: spreadOf(p50), P99: spreadOf(p99), Throughput: spreadOf(share), Rounds: k,
		Errors: rc.Result.errorCount(), CPUPerRequest: cpuPerRequest(rc)}
}

// rushReport prints the launch day's tables.
func rushReport(w io.Writer, o options, r results) {
	if len(r.RushFelt) == 0 && len(r.RushLoads) == 0 {
		return
	}
	fmt.Fprintf(w, "\nLaunch day: every call a Kakao user never seen before (%d%% not employees), so every SUCCESS is a new binding;\n", o.StrangerPct)
	fmt.Fprintf(w, "%s warm-up per server, servers taking turns in each round\n", o.Warmup)
	fmt.Fprintf(w, "\nThe rush: Kakao %s away, %d concurrent clients, %d round(s) × %s per server\n", o.KakaoDelay, o.RushConcurrency, o.RushRounds, o.RushDuration)
	loadTable(w, r.RushFelt, true)
	pairedTable(w, r.RushFelt)
	fmt.Fprintf(w, "\nCapacity on the launch day: Kakao on loopback, %d concurrent clients, at saturation, %d round(s) × %s per server\n", o.Concurrency, o.Rounds, o.Duration)
	loadTable(w, r.RushLoads, true)
	pairedTable(w, r.RushLoads)
	fmt.Fprintln(w, "paired: each round of rollcall against the baseline's of the same turn; the median of the rounds, [lowest, highest].")
	if len(r.LaunchDay) > 0 {
		fmt.Fprintf(w, "\nA whole launch day: each server freshly started on a store without bindings; every employee verifies once as a new user\n")
		fmt.Fprintf(w, "(with %d%% strangers), Kakao on loopback, %d concurrent clients\n", o.StrangerPct, o.Concurrency)
		memoryTable(w, r.LaunchDay)
	}
	fmt.Fprintln(w, "store trips/req: rollcall's round trips to Firestore (gRPC streams through a counting proxy) over the measured rounds ÷ requests,")
	fmt.Fprintln(w, "the directory's version checks included; strangers (FAIL) bind nothing.")
}

// pairedTable prints the paired-round comparison of each rollcall server
// with the baseline of its size.
func pairedTable(w io.Writer, figs []loadFigures) {
	tw := newTable(w)
	fmt.Fprintln(tw, "employees\tserver\tpaired p50 vs baseline\tpaired p99 vs baseline\tpaired throughput\tstore trips/req\t")
	for _, f := range figs {
		base := baselineOf(figs, f.Employees)
		if f.Baseline || base == nil {
			continue
		}
		p := pairRounds(f, *base)
		trips := "n/a"
		if f.StoreTrips > 0 && f.Result.Requests > 0 {
			trips = fmt.Sprintf("%.2f", float64(f.StoreTrips)/float64(f.Result.Requests))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s [%s, %s]\t%s [%s, %s]\t%.2f× [%.2f, %.2f]\t%s\t\n", thousands(f.Employees), f.Server,
			plusMS(p.P50.Median), plusMS(p.P50.Lo), plusMS(p.P50.Hi), plusMS(p.P99.Median), plusMS(p.P99.Lo), plusMS(p.P99.Hi),
			p.Throughput.Median, p.Throughput.Lo, p.Throughput.Hi, trips)
	}
	tw.Flush()
}

// baselineOf returns the baseline's figures at n employees, or nil.
func baselineOf(figs []loadFigures, n int) *loadFigures {
	for i := range figs {
		if figs[i].Baseline && figs[i].Employees == n {
			return &figs[i]
		}
	}
	return nil
}

// rushTargetLines checks issue 20's targets on bolt at the target size.
func rushTargetLines(o options, r results) []string {
	if len(r.RushFelt) == 0 {
		return []string{"not measured: the launch-day rush"}
	}
	var lines []string
	add := verdict(&lines)
	n := o.TargetSize
	if base, rc := targetPair(r.RushFelt, n); base == nil || rc == nil {
		lines = append(lines, fmt.Sprintf("not measured: the launch-day rush on bolt at %s employees", thousands(n)))
	} else {
		p := pairRounds(*rc, *base)
		add(p.P50.Median <= targetFeltP50Slack, "launch day, Kakao %s away, %d clients: p50 ≤ baseline + 1 ms (median of %d paired rounds): %s [%s, %s]",
			o.KakaoDelay, o.RushConcurrency, p.Rounds, plusMS(p.P50.Median), plusMS(p.P50.Lo), plusMS(p.P50.Hi))
		add(p.P99.Median <= targetFeltP99Slack, "launch day: p99 ≤ baseline + 2 ms: %s [%s, %s]",
			plusMS(p.P99.Median), plusMS(p.P99.Lo), plusMS(p.P99.Hi))
		add(p.Throughput.Median >= targetFeltThroughput && p.Errors == 0,
			"launch day: ≥ 0.95× the baseline's throughput, every answer SUCCESS or FAIL as the roster says: %.2f× [%.2f, %.2f] (%s req/s), %d wrong answers",
			p.Throughput.Median, p.Throughput.Lo, p.Throughput.Hi, thousands(int(rc.throughput()+0.5)), p.Errors)
	}
	if base, rc := targetPair(r.RushLoads, n); base == nil || rc == nil {
		lines = append(lines, fmt.Sprintf("not measured: launch-day capacity on bolt at %s employees", thousands(n)))
	} else {
		p := pairRounds(*rc, *base)
		add(p.Throughput.Median >= targetCapacityShare && p.Errors == 0,
			"launch-day capacity, Kakao on loopback: ≥ 0.5× the baseline's throughput: %.2f× [%.2f, %.2f] (%s vs %s req/s), %d wrong answers",
			p.Throughput.Median, p.Throughput.Lo, p.Throughput.Hi, thousands(int(rc.throughput()+0.5)), thousands(int(base.throughput()+0.5)), p.Errors)
		lines = append(lines, fmt.Sprintf("info  launch-day CPU per verification: %s (baseline %s)", micros(cpuPerRequest(*rc)), micros(cpuPerRequest(*base))))
		lines = append(lines, fmt.Sprintf("info  peak RSS at saturation (bolt), after its warm-up and %s measured verifications of new users: %s", thousands(int(rc.Result.Requests)), mib(rc.PeakRSS)))
	}
	for _, f := range r.LaunchDay {
		if f.Employees == n && strings.Contains(f.Server, "bolt") {
			add(f.PeakRSS*1024 <= targetDayRSSBytes && f.Result.errorCount() == 0,
				"peak RSS ≤ 96 MB after a whole launch day (%s verifications, every employee once), 0 wrong answers: %s (%.1f MB), %d wrong answers",
				thousands(int(f.Result.Requests)), mib(f.PeakRSS), float64(f.PeakRSS)*1024/1e6, f.Result.errorCount())
		}
	}
	return lines
}

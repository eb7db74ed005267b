package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/openbuilder"
)

// validationTemplate is Open Builder's validation request, whose OTP URL and
// user the bench replaces.
const validationTemplate = "internal/kakao/testdata/kakao/validation-request.json"

// The REST API key the Kakao fake accepts in the bench, and the skill
// secret rollcall is given, as in production.
const (
	benchAPIKey      = "bench-rest-api-key"
	benchSkillSecret = "bench-skill-secret"
)

// skillSecretHeader carries the skill secret.
const skillSecretHeader = openbuilder.SecretHeader

// bench holds what every phase of a run shares.
type bench struct {
	opts     options
	root     string
	tmp      string
	rollcall string // the built binary
	template []byte
	machine  machine
	progress io.Writer
	// handlerAllocs caches BenchmarkValidate's allocs/op, the fallback
	// figure when rollcall does not expose its allocation count.
	handlerAllocs float64
}

// results is everything a run measured.
type results struct {
	Syncs    []syncFigures
	Startups []startupFigures
	// Loads are the servers at saturation with Kakao on loopback: capacity.
	Loads []loadFigures
	// Felt are the servers with Kakao -kakao-delay away: what a user feels.
	Felt []loadFigures
	// Paced are the same servers under a steady load, each freshly
	// started: memory.
	Paced []loadFigures
	// Gate is rollcall's POST /kakao/gate at saturation (gate.go).
	Gate []loadFigures
	// RushFelt and RushLoads are the launch day (rush.go): every call a
	// user never seen before, with Kakao -kakao-delay away from
	// -rush-concurrency clients, and at saturation.
	RushFelt, RushLoads []loadFigures
	// LaunchDay is each rollcall server freshly started on a store holding
	// no binding, after every employee verified once as a new user.
	LaunchDay []loadFigures
	// AllocsNote says how allocations per request were measured.
	AllocsNote string
}

// syncFigures are the sync runs of one store and size.
type syncFigures struct {
	Store     string
	Employees int
	First     syncRun
	Unchanged syncRun
}

// startupFigures are the start → /ready times of one store and size.
type startupFigures struct {
	Store     string
	Employees int
	Times     []time.Duration
}

// loadFigures is one server's load at one size, all rounds together.
type loadFigures struct {
	Server    string
	Baseline  bool
	Employees int
	Result    loadResult
	Latency   latencies
	// RoundRates is the throughput of each measured round, requests/s, and
	// Rounds its latencies: the targets compare rounds paired with the
	// baseline's of the same turn.
	RoundRates []float64
	Rounds     []latencies
	// StoreTrips counts the server's round trips to its store over the
	// measured rounds, when they were counted (Firestore through the proxy).
	StoreTrips int64
	// CPU is the server process's CPU time during the measured rounds.
	CPU time.Duration
	// Allocs is the number of heap allocations during the measured rounds,
	// or -1 when the server does not expose them.
	Allocs float64
	// PeakRSS is the process's VmHWM after the load, in KiB.
	PeakRSS int64
	// ReadyRSS is the process's VmHWM when it first answered /ready: what
	// start-up alone took, in KiB.
	ReadyRSS int64
	// RSS is the process's resident set size after the load (VmRSS), in
	// KiB, and its anonymous (heap, stacks) and file-backed (the binary,
	// bolt's memory-mapped file) parts.
	RSS, RSSAnon, RSSFile int64
	// Ready is the process's start → /ready time.
	Ready time.Duration
}

// throughput is requests per second over the measured rounds.
func (f loadFigures) throughput() float64 {
	if f.Result.Elapsed <= 0 {
		return 0
	}
	return float64(f.Result.Requests) / f.Result.Elapsed.Seconds()
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.progress, "bench: "+format+"\n", args...)
}

// measure runs every phase for every size.
func (b *bench) measure(ctx context.Context) (results, error) {
	var res results
	for _, n := range b.opts.Sizes {
		if err := b.measureSize(ctx, n, &res); err != nil {
			return res, fmt.Errorf("%d employees: %w", n, err)
		}
	}
	return res, nil
}

// measureSize generates a directory of n employees and measures sync,
// start-up and load on it.
func (b *bench) measureSize(ctx context.Context, n int, res *results) error {
	strangers := (b.opts.Users*b.opts.StrangerPct + 99) / 100
	r, err := generateRoster(n, strangers, b.opts.Seed)
	if err != nil {
		return err
	}
	dir := filepath.Join(b.tmp, strconv.Itoa(n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("make %s: %w", dir, err)
	}
	sheet := filepath.Join(dir, "employees.csv")
	if err := writeSheet(sheet, r.Employees); err != nil {
		return err
	}

	fake, err := kakaotest.Start(kakaotest.PlainHTTP(), kakaotest.WithAPIKey(benchAPIKey), kakaotest.Unrecorded())
	if err != nil {
		return fmt.Errorf("start the Kakao fake: %w", err)
	}
	defer fake.Close()
	calls, err := buildCalls(b.template, fake, r, b.opts.Users, b.opts.StrangerPct, b.opts.Seed)
	if err != nil {
		return err
	}

	stores := []storeSetup{{Name: "bolt", Env: rollcallEnv{
		Source: sheet, Store: "bolt:" + filepath.Join(dir, "rollcall.db"),
		KakaoKey: benchAPIKey, KakaoOrigin: fake.Origin(), SkillSecret: benchSkillSecret, LogLevel: b.opts.LogLevel,
	}}}
	if b.opts.EmulatorHost != "" && slices.Contains(b.opts.FirestoreSizes, n) {
		stores = append(stores, storeSetup{Name: "firestore", Env: rollcallEnv{
			Source: sheet, Store: fmt.Sprintf("firestore:rollcall-bench-%d", time.Now().UnixNano()),
			EmulatorHost: b.opts.EmulatorHost,
			KakaoKey:     benchAPIKey, KakaoOrigin: fake.Origin(), SkillSecret: benchSkillSecret, LogLevel: b.opts.LogLevel,
		}})
	}
	for _, st := range stores {
		b.logf("%d employees, %s: sync, unchanged sync, %d starts", n, st.Name, b.opts.Startups)
		sf, err := b.syncTwice(ctx, st, n)
		if err != nil {
			return err
		}
		res.Syncs = append(res.Syncs, sf)
		if st.Name == "bolt" && n == b.opts.TargetSize {
			// The whole launch day starts from the file as the syncs left it,
			// with no binding that the other phases made.
			if err := copyFile(filepath.Join(dir, "rollcall.db"), filepath.Join(dir, "launchday.db")); err != nil {
				return err
			}
		}
		if b.opts.RushOnly {
			continue
		}
		times, err := b.startups(ctx, st)
		if err != nil {
			return err
		}
		res.Startups = append(res.Startups, startupFigures{Store: st.Name, Employees: n, Times: times})
	}

	servers := []serverSetup{{Name: "baseline", Baseline: true, Path: b.opts.executablePath, Args: []string{baselineCommand},
		Env: []string{"ROLLCALL_SOURCE=" + sheet, "ROLLCALL_KAKAO_REST_API_KEY=" + benchAPIKey}}}
	var daySetups []serverSetup // rollcall's, for the whole launch day
	for _, st := range stores {
		if st.Name == "firestore" && !b.opts.FirestoreLoad {
			continue
		}
		st.Env.CPUProfile = b.opts.CPUProfile
		setup := serverSetup{Name: "rollcall (" + st.Name + ")", Path: b.rollcall, Args: []string{"serve"}, Env: st.Env.list()}
		if st.Name == "firestore" {
			// Served through a proxy that counts its round trips to the store.
			proxy, err := startStoreProxy(b.opts.EmulatorHost)
			if err != nil {
				return err
			}
			defer proxy.Close()
			env := st.Env
			env.EmulatorHost = proxy.Addr()
			setup.Env, setup.Trips = env.list(), proxy.Trips()
		}
		servers = append(servers, setup)
		day := setup
		if st.Name == "bolt" {
			env := st.Env
			env.Store = "bolt:" + filepath.Join(dir, "launchday.db")
			day.Env = env.list()
		}
		daySetups = append(daySetups, day)
	}
	if b.opts.RushOnly {
		return b.rush(ctx, n, servers, daySetups, calls, r, fake, res)
	}
	if b.opts.MemoryOnly {
		paced, err := b.paced(ctx, n, servers, calls)
		res.Paced = append(res.Paced, paced...)
		return err
	}
	loads, note, err := b.load(ctx, "capacity (Kakao on loopback)", n, servers, calls, loadShape{})
	if err != nil {
		return err
	}
	res.Loads = append(res.Loads, loads...)
	gate, err := b.gate(ctx, n, servers, calls)
	if err != nil {
		return err
	}
	res.Gate = append(res.Gate, gate...)
	if note != "" {
		res.AllocsNote = note
	}
	fake.SetDelay(b.opts.KakaoDelay)
	felt, _, err := b.load(ctx, fmt.Sprintf("felt (Kakao %s away)", b.opts.KakaoDelay), n, servers, calls, loadShape{})
	fake.SetDelay(0)
	if err != nil {
		return err
	}
	res.Felt = append(res.Felt, felt...)
	paced, err := b.paced(ctx, n, servers, calls)
	if err != nil {
		return err
	}
	res.Paced = append(res.Paced, paced...)
	if n != b.opts.TargetSize {
		return nil // the launch day is measured where its targets are
	}
	return b.rush(ctx, n, servers, daySetups, calls, r, fake, res)
}

// copyFile copies the file at from to to.
func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err == nil {
		err = os.WriteFile(to, data, 0o600)
	}
	if err != nil {
		return fmt.Errorf("copy the store file: %w", err)
	}
	return nil
}

// storeSetup is one store the bench syncs into and serves from.
type storeSetup struct {
	Name string
	Env  rollcallEnv
}

// writeSheet writes the employees as a CSV file at path.
func writeSheet(path string, employees []person) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create the sheet: %w", err)
	}
	if err := writeCSV(f, employees); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write the sheet: %w", err)
	}
	return nil
}

// syncTwice fills the store with a first sync, then times a second sync of
// the same sheet, which must change nothing.
func (b *bench) syncTwice(ctx context.Context, st storeSetup, n int) (syncFigures, error) {
	f := syncFigures{Store: st.Name, Employees: n}
	var err error
	if f.First, err = runSync(ctx, b.rollcall, st.Env.list()); err != nil {
		return f, fmt.Errorf("first sync: %w", err)
	}
	if rep := f.First.Report; rep.Employees != n || rep.Added != n {
		return f, fmt.Errorf("first sync into an empty %s store: %d employees, %d added; want %d and %d", st.Name, rep.Employees, rep.Added, n, n)
	}
	if f.Unchanged, err = runSync(ctx, b.rollcall, st.Env.list()); err != nil {
		return f, fmt.Errorf("unchanged sync: %w", err)
	}
	if rep := f.Unchanged.Report; rep.Added+rep.Updated+rep.Deleted != 0 || rep.Unchanged != n {
		return f, fmt.Errorf("a sync of the unchanged sheet on %s: %d added, %d updated, %d deleted, %d unchanged; want 0, 0, 0, %d",
			st.Name, rep.Added, rep.Updated, rep.Deleted, rep.Unchanged, n)
	}
	return f, nil
}

// startups starts `rollcall serve` on the synced store the configured
// number of times and returns each start → first 200 from /ready.
func (b *bench) startups(ctx context.Context, st storeSetup) ([]time.Duration, error) {
	var times []time.Duration
	for range b.opts.Startups {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		env := st.Env
		env.Port = port
		s, err := startServer("rollcall serve ("+st.Name+")", b.rollcall, []string{"serve"}, env.list(), port)
		if err != nil {
			return nil, err
		}
		d, err := s.waitReady(ctx, time.Minute)
		if stopErr := s.stop(); err == nil && stopErr != nil {
			err = stopErr
		}
		if err != nil {
			return nil, err
		}
		times = append(times, d)
	}
	return times, nil
}

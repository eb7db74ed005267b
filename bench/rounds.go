package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// serverSetup is a server process to put under load.
type serverSetup struct {
	Name     string
	Baseline bool
	Path     string
	Args     []string
	Env      []string // without PORT
	// Trips, when set, counts the process's round trips to its store.
	Trips *tripCounter
}

// loadShape is how a phase loads the servers: its concurrency, rounds and
// their duration (0: the -concurrency, -rounds and -duration flags') and
// whether every call is a new user.
type loadShape struct {
	Concurrency int
	Rounds      int
	Duration    time.Duration
	Fresh       *userMint
}

// running is a started server and what the rounds have measured of it.
type running struct {
	setup  serverSetup
	proc   *server
	client *loadClient
	fig    loadFigures
	// trips counts the server's round trips to its store, when it goes
	// through a counting proxy (storeproxy.go); nil otherwise.
	trips *tripCounter
	// metrics tells whether the server exposes go_memstats_mallocs_total.
	metrics bool
}

// load starts every server, warms each up, then runs the measured rounds:
// in each, the servers take turns (starting with a different one each
// round), one at a time, so that none competes with another for the CPU and
// a drift of the machine's load hits all of them alike. It returns the
// figures and, when rollcall does not expose its allocation count, a note
// saying where the figure shown instead comes from.
func (b *bench) load(ctx context.Context, phase string, n int, setups []serverSetup, calls []call, shape loadShape) ([]loadFigures, string, error) {
	shape.Concurrency = cmp.Or(shape.Concurrency, b.opts.Concurrency)
	shape.Rounds = cmp.Or(shape.Rounds, b.opts.Rounds)
	shape.Duration = cmp.Or(shape.Duration, b.opts.Duration)
	servers, stop, err := startAll(ctx, n, setups, shape.Concurrency)
	defer stop()
	if err != nil {
		return nil, "", err
	}

	for _, s := range servers {
		b.logf("%d employees, %s: warming up %s", n, phase, s.setup.Name)
		warm := drive(ctx, s.client, s.proc.base+"/kakao/validate", calls, loadConfig{
			Concurrency: shape.Concurrency, Duration: b.opts.Warmup, MaxRequests: b.opts.MaxRequests, Fresh: shape.Fresh,
		})
		if warm.Requests > 0 && warm.errorCount() == warm.Requests {
			return nil, "", fmt.Errorf("every warm-up request to %s failed (%s); its output ends with:\n%s",
				s.setup.Name, warm.errorSummary(), s.proc.log.String())
		}
		_, err := scrapeMallocs(ctx, s.client, s.proc.base)
		s.metrics = err == nil
	}
	for round := range shape.Rounds {
		for i := range servers {
			s := servers[(round+i)%len(servers)]
			b.logf("%d employees, %s: round %d/%d, %s", n, phase, round+1, shape.Rounds, s.setup.Name)
			if err := b.measureRound(ctx, s, calls, shape); err != nil {
				return nil, "", err
			}
		}
	}

	var note string
	figs := make([]loadFigures, 0, len(servers))
	for _, s := range servers {
		rss, err := s.proc.peakRSS()
		if err != nil {
			return nil, "", err
		}
		s.fig.PeakRSS = rss
		s.fig.Latency = summarize(s.fig.Result.Samples)
		if !s.metrics && !s.setup.Baseline {
			if b.handlerAllocs == 0 {
				b.logf("rollcall has no go_memstats_mallocs_total: running BenchmarkValidate for allocs/op")
				allocs, err := handlerBenchAllocs(ctx, b.root)
				if err != nil {
					return nil, "", err
				}
				b.handlerAllocs = allocs
			}
			s.fig.Allocs = b.handlerAllocs * float64(s.fig.Result.Requests)
			note = "rollcall exposes no go_memstats_mallocs_total on /metrics: its allocs/req is BenchmarkValidate's allocs/op (go test, in-process handler, TLS fake, in-memory directory), not the process's"
		}
		figs = append(figs, s.fig)
	}
	return figs, note, nil
}

// startAll starts the servers, each on a free port, and waits until each
// is ready. stop stops whichever were started; it is never nil.
func startAll(ctx context.Context, n int, setups []serverSetup, conns int) (servers []*running, stop func(), err error) {
	stop = func() {
		for _, s := range servers {
			_ = s.proc.stop()
			s.client.CloseIdleConnections()
		}
	}
	for _, setup := range setups {
		port, err := freePort()
		if err != nil {
			return servers, stop, err
		}
		env := append(append([]string(nil), setup.Env...), "PORT="+strconv.Itoa(port))
		p, err := startServer(setup.Name, setup.Path, setup.Args, env, port)
		if err != nil {
			return servers, stop, err
		}
		r := &running{setup: setup, proc: p, client: newLoadClient(conns, benchSkillSecret), trips: setup.Trips}
		r.fig = loadFigures{Server: setup.Name, Baseline: setup.Baseline, Employees: n, Allocs: -1}
		servers = append(servers, r)
		if r.fig.Ready, err = p.waitReady(ctx, time.Minute); err != nil {
			return servers, stop, err
		}
		if r.fig.ReadyRSS, err = p.peakRSS(); err != nil {
			return servers, stop, err
		}
	}
	return servers, stop, nil
}

// paced measures each server, freshly started, under a steady load: the
// memory the process needs to serve n employees.
func (b *bench) paced(ctx context.Context, n int, setups []serverSetup, calls []call) ([]loadFigures, error) {
	warm := loadConfig{Concurrency: b.opts.Concurrency, Duration: b.opts.Warmup, MaxRequests: b.opts.MaxRequests, Rate: b.opts.PacedRate}
	measured := warm
	measured.Duration = b.opts.PacedDuration
	return b.fresh(ctx, n, setups, calls, fmt.Sprintf("paced load of %.0f req/s", b.opts.PacedRate), warm, measured)
}

// fresh starts each server afresh, drives the warm-up load (none when its
// Duration is zero), then the measured one, and reads the process's memory.
func (b *bench) fresh(ctx context.Context, n int, setups []serverSetup, calls []call, what string, warm, measured loadConfig) ([]loadFigures, error) {
	var figs []loadFigures
	for _, setup := range setups {
		servers, stop, err := startAll(ctx, n, []serverSetup{setup}, measured.Concurrency)
		if err != nil {
			stop()
			return nil, err
		}
		s := servers[0]
		b.logf("%d employees: %s on %s", n, what, setup.Name)
		_ = drive(ctx, s.client, s.proc.base+"/kakao/validate", calls, warm) // not counted
		res := drive(ctx, s.client, s.proc.base+"/kakao/validate", calls, measured)
		s.fig.Result.add(res)
		s.fig.Latency = summarize(s.fig.Result.Samples)
		s.fig.PeakRSS, err = s.proc.peakRSS()
		if err == nil {
			s.fig.RSS, s.fig.RSSAnon, s.fig.RSSFile, err = s.proc.rss()
		}
		stop()
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			return nil, err
		}
		figs = append(figs, s.fig)
	}
	return figs, nil
}

// measureRound drives one measured load against s and adds what it saw —
// client-side latencies, the process's CPU time and allocations — to s's
// figures.
func (b *bench) measureRound(ctx context.Context, s *running, calls []call, shape loadShape) error {
	cpu0, err := s.proc.cpuTime()
	if err != nil {
		return err
	}
	var mallocs0 float64
	if s.metrics {
		if mallocs0, err = scrapeMallocs(ctx, s.client, s.proc.base); err != nil {
			return err
		}
	}
	var trips0 int64
	if s.trips != nil {
		trips0 = s.trips.count()
	}
	res := drive(ctx, s.client, s.proc.base+"/kakao/validate", calls, loadConfig{
		Concurrency: shape.Concurrency, Duration: shape.Duration, MaxRequests: b.opts.MaxRequests, Fresh: shape.Fresh,
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.trips != nil {
		s.fig.StoreTrips += s.trips.count() - trips0
	}
	cpu1, err := s.proc.cpuTime()
	if err != nil {
		return err
	}
	if s.metrics {
		mallocs1, err := scrapeMallocs(ctx, s.client, s.proc.base)
		if err != nil {
			return err
		}
		if s.fig.Allocs < 0 {
			s.fig.Allocs = 0
		}
		s.fig.Allocs += mallocs1 - mallocs0
	}
	s.fig.CPU += cpu1 - cpu0
	s.fig.Rounds = append(s.fig.Rounds, summarize(slices.Clone(res.Samples)))
	s.fig.Result.add(res)
	if res.Elapsed > 0 {
		s.fig.RoundRates = append(s.fig.RoundRates, float64(res.Requests)/res.Elapsed.Seconds())
	}
	return nil
}

// errNoMallocs means the server's /metrics does not expose the Go runtime's
// allocation count.
var errNoMallocs = errors.New("no go_memstats_mallocs_total on /metrics")

// scrapeMallocs reads go_memstats_mallocs_total (the Go runtime's
// cumulative count of heap allocations) from base's /metrics, in the
// Prometheus text format.
func scrapeMallocs(ctx context.Context, client *loadClient, base string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return 0, fmt.Errorf("scrape /metrics: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("scrape /metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return 0, errNoMallocs
	}
	return parseMallocs(resp.Body)
}

// parseMallocs finds the go_memstats_mallocs_total sample in a Prometheus
// text exposition.
func parseMallocs(r io.Reader) (float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "go_memstats_mallocs_total")
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '{') {
			continue
		}
		if rest[0] == '{' {
			_, rest, _ = strings.Cut(rest, "}")
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return 0, fmt.Errorf("go_memstats_mallocs_total %q: %w", fields[0], err)
		}
		return v, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read /metrics: %w", err)
	}
	return 0, errNoMallocs
}

var allocsPerOp = regexp.MustCompile(`(\d+) allocs/op`)

// handlerBenchAllocs runs the kakao package's in-process handler benchmark
// and returns its allocs/op: the fallback when rollcall does not expose its
// allocation count.
func handlerBenchAllocs(ctx context.Context, root string) (float64, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^BenchmarkValidate$", "-benchmem", "-benchtime", "2000x", "./internal/kakao/")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("go test -bench BenchmarkValidate: %w\n%s", err, out)
	}
	m := allocsPerOp.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no allocs/op in BenchmarkValidate's output:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

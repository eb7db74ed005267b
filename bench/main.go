// Command bench measures rollcall as its operators run it: the real
// `rollcall` binary, built from this checkout and started as a separate
// process on a generated directory of 1k, 10k and 100k employees, answering
// Open Builder's validation skill against the Kakao fake (internal/kakao/
// kakaotest) the way Kakao calls: from one address, with the skill secret,
// every call for another user. In the same run it measures a minimal
// handler (the baseline) and compares: with Kakao 30 ms away (what a user
// feels) and with Kakao on loopback at saturation (capacity). It also times
// `rollcall serve` from start to its first 200 on /ready, and an unchanged
// `rollcall sync`, on the embedded store and, when FIRESTORE_EMULATOR_HOST
// is set, on the Firestore emulator. See docs/benchmarks.md.
//
//	go run ./bench            # the full run: a few minutes on 2 cores
//	go run ./bench -quick     # 10k employees only, shorter rounds
//	go run ./bench -h         # every knob
//
// Everything runs on loopback; nothing is sent anywhere else. It runs on
// Linux only: it reads processes' CPU time and memory from /proc.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		os.Exit(1)
	}
}

// options are the bench's flags.
type options struct {
	Sizes          []int
	Concurrency    int
	Warmup         time.Duration
	Duration       time.Duration
	Rounds         int
	MaxRequests    int64
	Users          int
	StrangerPct    int
	KakaoDelay     time.Duration
	Startups       int
	PacedRate      float64
	PacedDuration  time.Duration
	TargetSize     int
	LogLevel       string
	Seed           uint64
	Keep           bool
	EmulatorHost   string // from FIRESTORE_EMULATOR_HOST
	FirestoreSizes []int
	FirestoreLoad  bool
	// RushConcurrency is the launch-day rush's clients, RushRounds and
	// RushDuration its rounds; RushOnly runs the rush alone (after the syncs
	// that fill the stores).
	RushConcurrency int
	RushRounds      int
	RushDuration    time.Duration
	RushOnly        bool
	// Timeout bounds the whole run.
	Timeout time.Duration
	// Binary, when set, is a rollcall binary to measure instead of one
	// built from this checkout (to compare two versions on the same load).
	Binary     string
	MemoryOnly bool
	// CPUProfile, when set, is a directory where every rollcall serve of
	// the run writes its CPU profile (cpu-PID.pprof; a build with -tags
	// pprof).
	CPUProfile     string
	executablePath string
}

// parseOptions reads the flags; -quick changes the defaults of the others
// unless they are given explicitly.
func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	sizes := fs.String("sizes", "1000,10000,100000", "directory sizes to measure, comma-separated")
	firestoreSizes := fs.String("firestore-sizes", "10000", "of those sizes, the ones also measured on Firestore when FIRESTORE_EMULATOR_HOST is set")
	quick := fs.Bool("quick", false, "a shorter run: 10k employees, one round of 2 s, 3 starts")
	fs.IntVar(&o.Concurrency, "concurrency", 32, "concurrent clients (closed loop: each sends its next request when answered)")
	fs.DurationVar(&o.Warmup, "warmup", time.Second, "load before measuring, per server and size (not counted)")
	fs.DurationVar(&o.Duration, "duration", 5*time.Second, "measured load per server and round")
	fs.IntVar(&o.Rounds, "rounds", 3, "measured rounds; the servers take turns in each, so that drift hits them alike")
	fs.Int64Var(&o.MaxRequests, "max-requests", 1_000_000, "cap on requests per server and round")
	fs.IntVar(&o.Users, "users", 50_000, "distinct Kakao users (each with its own OTP URL) the load cycles through, so that each call is another user's")
	fs.IntVar(&o.StrangerPct, "strangers", 10, "percentage of those users who are not employees")
	fs.DurationVar(&o.KakaoDelay, "kakao-delay", 30*time.Millisecond, "how far away Kakao is in the felt-latency phase: the delay the fake adds to every profile request (the capacity phase has none)")
	fs.Float64Var(&o.PacedRate, "paced-rate", 1000, "requests/s of the paced load that measures memory, from -concurrency clients")
	fs.DurationVar(&o.PacedDuration, "paced-duration", 5*time.Second, "duration of the paced load per server and size")
	fs.IntVar(&o.Startups, "startups", 5, "times `rollcall serve` is started to time start → /ready (median reported)")
	fs.IntVar(&o.TargetSize, "target-size", 10_000, "directory size the issue's latency, start-up and sync targets are checked at")
	fs.StringVar(&o.LogLevel, "log-level", "info", "rollcall's ROLLCALL_LOG_LEVEL (info is production's default)")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the generated directory")
	fs.BoolVar(&o.Keep, "keep", false, "keep the temporary directory (sheets, stores, binary)")
	fs.BoolVar(&o.FirestoreLoad, "firestore-load", true, "with the emulator, also drive load against rollcall on Firestore at -firestore-sizes")
	fs.IntVar(&o.RushConcurrency, "rush-concurrency", 16, "concurrent clients of the launch-day rush with Kakao -kakao-delay away (16 at 30 ms: about 500 verifications/s)")
	// The rush's p99 target needs more samples than -rounds × -duration give
	// at its 500 requests a second: a slow sync delays most of its 16
	// clients at once, so a 5 s round's p99 rested on two or three such
	// moments (docs/benchmarks.md, "How long the rush is measured").
	fs.IntVar(&o.RushRounds, "rush-rounds", 5, "measured rounds of the launch-day rush with Kakao -kakao-delay away")
	fs.DurationVar(&o.RushDuration, "rush-duration", 10*time.Second, "measured load per server and round of the launch-day rush with Kakao -kakao-delay away")
	fs.BoolVar(&o.RushOnly, "rush-only", false, "measure only the launch-day rush (every call a new user), after the syncs that fill the stores")
	fs.StringVar(&o.Binary, "rollcall-binary", "", "measure this rollcall binary instead of building ./cmd/rollcall (e.g. an older commit's, to compare)")
	fs.DurationVar(&o.Timeout, "timeout", 45*time.Minute, "the longest the whole run may take; past it the bench stops with an error")
	fs.BoolVar(&o.MemoryOnly, "memory-only", false, "run only the memory phase (paced load on freshly started servers), after the syncs it needs")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "directory where each `rollcall serve` writes a CPU profile of its life (cpu-PID.pprof; rollcall built with -tags pprof; go tool pprof -top)")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["sizes"] {
			*sizes = strconv.Itoa(o.TargetSize)
		}
		if !set["rounds"] {
			o.Rounds = 1
		}
		if !set["duration"] {
			o.Duration = 2 * time.Second
		}
		if !set["rush-rounds"] {
			o.RushRounds = 1
		}
		if !set["rush-duration"] {
			o.RushDuration = 2 * time.Second
		}
		if !set["warmup"] {
			o.Warmup = 500 * time.Millisecond
		}
		if !set["startups"] {
			o.Startups = 3
		}
		if !set["paced-duration"] {
			o.PacedDuration = 2 * time.Second
		}
		if !set["timeout"] {
			o.Timeout = 15 * time.Minute
		}
	}
	var err error
	if o.Sizes, err = parseSizes("-sizes", *sizes); err != nil {
		return options{}, err
	}
	if o.FirestoreSizes, err = parseSizes("-firestore-sizes", *firestoreSizes); err != nil {
		return options{}, err
	}
	switch {
	case o.Concurrency < 1, o.RushConcurrency < 1, o.Rounds < 1, o.RushRounds < 1, o.Startups < 1, o.Users < 1, o.MaxRequests < 1:
		return options{}, errors.New("-concurrency, -rush-concurrency, -rounds, -rush-rounds, -startups, -users and -max-requests must be at least 1")
	case o.Timeout <= 0:
		return options{}, errors.New("-timeout must be positive")
	case o.StrangerPct < 0 || o.StrangerPct > 100:
		return options{}, errors.New("-strangers must be a percentage")
	case o.Duration <= 0 || o.RushDuration <= 0 || o.PacedDuration <= 0 || o.PacedRate <= 0 || o.Warmup < 0 || o.KakaoDelay < 0:
		return options{}, errors.New("-duration, -rush-duration, -paced-duration and -paced-rate must be positive, -warmup and -kakao-delay not negative")
	}
	o.EmulatorHost = getenv("FIRESTORE_EMULATOR_HOST")
	return o, nil
}

// parseSizes reads a comma-separated list of positive numbers.
func parseSizes(flagName, list string) ([]int, error) {
	var sizes []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive number", flagName, s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

// run is the whole program; `bench baseline-server` is the baseline
// server's process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == baselineCommand {
		return runBaseline(ctx, getenv)
	}
	o, err := parseOptions(args, getenv, stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeoutCause(ctx, o.Timeout, fmt.Errorf("the bench ran past -timeout %s", o.Timeout))
	defer cancel()
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the bench's own executable (the baseline server): %w", err)
	}
	o.executablePath = exe

	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "rollcall-bench-")
	if err != nil {
		return fmt.Errorf("temporary directory: %w", err)
	}
	if o.Keep {
		fmt.Fprintf(stderr, "bench: keeping %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	b := &bench{opts: o, root: root, tmp: tmp, progress: stderr}
	if o.Binary != "" {
		b.rollcall = o.Binary
	} else {
		fmt.Fprintln(stderr, "bench: building ./cmd/rollcall")
		if b.rollcall, err = buildRollcall(ctx, root, tmp, o.CPUProfile != ""); err != nil {
			return err
		}
	}
	b.machine = describeMachine(ctx, root)
	if b.template, err = os.ReadFile(root + "/" + validationTemplate); err != nil {
		return fmt.Errorf("read the validation payload: %w", err)
	}
	results, err := b.measure(ctx)
	if err != nil {
		return err
	}
	writeReport(stdout, o, b.machine, results)
	return nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// samplePeakRSS reads the VmHWM of process pid every 2 ms until done is
// closed or the process is gone, and returns the last value read (KiB).
func samplePeakRSS(pid int, done <-chan struct{}) int64 {
	var last int64
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		if kib, err := procStatusKiB(pid, "VmHWM:"); err == nil {
			last = max(last, kib)
		}
		select {
		case <-done:
			return last
		case <-tick.C:
		}
	}
}

// moduleRoot finds the repository root (the directory holding go.mod) from
// the working directory upwards, so that the bench runs from anywhere in
// the checkout.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(data, []byte("module github.com/rollcall/rollcall\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run the bench inside the rollcall repository (no go.mod of github.com/rollcall/rollcall found above the working directory)")
		}
		dir = parent
	}
}

// buildRollcall builds ./cmd/rollcall into dir the way `make build` does
// (static, trimmed), and returns the binary's path. With profile, the build
// has -tags pprof: it writes a CPU profile where ROLLCALL_CPUPROFILE says.
func buildRollcall(ctx context.Context, root, dir string, profile bool) (string, error) {
	bin := filepath.Join(dir, "rollcall")
	args := []string{"build", "-trimpath", "-ldflags", "-s -w", "-o", bin}
	if profile {
		args = append(args, "-tags", "pprof")
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "./cmd/rollcall")...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/rollcall: %w\n%s", err, out)
	}
	return bin, nil
}

// gitCommit describes the checkout the binary was built from.
func gitCommit(ctx context.Context, root string) string {
	cmd := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty", "--abbrev=7")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// syncReport is the part of `rollcall sync --json`'s report the bench reads.
type syncReport struct {
	Employees  int    `json:"employees"`
	Added      int    `json:"added"`
	Updated    int    `json:"updated"`
	Deleted    int    `json:"deleted"`
	Unchanged  int    `json:"unchanged"`
	Refused    bool   `json:"refused"`
	Error      string `json:"error"`
	DurationMS int64  `json:"duration_ms"`
}

// syncRun is one `rollcall sync --json` process, measured from outside.
type syncRun struct {
	Report syncReport
	// Wall is from the process's start to its exit: start-up, opening the
	// store, reading and parsing the sheet, planning, writing.
	Wall time.Duration
	// PeakRSS is the process's peak resident set size (VmHWM) as last
	// sampled before it exited, in KiB: a lower bound, within a few
	// milliseconds of the end.
	PeakRSS int64
}

// runSync runs `rollcall sync --json` with env and reads its report.
func runSync(ctx context.Context, bin string, env []string) (syncRun, error) {
	cmd := exec.CommandContext(ctx, bin, "sync", "--json")
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return syncRun{}, fmt.Errorf("rollcall sync: %w", err)
	}
	// The peak is sampled from /proc while the process runs: the kernel's
	// own figure at exit (rusage's ru_maxrss) starts from the forking
	// parent's high-water mark, which is the bench's, not rollcall's.
	done := make(chan struct{})
	peak := make(chan int64, 1)
	go func() { peak <- samplePeakRSS(cmd.Process.Pid, done) }()
	err := cmd.Wait()
	run := syncRun{Wall: time.Since(start)}
	close(done)
	run.PeakRSS = <-peak
	if err != nil {
		return run, fmt.Errorf("rollcall sync: %w\n%s", err, lastLines(stderr.String(), 20))
	}
	if err := json.Unmarshal(stdout.Bytes(), &run.Report); err != nil {
		return run, fmt.Errorf("read rollcall sync's report: %w", err)
	}
	return run, nil
}

// rollcallEnv is the whole environment of a rollcall process: the
// configuration variables of the contract and nothing of the bench's own.
type rollcallEnv struct {
	Port         int
	Source       string
	Store        string
	EmulatorHost string
	KakaoKey     string
	KakaoOrigin  string
	SkillSecret  string
	LogLevel     string
	CPUProfile   string
}

func (e rollcallEnv) list() []string {
	env := []string{
		"ROLLCALL_SOURCE=" + e.Source,
		"ROLLCALL_STORE=" + e.Store,
		"ROLLCALL_LOG_FORMAT=json",
		"ROLLCALL_LOG_LEVEL=" + e.LogLevel,
	}
	if e.Port != 0 {
		env = append(env, "PORT="+strconv.Itoa(e.Port))
	}
	if e.EmulatorHost != "" {
		env = append(env, "FIRESTORE_EMULATOR_HOST="+e.EmulatorHost)
	}
	if e.KakaoKey != "" {
		env = append(env, "ROLLCALL_KAKAO_REST_API_KEY="+e.KakaoKey, "ROLLCALL_KAKAO_OTP_ORIGINS="+e.KakaoOrigin)
	}
	if e.SkillSecret != "" {
		env = append(env, "ROLLCALL_SKILL_SECRET="+e.SkillSecret)
	}
	if e.CPUProfile != "" {
		env = append(env, "ROLLCALL_CPUPROFILE="+e.CPUProfile)
	}
	return env
}

// lastLines returns the last n lines of s, indented.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}

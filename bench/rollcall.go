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
	"syscall"
	"time"
)

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
// (static, trimmed), and returns the binary's path.
func buildRollcall(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "rollcall")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "./cmd/rollcall")
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
	// PeakRSS is the process's peak resident set size, in KiB.
	PeakRSS int64
}

// runSync runs `rollcall sync --json` with env and reads its report.
func runSync(ctx context.Context, bin string, env []string) (syncRun, error) {
	cmd := exec.CommandContext(ctx, bin, "sync", "--json")
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	run := syncRun{Wall: time.Since(start)}
	if err != nil {
		return run, fmt.Errorf("rollcall sync: %w\n%s", err, lastLines(stderr.String(), 20))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		run.PeakRSS = ru.Maxrss // KiB on Linux
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
	LogLevel     string
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

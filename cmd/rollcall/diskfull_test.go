package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
)

// TestSuccessIsBoundOnAFullDisk is issue 19's fourth finding: with the
// store's disk full, a validation must not answer SUCCESS (the OTP spent,
// the gate then "not verified"), but ERROR, with an error-level log line
// and the failure counted; once there is room again the user verifies. The
// bolt file sits on a small tmpfs filled to the last byte; where the test
// may not mount one it skips, and verify's TestBinder (an injected store
// error) stands in.
func TestSuccessIsBoundOnAFullDisk(t *testing.T) {
	t.Parallel()
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=8m"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); verify's TestBinder covers a failing store", err)
	}
	t.Cleanup(func() {
		// Detached, not unmounted: a process that a parallel test forks
		// holds the store's file, mapped, until it execs, and the tmpfs
		// goes when the last such hold does.
		if err := syscall.Unmount(mnt, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount the tmpfs: %v", err)
		}
	})
	e := bindingEnv(t, "bolt")
	e.vars["ROLLCALL_STORE"] = "bolt:" + filepath.Join(mnt, "rollcall.db")
	c, _, logs, _ := startBindingService(t, e, kakaotest.NewServer(t))
	employee := exampleEmployee

	// bbolt reuses the pages it freed before it needs new ones, so the first
	// binds on a full disk may still land: users verify until some cannot.
	filler := fillDisk(t, mnt)
	var failed []string
	for i := 0; i < 2000 && len(failed) < 5; i++ {
		user := fmt.Sprintf("%064x", i+1)
		got := c.as(user).validate(employee)
		switch {
		case strings.Contains(got, `"status":"SUCCESS"`):
			if gate := c.as(user).gate(); !strings.Contains(gate, gateVerified) {
				t.Fatalf("user %d: SUCCESS, then the gate = %s; a SUCCESS must be bound", i+1, gate)
			}
		case strings.Contains(got, `"status":"ERROR"`):
			failed = append(failed, user)
			if gate := c.as(user).gate(); strings.Contains(gate, gateVerified) {
				t.Errorf("user %d: ERROR, then the gate = %s; want not verified", i+1, gate)
			}
		default:
			t.Fatalf("user %d: validate = %s, want SUCCESS or ERROR", i+1, got)
		}
	}
	if len(failed) == 0 {
		t.Fatal("every bind landed on the full disk: the test proves nothing")
	}
	if !hasLine(logs.String(), `"severity":"ERROR"`, `"reason":"bind_failed"`) {
		t.Errorf("no error-level line with reason bind_failed in the log")
	}
	if got := metricsText(t, c.url); !strings.Contains(got, fmt.Sprintf(`rollcall_kakao_verifications_total{outcome="undecided",reason="bind_failed"} %d`, len(failed))) {
		t.Errorf("/metrics does not count the %d failed binds:\n%s", len(failed), got)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	again := c.as(failed[0])
	if got := again.validate(employee); !strings.Contains(got, `"status":"SUCCESS"`) {
		t.Errorf("validate with room again = %s, want SUCCESS", got)
	}
	if got := again.gate(); !strings.Contains(got, gateVerified) {
		t.Errorf("gate after the SUCCESS = %s, want verified", got)
	}
}

// fillDisk writes a file in dir until the file system is full, and returns
// its path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for size := len(chunk); size > 0; {
		if _, err := f.Write(chunk[:size]); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill the disk: %v", err)
			}
			size /= 2 // down to the last byte
		}
	}
	return path
}

// hasLine reports whether a line of logs holds every one of parts.
func hasLine(logs string, parts ...string) bool {
	for _, line := range strings.Split(logs, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}

// metricsText reads /metrics from loopback, where it needs no credentials.
func metricsText(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d %v", resp.StatusCode, err)
	}
	return string(b)
}

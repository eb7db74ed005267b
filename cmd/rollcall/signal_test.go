package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// hangGuard only catches a hang: a command that obeys a signal or refuses
// a source stops in milliseconds; one that does not never stops.
const hangGuard = 60 * time.Second

// output is a child process's output, read while it is written; Changed
// lets a test wait for the next write instead of polling.
type output struct {
	mu      sync.Mutex
	buf     strings.Builder
	changed chan struct{}
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.changed != nil {
		close(o.changed)
		o.changed = nil
	}
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// Changed returns a channel closed at the next write.
func (o *output) Changed() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.changed == nil {
		o.changed = make(chan struct{})
	}
	return o.changed
}

// child is a rollcall command running as its own process.
type child struct {
	cmd    *exec.Cmd
	logs   output
	exited chan struct{}
	err    error
}

func startChild(t *testing.T, e *testEnv, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(rollcallBinary(t), args...), exited: make(chan struct{})}
	c.cmd.Env, c.cmd.Stdout, c.cmd.Stderr = e.environ(), &c.logs, &c.logs
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.err = c.cmd.Wait(); close(c.exited) }()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill()
		<-c.exited
	})
	return c
}

// wait waits for the process to exit and returns its exit code; -1 means a
// signal killed it (it did not exit by itself).
func (c *child) wait(t *testing.T, what string) int {
	t.Helper()
	select {
	case <-c.exited:
	case <-time.After(hangGuard):
		t.Fatalf("%s: still running after %v; output:\n%s", what, hangGuard, c.logs.String())
	}
	var ee *exec.ExitError
	if c.err != nil && !errors.As(c.err, &ee) {
		t.Fatalf("%s: %v", what, c.err)
	}
	return c.cmd.ProcessState.ExitCode()
}

// hangingSheets is a Sheets API that takes every request and never answers
// it; arrived is closed at the first request.
func hangingSheets(t *testing.T) (endpoint string, arrived <-chan struct{}) {
	t.Helper()
	ch := make(chan struct{})
	var once sync.Once
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(ch) })
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv.URL, ch
}

// blackHole is a TCP server that accepts connections and never says a
// word, as a Firestore behind a broken network does; accepted is closed at
// the first connection.
func blackHole(t *testing.T) (addr string, accepted <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan struct{})
	var once sync.Once
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			once.Do(func() { close(ch) })
			go func() { _, _ = io.Copy(io.Discard, conn); conn.Close() }()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String(), ch
}

// TestCommandsStopOnSignal: every command blocked on a dependency that
// never answers stops on SIGTERM (Cloud Run, a job runner) and on SIGINT
// (a terminal) by itself, with a failure exit code, instead of waiting out
// its deadlines.
func TestCommandsStopOnSignal(t *testing.T) {
	t.Parallel()
	type setup func(t *testing.T, e *testEnv) (waitFor <-chan struct{})
	hangSheets := func(t *testing.T, e *testEnv) <-chan struct{} {
		endpoint, arrived := hangingSheets(t)
		e.vars["ROLLCALL_SOURCE"] = sheetID
		e.vars["ROLLCALL_SHEETS_ENDPOINT"] = endpoint
		return arrived
	}
	hangFirestore := func(t *testing.T, e *testEnv) <-chan struct{} {
		addr, accepted := blackHole(t)
		e.vars["FIRESTORE_EMULATOR_HOST"] = addr
		e.vars["ROLLCALL_STORE"] = "firestore:rollcall-signal-test"
		return accepted
	}
	tests := []struct {
		name     string
		args     []string
		setup    setup
		wantCode int
	}{
		{"sync, Sheets hangs", []string{"sync"}, hangSheets, exitFailed},
		{"sync, Firestore hangs", []string{"sync"}, hangFirestore, exitFailed},
		{"check, Firestore hangs", []string{"check", "010-1234-5678"}, hangFirestore, exitUsage},
		{"doctor, Sheets hangs", []string{"doctor"}, hangSheets, exitFailed},
		{"doctor, Firestore hangs", []string{"doctor", "--json"}, hangFirestore, exitFailed},
	}
	for _, tt := range tests {
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
			t.Run(fmt.Sprintf("%s, %v", tt.name, sig), func(t *testing.T) {
				t.Parallel()
				e := newTestEnv(t)
				waitFor := tt.setup(t, e)
				c := startChild(t, e, tt.args...)
				select {
				case <-waitFor:
				case <-c.exited:
					t.Fatalf("exited before reaching the dependency; output:\n%s", c.logs.String())
				case <-time.After(hangGuard):
					t.Fatalf("never reached the dependency; output:\n%s", c.logs.String())
				}
				sent := time.Now()
				if err := c.cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				code := c.wait(t, fmt.Sprintf("rollcall %s after %v", strings.Join(tt.args, " "), sig))
				t.Logf("exit %d %v after %v", code, time.Since(sent).Round(time.Millisecond), sig)
				if code != tt.wantCode {
					t.Errorf("exit code %d, want %d; output:\n%s", code, tt.wantCode, c.logs.String())
				}
			})
		}
	}
}

// TestSyncRefusesAFIFOSource: ROLLCALL_SOURCE naming a named pipe once
// blocked `rollcall sync` in open(2), deaf to SIGTERM, and hung serve's
// first sync. A source that is not a regular file is refused before it is
// opened, with an error that says what it is; doctor says the same.
func TestSyncRefusesAFIFOSource(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"employees.csv", "employees.xlsx"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			fifo := filepath.Join(e.dir, "pipe-"+name)
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			e.vars["ROLLCALL_SOURCE"] = fifo
			for _, cmd := range []string{"sync", "doctor"} {
				c := startChild(t, e, cmd)
				code := c.wait(t, "rollcall "+cmd+" from a FIFO")
				out := c.logs.String()
				if code != exitFailed || !strings.Contains(out, "not a regular file") || !strings.Contains(out, "named pipe") {
					t.Errorf("%s from a FIFO: exit %d, output:\n%s\nwant exit %d saying it is a named pipe, not a regular file", cmd, code, out, exitFailed)
				}
			}
		})
	}
}

// TestServeFirstSyncDoesNotHangOnAFIFO: serve's first sync from a named
// pipe fails at once, so that /internal/sync is not "already running"
// forever and the operator sees why /ready is 503.
func TestServeFirstSyncDoesNotHangOnAFIFO(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	fifo := filepath.Join(e.dir, "pipe.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	port := freePort(t)
	e.vars["ROLLCALL_SOURCE"] = fifo
	e.vars["PORT"] = fmt.Sprint(port)
	e.vars["ROLLCALL_SYNC_TOKEN"] = "tok"
	c := startChild(t, e, "serve")
	// The first sync's failure is logged: wait for that line.
	for !strings.Contains(c.logs.String(), "first sync failed") {
		select {
		case <-c.exited:
			t.Fatalf("serve exited; output:\n%s", c.logs.String())
		case <-c.logs.Changed():
		case <-time.After(hangGuard):
			t.Fatalf("serve's first sync never finished; output:\n%s", c.logs.String())
		}
	}
	if out := c.logs.String(); !strings.Contains(out, "named pipe") {
		t.Errorf("the first sync's failure does not say the source is a named pipe:\n%s", out)
	}
	// With the first sync over, an operator's sync runs (and fails the same
	// way) instead of being turned away as already running.
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/internal/sync", port), nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusConflict || !strings.Contains(string(body), "named pipe") {
		t.Errorf("POST /internal/sync: %d %s; want the FIFO's failure, not 409", resp.StatusCode, body)
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	if code := c.wait(t, "serve after SIGTERM"); code != 0 {
		t.Errorf("serve after SIGTERM: exit %d, want 0", code)
	}
}

// TestKilledSyncOnBoltDoesNotHoldTheNextOff: a `rollcall sync` on bolt
// killed while it holds the sync lease (here: waiting on Sheets) leaves
// the lease in the file. bbolt's file lock proves that no other process
// has the file, so the next sync runs at once instead of being refused as
// "already running" until the dead lease expires.
func TestKilledSyncOnBoltDoesNotHoldTheNextOff(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			endpoint, arrived := hangingSheets(t)
			csvSource := e.vars["ROLLCALL_SOURCE"]
			e.vars["ROLLCALL_SOURCE"] = sheetID
			e.vars["ROLLCALL_SHEETS_ENDPOINT"] = endpoint
			c := startChild(t, e, "sync")
			select {
			case <-arrived: // the lease is taken before the sheet is read
			case <-c.exited:
				t.Fatalf("sync exited before reading the sheet; output:\n%s", c.logs.String())
			case <-time.After(hangGuard):
				t.Fatalf("sync never read the sheet; output:\n%s", c.logs.String())
			}
			if err := c.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			c.wait(t, "the stopped sync")

			e.vars["ROLLCALL_SOURCE"] = csvSource
			delete(e.vars, "ROLLCALL_SHEETS_ENDPOINT")
			code, r := syncJSON(t, e)
			if code != 0 || r.Added != 10 {
				t.Errorf("sync after the %v sync: exit %d, report %+v; want exit 0, 10 added", sig, code, r)
			}
		})
	}
}

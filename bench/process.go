package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is an HTTP server process that the bench started and measures
// from the outside: its readiness, CPU time and peak memory, as an operator
// would.
type server struct {
	name    string
	base    string // http://127.0.0.1:PORT
	cmd     *exec.Cmd
	log     *tail
	started time.Time
	exited  chan struct{}
	waitErr error
}

// startServer runs path with args and env (of the bench's environment,
// only GOGC and GOMEMLIMIT are passed on), listening on port, and returns at once.
func startServer(name, path string, args, env []string, port int) (*server, error) {
	s := &server{
		name:   name,
		base:   "http://127.0.0.1:" + strconv.Itoa(port),
		log:    &tail{max: 16 << 10},
		exited: make(chan struct{}),
	}
	// The Go runtime's knobs of the bench's environment go to every server
	// alike, so that a run can measure production's (cloudbuild.yaml) on
	// rollcall and the minimal handler both.
	for _, k := range []string{"GOGC", "GOMEMLIMIT"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(slices.Clip(env), k+"="+v)
		}
	}
	s.cmd = exec.Command(path, args...)
	s.cmd.Env = env
	// A pipe, like Cloud Run's log collection: the service pays for its log
	// lines as it would there.
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the bench
	s.started = time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	return s, nil
}

// waitReady polls GET /ready every millisecond until it answers 200 and
// returns the time from the process's start to that answer.
func (s *server) waitReady(ctx context.Context, timeout time.Duration) (time.Duration, error) {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	deadline := s.started.Add(timeout)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/ready", nil)
		if err != nil {
			return 0, fmt.Errorf("%s /ready: %w", s.name, err)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(s.started), nil
			}
		}
		select {
		case <-s.exited:
			return 0, fmt.Errorf("%s exited before it was ready (%v); its output ends with:\n%s", s.name, s.waitErr, s.log.String())
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Millisecond):
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s not ready within %s; its output ends with:\n%s", s.name, timeout, s.log.String())
		}
	}
}

// stop sends SIGTERM, waits for the drain, and kills the process if it
// does not stop within 15 s.
func (s *server) stop() error {
	if s.cmd.Process == nil {
		return nil
	}
	select {
	case <-s.exited:
		return s.exitError()
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		return s.exitError()
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("%s did not stop within 15 s of SIGTERM and was killed", s.name)
	}
}

func (s *server) exitError() error {
	if s.waitErr != nil {
		return fmt.Errorf("%s: %w; its output ends with:\n%s", s.name, s.waitErr, s.log.String())
	}
	return nil
}

// peakRSS returns the process's peak resident set size so far (VmHWM), in
// KiB.
func (s *server) peakRSS() (int64, error) {
	return procStatusKiB(s.cmd.Process.Pid, "VmHWM:")
}

// rss returns the process's resident set size now (VmRSS) and its
// anonymous and file-backed parts (RssAnon, RssFile), in KiB.
func (s *server) rss() (total, anon, file int64, err error) {
	pid := s.cmd.Process.Pid
	if total, err = procStatusKiB(pid, "VmRSS:"); err != nil {
		return 0, 0, 0, err
	}
	if anon, err = procStatusKiB(pid, "RssAnon:"); err != nil {
		return 0, 0, 0, err
	}
	if file, err = procStatusKiB(pid, "RssFile:"); err != nil {
		return 0, 0, 0, err
	}
	return total, anon, file, nil
}

// cpuTime returns the user plus system CPU time the process has used so
// far, all threads together, at the kernel's 10 ms accounting resolution.
func (s *server) cpuTime() (time.Duration, error) {
	return procCPUTime(s.cmd.Process.Pid)
}

// procStatusKiB reads a "Key:   1234 kB" line of /proc/PID/status.
func procStatusKiB(pid int, key string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read process status: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			return parseKiB(rest)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read process status: %w", err)
	}
	return 0, fmt.Errorf("no %s line in /proc/%d/status", key, pid)
}

// parseKiB reads "   1234 kB".
func parseKiB(s string) (int64, error) {
	fields := strings.Fields(s)
	if len(fields) != 2 || fields[1] != "kB" {
		return 0, fmt.Errorf("unexpected size %q", s)
	}
	n, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("unexpected size %q: %w", s, err)
	}
	return n, nil
}

// clockTick is USER_HZ, the unit of /proc/PID/stat's CPU times: 100 on
// every Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// procCPUTime reads utime and stime from /proc/PID/stat.
func procCPUTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read process stat: %w", err)
	}
	return parseStatCPU(data)
}

// parseStatCPU returns utime+stime of a /proc/PID/stat line. The command
// name (field 2) may hold spaces and parentheses, so the fields are counted
// from the last ')': field 3 (state) is the first after it, utime is field
// 14 and stime field 15.
func parseStatCPU(data []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, errors.New("unexpected /proc stat format")
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 13 {
		return 0, errors.New("unexpected /proc stat format")
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("unexpected /proc stat field %q: %w", f, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}

// freePort returns a port that nothing listens on, on any address (as
// rollcall listens). It prefers a port below the kernel's ephemeral range,
// which outgoing connections — the load's hundreds of them — never take
// from under the server between this check and its start.
func freePort() (int, error) {
	lo := 32768
	if data, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(data)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil {
				lo = n
			}
		}
	}
	const first = 10_000
	if lo > first+100 {
		for range 100 {
			port := first + rand.IntN(lo-first)
			if ln, err := net.Listen("tcp", ":"+strconv.Itoa(port)); err == nil {
				ln.Close()
				return port, nil
			}
		}
	}
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// tail is an io.Writer that keeps the last max bytes written to it, to show
// what a failed process said without keeping all of its log.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	// Trim only when twice over, so that a busy log costs amortised O(1).
	if len(t.buf) > 2*t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

// String returns what was kept, indented.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if len(b) > t.max {
		b = b[len(b)-t.max:]
	}
	return "    " + strings.ReplaceAll(strings.TrimRight(string(b), "\n"), "\n", "\n    ")
}

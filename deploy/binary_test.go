package deploy

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/logging/logtest"
)

// dockerBuild is the Dockerfile's build command;
// TestImageRunsTheStaticBinaryAsNonroot checks that the Dockerfile runs
// exactly this, and rollcallBinary runs it here.
const dockerBuild = `CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/rollcall ./cmd/rollcall`

// binaryVersion is the version rollcallBinary stamps.
const binaryVersion = "deploytest-1"

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// rollcallBinary builds cmd/rollcall once per test run as dockerBuild does:
// static, trimmed, stamped with binaryVersion.
func rollcallBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "rollcall-deploy-"); buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w -X main.version="+binaryVersion,
			"-o", filepath.Join(buildDir, "rollcall"), "./cmd/rollcall")
		cmd.Dir = repoRoot(t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%s: %w\n%s", dockerBuild, err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "rollcall")
}

// TestDockerBuildCommandMakesAStaticBinaryThatServes runs the Dockerfile's
// build command outside Docker (this machine has no Docker engine): the
// binary must be static, trimmed and stamped, and must serve with an empty
// environment, as it will in the distroless image.
func TestDockerBuildCommandMakesAStaticBinaryThatServes(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("the image is Linux; this test checks a Linux binary")
	}
	root := repoRoot(t)
	bin := rollcallBinary(t)
	const version = binaryVersion

	assertStatic(t, bin)
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(root)) {
		t.Errorf("the binary contains the build directory %s: -trimpath is not in effect", root)
	}

	out, err := runEmpty(bin, root, nil, "version")
	if err != nil || !strings.Contains(out, version) {
		t.Errorf("rollcall version = %q (%v), want the stamped %q", out, err, version)
	}

	t.Run("serves the example sheet with an empty environment", func(t *testing.T) {
		t.Parallel()
		store := "ROLLCALL_STORE=bolt:" + filepath.Join(t.TempDir(), "r.db")
		srv := startServe(t, bin, root, store)
		srv.waitFor(t, func() bool { return srv.status(t, "/ready") == http.StatusOK }, "/ready to answer 200")
		if got := srv.status(t, "/health"); got != http.StatusOK {
			t.Errorf("/health = %d, want 200", got)
		}
		srv.stop(t)
		srv.assertJSONLogs(t)
	})

	// The image ships no examples: without ROLLCALL_SOURCE the service stays
	// unready (so Cloud Run's startup probe fails the deploy) and its log names
	// the missing file.
	t.Run("without the example sheet it stays unready and says why", func(t *testing.T) {
		t.Parallel()
		store := "ROLLCALL_STORE=bolt:" + filepath.Join(t.TempDir(), "r.db")
		srv := startServe(t, bin, t.TempDir(), store)
		srv.waitFor(t, func() bool { return strings.Contains(srv.stderr.String(), "examples/employees.csv") },
			"a log line naming examples/employees.csv")
		if got := srv.status(t, "/ready"); got != http.StatusServiceUnavailable {
			t.Errorf("/ready = %d, want 503 while nothing was ever synced", got)
		}
		srv.stop(t)
		srv.assertJSONLogs(t)
	})
}

// assertStatic fails unless the ELF file at path has no interpreter and no
// shared-library dependencies: distroless/static has no libc.
func assertStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("open %s as ELF: %v", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary has a PT_INTERP program header: it is dynamically linked")
		}
		if p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary has a PT_DYNAMIC program header: it is dynamically linked")
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatalf("read DT_NEEDED: %v", err)
	}
	if len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %q", libs)
	}
}

// runEmpty runs the binary to completion with only env in its environment.
func runEmpty(bin, dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// server is a running `rollcall serve`.
type server struct {
	cmd     *exec.Cmd
	base    string
	stderr  *logtest.Buffer
	exited  chan struct{} // closed when the process has exited
	exitErr error         // cmd.Wait's answer, set before exited is closed
}

// startServe starts `rollcall serve` in dir with an environment of PORT and
// extra only. It is killed when the test ends if still running.
func startServe(t *testing.T, bin, dir string, extra ...string) *server {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(bin, "serve")
	cmd.Dir = dir
	cmd.Env = append([]string{"PORT=" + strconv.Itoa(port)}, extra...)
	srv := &server{cmd: cmd, base: "http://127.0.0.1:" + strconv.Itoa(port), stderr: &logtest.Buffer{}, exited: make(chan struct{})}
	cmd.Stdout = srv.stderr
	cmd.Stderr = srv.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start rollcall serve: %v", err)
	}
	go func() {
		srv.exitErr = cmd.Wait()
		close(srv.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-srv.exited:
		default:
			_ = cmd.Process.Kill()
			<-srv.exited
		}
	})
	return srv
}

// status returns the HTTP status of GET path, or 0 if there is no answer.
func (s *server) status(t *testing.T, path string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitFor polls cond until it holds; it fails the test if the server exits,
// or after 2 minutes: a bound for a hang, not a speed target.
func (s *server) waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		select {
		case <-s.exited:
			t.Fatalf("rollcall serve exited (%v) before %s; its output:\n%s", s.exitErr, what, s.stderr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within 2 minutes; rollcall serve's output:\n%s", what, s.stderr)
		}
	}
}

// stop sends SIGTERM, as Cloud Run does, and wants a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-s.exited:
		if s.exitErr != nil {
			t.Errorf("after SIGTERM rollcall serve exited with %v, want 0; its output:\n%s", s.exitErr, s.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("rollcall serve did not stop within 20 s of SIGTERM; its output:\n%s", s.stderr)
	}
}

// assertJSONLogs checks that every line the server wrote is a JSON object
// with a severity: with no ROLLCALL_LOG_FORMAT, Cloud Logging gets its shape.
func (s *server) assertJSONLogs(t *testing.T) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(s.stderr.String()), "\n")
	if len(lines) == 0 || lines[0] == "" {
		t.Fatal("rollcall serve logged nothing")
	}
	for _, line := range lines {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil || entry["severity"] == nil {
			t.Errorf("log line is not a JSON entry with a severity: %q", line)
		}
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

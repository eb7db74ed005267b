package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/logging/logtest"

	gfs "cloud.google.com/go/firestore"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
)

// These tests run the rollcall binary as a separate process, as Cloud Run
// does: they need real signals and a real crash.

var (
	buildOnce sync.Once
	builtPath string
	buildErr  error
)

// rollcallBinary builds cmd/rollcall once per test run, with the
// Dockerfile's build flags: the deploy tests build it so too, and
// scripts/test.sh builds it so first, so that each of those builds only
// links.
func rollcallBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rollcall-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtPath = filepath.Join(dir, "rollcall")
		cmd := exec.Command("go", "build", "-trimpath", "-o", builtPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtPath
}

// environ turns a test environment into a child process's, with nothing
// inherited but what the toolchain and the emulator need.
func (e *testEnv) environ() []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	if h := os.Getenv("FIRESTORE_EMULATOR_HOST"); h != "" {
		env = append(env, "FIRESTORE_EMULATOR_HOST="+h)
	}
	for k, v := range e.vars {
		env = append(env, k+"="+v)
	}
	return env
}

// freePort returns a port that no one listens on, taken below Linux's
// ephemeral range (32768 and up): a port the kernel handed out for a
// parallel test's listener on :0 or connection could be taken again before
// the child binds it ("address already in use").
func freePort(t *testing.T) int {
	t.Helper()
	for range 100 {
		port := 20000 + rand.IntN(12000)
		if ln, err := net.Listen("tcp", fmt.Sprint(":", port)); err == nil {
			ln.Close()
			return port
		}
	}
	t.Fatal("no free port between 20000 and 32000")
	return 0
}

// waitReady polls /ready until it answers 200. A minute gives a process
// that starts on a loaded machine, or against a cold emulator, its time.
func waitReady(t *testing.T, base string, logs fmt.Stringer) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s/ready never answered 200; logs:\n%s", base, logs)
}

func TestSIGTERMLetsASlowSkillCallFinish(t *testing.T) {
	t.Parallel()
	bin := rollcallBinary(t)
	fake, err := kakaotest.Start(kakaotest.PlainHTTP())
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.SetDelay(1500 * time.Millisecond) // Kakao is slow today

	e := newTestEnv(t)
	port := freePort(t)
	e.vars["PORT"] = fmt.Sprint(port)
	e.vars["ROLLCALL_KAKAO_REST_API_KEY"] = fake.APIKey()
	e.vars["ROLLCALL_KAKAO_OTP_ORIGINS"] = fake.Origin()
	var logs logtest.Buffer
	cmd := exec.Command(bin, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = e.environ(), &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer cmd.Process.Kill()

	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitReady(t, base, &logs)

	type answer struct {
		status int
		body   string
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		body := skillRequest(t, "validation-request.json", fake.Issue(kakaotest.Profile{PhoneNumber: employeePhone}))
		resp, err := http.Post(base+"/kakao/validate", "application/json", strings.NewReader(body))
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		answered <- answer{status: resp.StatusCode, body: b.String()}
	}()
	// Wait until the call is with Kakao, then stop the service.
	for deadline := time.Now().Add(5 * time.Second); len(fake.Requests()) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the skill call never reached the Kakao fake")
		}
	}
	stopped := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	a := <-answered
	if a.err != nil || a.status != 200 || !strings.Contains(a.body, `"SUCCESS"`) {
		t.Errorf("in-flight skill call: status %d, body %q, err %v; want 200 SUCCESS", a.status, a.body, a.err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("rollcall serve exited with %v after SIGTERM, want 0; logs:\n%s", err, logs.String())
		}
		t.Logf("stopped %v after SIGTERM", time.Since(stopped).Round(time.Millisecond))
	case <-time.After(30 * time.Second): // the service's own drain deadline is 8 s; this only catches a hang
		t.Fatalf("rollcall serve still running 30 s after SIGTERM; logs:\n%s", logs.String())
	}
}

// TestKilledSyncIsRepaired kills `rollcall sync` half-way through writing a
// large sheet into Firestore. Its lease blocks the next sync until it
// expires; then the next sync completes the directory.
func TestKilledSyncIsRepaired(t *testing.T) {
	t.Parallel()
	needFirestoreEmulator(t)
	bin := rollcallBinary(t)
	e := newTestEnv(t)
	const n = 4000
	var sheet strings.Builder
	sheet.WriteString("이름,휴대전화\n")
	for i := range n {
		fmt.Fprintf(&sheet, "직원%d,010-%04d-%04d\n", i, 1000+i/10000, i%10000)
	}
	if err := os.WriteFile(e.sheet, []byte(sheet.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	project := fmt.Sprintf("rollcall-kill-%d", time.Now().UnixNano()%1e9)
	e.vars["ROLLCALL_STORE"] = "firestore:" + project
	ctx := context.Background()
	client, err := gfs.NewClient(ctx, project)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	count := func() int {
		res, err := client.Collection("employees").NewAggregationQuery().WithCount("n").Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return int(res["n"].(interface{ GetIntegerValue() int64 }).GetIntegerValue())
	}

	sync1 := exec.Command(bin, "sync")
	sync1.Env = e.environ()
	if err := sync1.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		if c := count(); c > 0 {
			break
		}
		if time.Now().After(deadline) {
			sync1.Process.Kill()
			t.Fatal("the first sync wrote nothing within 60 s")
		}
	}
	if err := sync1.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = sync1.Wait()
	partial := count()
	if partial == n {
		t.Skipf("the sync finished all %d writes before it could be killed; nothing to repair", n)
	}
	t.Logf("killed the sync after %d of %d employees", partial, n)

	// The dead sync's lease still holds: the next sync is turned away.
	sync2 := exec.Command(bin, "sync", "--json")
	sync2.Env = e.environ()
	out, err := sync2.CombinedOutput()
	if code := sync2.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), "already running") {
		t.Fatalf("sync during the dead sync's lease: exit %d (%v), output %s; want exit 1, busy", code, err, out)
	}

	// Time passes: the lease expires (its expiry moved into the past, as
	// the clock would move it).
	if _, err := client.Doc("locks/sync").Update(ctx, []gfs.Update{{Path: "expires_at", Value: time.Now().Add(-time.Second)}}); err != nil {
		t.Fatal(err)
	}
	sync3 := exec.Command(bin, "sync", "--json")
	sync3.Env = e.environ()
	if out, err := sync3.CombinedOutput(); err != nil {
		t.Fatalf("sync after the lease expired: %v\n%s", err, out)
	}
	if got := count(); got != n {
		t.Errorf("directory holds %d employees after the repair, want %d", got, n)
	}
}

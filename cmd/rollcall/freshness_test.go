package main

// Issue 6's freshness rule, with two real processes on one Firestore
// emulator project: the instance that runs a sync answers from it at once,
// and the other instance within 30 s, each way.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/logging/logtest"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// freshnessBound is how soon another instance must stop verifying an
// employee that a sync deleted: the requirement, not a measure of speed.
const freshnessBound = 30 * time.Second

// instance is one `rollcall serve` process.
type instance struct {
	name string
	base string
	logs *logtest.Buffer
}

// startInstance starts `rollcall serve` on a free port with e's
// configuration, waits until /ready answers 200 and stops it (SIGTERM, as
// Cloud Run does) when the test ends, failing the test unless it exits 0.
func startInstance(t *testing.T, bin, name string, e *testEnv) *instance {
	t.Helper()
	port := freePort(t)
	env := e.environ()
	env = append(env, fmt.Sprintf("PORT=%d", port))
	logs := &logtest.Buffer{}
	cmd := exec.Command(bin, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start instance %s: %v", name, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Errorf("stop instance %s: %v", name, err)
		}
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("instance %s exited with %v after SIGTERM, want 0; logs:\n%s", name, err, logs)
			}
		case <-time.After(30 * time.Second): // the drain's own deadline is 8 s; this only catches a hang
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("instance %s still running 30 s after SIGTERM; logs:\n%s", name, logs)
		}
	})
	in := &instance{name: name, base: fmt.Sprintf("http://127.0.0.1:%d", port), logs: logs}
	waitReady(t, in.base, logs)
	return in
}

// exampleUserKey is the bot user key of the example validation request.
const exampleUserKey = "a3f0c1d2e4b5968778a9b0c1d2e3f40516273849a0b1c2d3e4f5061728394a5b6c"

// validate sends the validation skill a fresh OTP for p, as a user of its
// own (one user's retries are rate-limited), and returns the answer's
// status: SUCCESS, FAIL or ERROR.
func (in *instance) validate(t *testing.T, fake *kakaotest.Server, p kakaotest.Profile) string {
	t.Helper()
	user := make([]byte, 32)
	if _, err := rand.Read(user); err != nil {
		t.Fatal(err)
	}
	body := skillRequest(t, "validation-request.json", fake.Issue(p))
	if !strings.Contains(body, exampleUserKey) {
		t.Fatal("the example validation request has changed its user key")
	}
	body = strings.ReplaceAll(body, exampleUserKey, hex.EncodeToString(user))
	resp, err := http.Post(in.base+"/kakao/validate", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("instance %s: POST /kakao/validate: %v", in.name, err)
	}
	defer resp.Body.Close()
	var answer struct {
		Status string `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("instance %s: POST /kakao/validate: status %d, decode %v", in.name, resp.StatusCode, err)
	}
	return answer.Status
}

func TestSyncReachesOtherInstancesWithin30s(t *testing.T) {
	t.Parallel()
	needFirestoreEmulator(t)
	bin := rollcallBinary(t)
	fake := kakaotest.NewServer(t, kakaotest.PlainHTTP())

	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t)
	e.vars["ROLLCALL_STORE"] = "firestore:rollcall-fresh-" + hex.EncodeToString(suffix)
	e.vars["ROLLCALL_KAKAO_REST_API_KEY"] = fake.APIKey()
	e.vars["ROLLCALL_KAKAO_OTP_ORIGINS"] = fake.Origin()
	e.vars["ROLLCALL_SYNC_TOKEN"] = "freshness-sync-token"
	e.vars["ROLLCALL_LOG_LEVEL"] = "info"

	// A starts on a never-synced project and syncs it; B starts after, on
	// the synced directory, from the same sheet.
	a := startInstance(t, bin, "A", e)
	b := startInstance(t, bin, "B", e)
	employee := kakaotest.Profile{AppUserID: 1, Nickname: "길동", PhoneNumber: employeePhone}
	for _, in := range []*instance{a, b} {
		if got := in.validate(t, fake, employee); got != "SUCCESS" {
			t.Fatalf("instance %s before the sync answered %s, want SUCCESS; logs:\n%s", in.name, got, in.logs)
		}
	}

	// HR removes the employee; a sync runs on A. A answers from it at
	// once; B learns of it by itself, while requests keep arriving.
	original, err := os.ReadFile(e.sheet)
	if err != nil {
		t.Fatal(err)
	}
	e.removeRow(t, "홍길동")
	if r := syncOn(t, a); r.Deleted != 1 {
		t.Fatalf("sync on A: report %+v, want 1 deleted", r)
	}
	synced := time.Now()
	if got := a.validate(t, fake, employee); got != "FAIL" {
		t.Errorf("instance A right after its own sync answered %s, want FAIL", got)
	}
	waitForAnswer(t, b, fake, employee, "FAIL", synced)

	// HR puts the row back; a sync runs on B, and A learns of it.
	if err := os.WriteFile(e.sheet, original, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := syncOn(t, b); r.Added != 1 {
		t.Fatalf("sync on B: report %+v, want 1 added", r)
	}
	synced = time.Now()
	if got := b.validate(t, fake, employee); got != "SUCCESS" {
		t.Errorf("instance B right after its own sync answered %s, want SUCCESS", got)
	}
	waitForAnswer(t, a, fake, employee, "SUCCESS", synced)
	assertNoPII(t, a.logs.String()+b.logs.String(), fake)
}

// syncOn runs a sync on in through POST /internal/sync and returns its
// report, failing the test unless it answers 200.
func syncOn(t *testing.T, in *instance) rostersync.Report {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, in.base+"/internal/sync", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer freshness-sync-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /internal/sync on %s: %v", in.name, err)
	}
	defer resp.Body.Close()
	var report rostersync.Report
	if err := json.NewDecoder(resp.Body).Decode(&report); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("sync on %s: status %d, decode %v; logs:\n%s", in.name, resp.StatusCode, err, in.logs)
	}
	return report
}

// waitForAnswer asks in about p until it answers want, failing the test if
// that takes longer than freshnessBound after synced or it answers
// anything but the old answer meanwhile.
func waitForAnswer(t *testing.T, in *instance, fake *kakaotest.Server, p kakaotest.Profile, want string, synced time.Time) {
	t.Helper()
	old := map[string]string{"FAIL": "SUCCESS", "SUCCESS": "FAIL"}[want]
	for {
		got := in.validate(t, fake, p)
		elapsed := time.Since(synced)
		if got == want {
			t.Logf("instance %s answered %s %v after the other's sync", in.name, want, elapsed.Round(time.Millisecond))
			return
		}
		if got != old {
			t.Fatalf("instance %s answered %s %v after the sync, want %s until it answers %s; logs:\n%s", in.name, got, elapsed, old, want, in.logs)
		}
		if elapsed > freshnessBound {
			t.Fatalf("instance %s still answers %s %v after the other's sync, want %s within %v; logs:\n%s",
				in.name, got, elapsed.Round(time.Millisecond), want, freshnessBound, in.logs)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

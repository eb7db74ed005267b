package main

// Issue 6's freshness rule, with two instances of the service on one
// Firestore emulator project and one clock the test moves: the instance
// that runs a sync answers from it at once, and the other instance within
// 30 s, each way, by itself.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/logging/logtest"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// freshnessBound is how soon another instance must stop verifying an
// employee that a sync deleted: the requirement, not a measure of speed.
const freshnessBound = 30 * time.Second

// directoryLoaded is in the line the directory in memory logs when a check
// brought in what the store changed ("employee directory caught up", or
// "... loaded into memory" when it read everyone again).
const directoryLoaded = "employee directory "

// instance is one service, started as `rollcall serve` starts it, behind a
// loopback server.
type instance struct {
	name string
	svc  *service
	url  string
	logs *logtest.Buffer
}

// startInstance builds and starts a service from e on clock, as `rollcall
// serve` does (a first sync if the store was never synced, then the
// directory's load).
func startInstance(t *testing.T, name string, e *testEnv, fake *kakaotest.Server, clock *clocktest.Clock) *instance {
	t.Helper()
	svc, logs, ctx := newTestServiceAt(t, e, fake, clock.Now)
	svc.start(ctx)
	ts := httptest.NewServer(svc.server.Handler())
	t.Cleanup(ts.Close)
	return &instance{name: name, svc: svc, url: ts.URL, logs: logs}
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
	resp, err := http.Post(in.url+"/kakao/validate", "application/json", strings.NewReader(body))
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
	fake := kakaotest.NewServer(t)
	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t)
	e.vars["ROLLCALL_STORE"] = "firestore:rollcall-fresh-" + hex.EncodeToString(suffix)
	e.vars["ROLLCALL_LOG_LEVEL"] = "info"
	clock := clocktest.New(time.Now())

	// A starts on a never-synced project and syncs it; B starts after, on
	// the synced directory, from the same sheet.
	a := startInstance(t, "A", e, fake, clock)
	b := startInstance(t, "B", e, fake, clock)
	employee := kakaotest.Profile{AppUserID: 1, Nickname: "길동", PhoneNumber: employeePhone}
	for _, in := range []*instance{a, b} {
		if got := in.validate(t, fake, employee); got != "SUCCESS" {
			t.Fatalf("instance %s before the sync answered %s, want SUCCESS; logs:\n%s", in.name, got, in.logs)
		}
	}

	// HR removes the employee; a sync runs on A. A answers from it at
	// once; B learns of it by itself, once its check falls due.
	original, err := os.ReadFile(e.sheet)
	if err != nil {
		t.Fatal(err)
	}
	e.removeRow(t, "홍길동")
	if r := syncOn(t, a); r.Deleted != 1 {
		t.Fatalf("sync on A: report %+v, want 1 deleted", r)
	}
	if got := a.validate(t, fake, employee); got != "FAIL" {
		t.Errorf("instance A right after its own sync answered %s, want FAIL", got)
	}
	answersWithinBound(t, clock, b, fake, employee, "FAIL")

	// HR puts the row back; a sync runs on B, and A learns of it.
	if err := os.WriteFile(e.sheet, original, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := syncOn(t, b); r.Added != 1 {
		t.Fatalf("sync on B: report %+v, want 1 added", r)
	}
	if got := b.validate(t, fake, employee); got != "SUCCESS" {
		t.Errorf("instance B right after its own sync answered %s, want SUCCESS", got)
	}
	answersWithinBound(t, clock, a, fake, employee, "SUCCESS")
	assertNoPII(t, a.logs.String()+b.logs.String(), fake)
}

// syncOn runs a sync on in as POST /internal/sync would and returns its
// report, failing the test if it fails.
func syncOn(t *testing.T, in *instance) rostersync.Report {
	t.Helper()
	report, err := in.svc.engine.Run(t.Context(), rostersync.Options{})
	if err != nil {
		t.Fatalf("sync on %s: %v; logs:\n%s", in.name, err, in.logs)
	}
	return report
}

// answersWithinBound moves the clock by freshnessBound and asks in about p:
// that request finds in's check due and starts it, and still answers from
// the copy in memory (the old answer, or already the new one). Once the
// check has brought in the other instance's sync, in must answer want.
func answersWithinBound(t *testing.T, clock *clocktest.Clock, in *instance, fake *kakaotest.Server, p kakaotest.Profile, want string) {
	t.Helper()
	old := map[string]string{"FAIL": "SUCCESS", "SUCCESS": "FAIL"}[want]
	loads := in.logs.Count(directoryLoaded)
	clock.Advance(freshnessBound)
	if got := in.validate(t, fake, p); got != old && got != want {
		t.Fatalf("instance %s answered %s while its check ran, want %s or %s; logs:\n%s", in.name, got, old, want, in.logs)
	}
	// A guard against a hang only: the check is one small read and the
	// changed employees.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := in.logs.WaitFor(ctx, directoryLoaded, loads+1); err != nil {
		t.Fatalf("instance %s: its check after %v: %v; logs:\n%s", in.name, freshnessBound, err, in.logs)
	}
	if got := in.validate(t, fake, p); got != want {
		t.Errorf("instance %s %v after the other's sync answered %s, want %s; logs:\n%s", in.name, freshnessBound, got, want, in.logs)
	}
}

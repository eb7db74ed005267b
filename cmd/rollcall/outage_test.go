package main

// Issue 10's acceptance: a serving instance whose Firestore goes away keeps
// answering skills from memory (a new verification ERROR, since it cannot
// be bound: issue 19), answers its other endpoints promptly and honestly,
// and recovers by itself when Firestore is back.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/logging/logtest"
)

// emulator is a Firestore emulator of the test's own, run by
// scripts/firestore-emulator.sh around `cat`: closing cat's input ends the
// script, which stops the emulator.
type emulator struct {
	stdin io.WriteCloser
	done  chan error
	logs  *logtest.Buffer
}

// startEmulator starts an emulator on 127.0.0.1:port and waits until the
// script says it is ready (after its warm-up).
func startEmulator(t *testing.T, port int) *emulator {
	t.Helper()
	cmd := exec.Command("../../scripts/firestore-emulator.sh", "cat")
	cmd.Env = append(os.Environ(), fmt.Sprintf("FIRESTORE_EMULATOR_PORT=%d", port))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	em := &emulator{stdin: stdin, done: make(chan error, 1), logs: &logtest.Buffer{}}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		signalled := false
		for sc.Scan() {
			fmt.Fprintln(em.logs, sc.Text())
			if !signalled && strings.Contains(sc.Text(), "emulator ready at") {
				close(ready)
				signalled = true
			}
		}
		em.done <- cmd.Wait()
	}()
	t.Cleanup(func() { em.stop(t) })
	select {
	case <-ready:
	case err := <-em.done:
		em.done <- err
		t.Fatalf("the Firestore emulator script ended (%v) before the emulator was ready:\n%s", err, em.logs)
	case <-time.After(3 * time.Minute):
		t.Fatalf("the Firestore emulator was not ready within 3 minutes:\n%s", em.logs)
	}
	return em
}

// stop stops the emulator and waits until it is gone; stopping it again
// does nothing.
func (em *emulator) stop(t *testing.T) {
	t.Helper()
	if em.stdin == nil {
		return
	}
	em.stdin.Close()
	em.stdin = nil
	select {
	case <-em.done:
	case <-time.After(time.Minute):
		t.Fatalf("the Firestore emulator did not stop within a minute:\n%s", em.logs)
	}
}

// answer is a status and a JSON body's top-level fields, as text.
type answer struct {
	status int
	body   map[string]string
}

// callService sends method path to base (with the sync token, as an operator
// would) and decodes the JSON answer, failing the test if it cannot.
func callService(t *testing.T, method, url, body string) answer {
	t.Helper()
	a, err := callOnce(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// callOnce is callService for a goroutine of its own. The client waits long: the
// bound on the answer is the service's own deadline, not this.
func callOnce(method, url, body string) (answer, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Authorization", "Bearer outage-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	var raw map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		return answer{}, fmt.Errorf("%s %s: status %d, body is not JSON: %w", method, url, resp.StatusCode, err)
	}
	a := answer{status: resp.StatusCode, body: map[string]string{}}
	for k, v := range raw {
		a.body[k] = fmt.Sprint(v)
	}
	return a, nil
}

// The lines the directory in memory logs when its check stops reaching the
// store, and when it reaches it again: the events this test waits for.
const (
	storeUnreachable = "the directory store cannot be reached"
	storeReachable   = "the directory store can be reached again"
)

// waitForLine waits until logs holds line n times. The service's own checks
// (every 10 s, each bounded by its own deadline) write it; the bound here
// only ends a test that hangs.
func waitForLine(t *testing.T, logs *logtest.Buffer, line string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := logs.WaitFor(ctx, line, n); err != nil {
		t.Fatalf("the service's log: %v", err)
	}
}

func TestFirestoreOutageUnderAServingInstance(t *testing.T) {
	t.Parallel()
	needFirestoreEmulator(t) // the machine has the emulator: this test starts its own
	bin := rollcallBinary(t)
	emPort := freePort(t)
	em := startEmulator(t, emPort)

	fake, err := kakaotest.Start(kakaotest.PlainHTTP())
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	e := newTestEnv(t)
	port := freePort(t)
	e.vars["PORT"] = fmt.Sprint(port)
	e.vars["FIRESTORE_EMULATOR_HOST"] = fmt.Sprintf("127.0.0.1:%d", emPort)
	e.vars["ROLLCALL_STORE"] = "firestore:rollcall-outage"
	e.vars["ROLLCALL_KAKAO_REST_API_KEY"] = fake.APIKey()
	e.vars["ROLLCALL_KAKAO_OTP_ORIGINS"] = fake.Origin()
	e.vars["ROLLCALL_SYNC_TOKEN"] = "outage-token"
	logs := &logtest.Buffer{}
	cmd := exec.Command(bin, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = e.environ(), logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitReady(t, base, logs) // after the service's own first sync
	defer func() {
		if t.Failed() {
			t.Logf("rollcall's logs:\n%s", logs)
		}
	}()

	// verify validates the employee as a user not seen before, so that no
	// binding this instance holds answers for the store. With Firestore
	// down the user cannot be bound, and a SUCCESS means bound: ERROR, "try
	// again later" (issue 19), though the directory in memory knows them.
	users := 0
	verify := func(when, want string) {
		t.Helper()
		users++
		otp := fake.Issue(kakaotest.Profile{PhoneNumber: employeePhone})
		body := strings.ReplaceAll(skillRequest(t, "validation-request.json", otp), exampleUser, fmt.Sprintf("%064x", users))
		if a := callService(t, "POST", base+"/kakao/validate", body); a.status != 200 || a.body["status"] != want {
			t.Errorf("validation %s = %d %v, want 200 %s", when, a.status, a.body, want)
		}
	}
	verify("with Firestore up", "SUCCESS")

	em.stop(t)
	down := time.Now()
	verify("with Firestore down", "ERROR")
	// A sync asked for now fails within the service's own deadline; the
	// directory's next check finds the store gone, and says so once. The
	// test waits for both at once.
	type result struct {
		a   answer
		err error
	}
	synced := make(chan result, 1)
	go func() {
		// The first sync may still be releasing its lease when the store goes
		// down (a release that now waits out its own deadline): that is 409
		// busy until it ends, so ask again then.
		for {
			a, err := callOnce("POST", base+"/internal/sync", "")
			if err != nil || a.status != http.StatusConflict || a.body["reason"] != "busy" {
				synced <- result{a, err}
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	waitForLine(t, logs, storeUnreachable, 1)
	if a := callService(t, "GET", base+"/ready", ""); a.status != 200 || a.body["directory"] != "stale" {
		t.Errorf("/ready once the check failed = %d %v, want 200 stale", a.status, a.body)
	}
	t.Logf("/ready said stale %v after the store went down", time.Since(down).Round(time.Millisecond))
	r := <-synced
	if r.err != nil {
		t.Fatal(r.err)
	}
	if a := r.a; a.status != http.StatusServiceUnavailable || a.body["reason"] != "store_unavailable" {
		t.Errorf("POST /internal/sync with Firestore down = %d %v, want 503 store_unavailable", a.status, a.body)
	}
	if a := callService(t, "GET", base+"/internal/status", ""); a.status != http.StatusServiceUnavailable || a.body["error"] == "" {
		t.Errorf("GET /internal/status with Firestore down = %d %v, want 503 with an error", a.status, a.body)
	}
	t.Logf("/internal/sync answered, /internal/status too, %v after the store went down", time.Since(down).Round(time.Millisecond))
	if a := callService(t, "GET", base+"/ready", ""); a.status != 200 || a.body["directory"] != "stale" {
		t.Errorf("/ready with Firestore still down = %d %v, want 200 stale", a.status, a.body)
	}
	verify("with Firestore down and /ready saying stale", "ERROR")

	// Firestore is back at the same address, empty (the emulator keeps
	// nothing). The directory's next check reaches it by itself; then a
	// sync fills it again, and the instance answers from that at once.
	startEmulator(t, emPort)
	back := time.Now()
	waitForLine(t, logs, storeReachable, 1)
	a := callService(t, "POST", base+"/internal/sync", "")
	employees := a.body["employees"] // the example's count: all of them come back as added
	if a.status != 200 || a.body["added"] != employees || employees == "0" {
		t.Fatalf("POST /internal/sync once the store was reached again = %d %v, want 200 with every employee added", a.status, a.body)
	}
	if a := callService(t, "GET", base+"/ready", ""); a.status != 200 || a.body["directory"] != "current" {
		t.Errorf("/ready after the sync = %d %v, want 200 current", a.status, a.body)
	}
	if a := callService(t, "GET", base+"/internal/status", ""); a.status != 200 || a.body["directory_size"] != employees {
		t.Errorf("GET /internal/status after the store came back = %d %v, want 200 and %s employees", a.status, a.body, employees)
	}
	verify("after Firestore came back", "SUCCESS")
	t.Logf("recovered %v after the store came back", time.Since(back).Round(time.Millisecond))
}

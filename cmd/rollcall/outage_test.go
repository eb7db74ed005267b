package main

// Issue 10's acceptance: a serving instance whose Firestore goes away keeps
// answering skills from memory (a new verification ERROR, since it cannot
// be bound: issue 19), answers its other endpoints promptly and honestly,
// and recovers by itself when Firestore is back.
//
// The service runs in-process on a clock the test moves, so that its
// directory's checks fall due when the test says rather than every 10 s;
// the Firestore emulator is the test's own, stopped and started again. The
// Firestore library reads the emulator's address from the process
// environment, so the test runs in a process of its own whose environment
// names that emulator.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/logging/logtest"
	"github.com/rollcall/rollcall/internal/memdir"
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
// (each bounded by its own deadline) write it; the bound here only ends a
// test that hangs.
func waitForLine(t *testing.T, logs *logtest.Buffer, line string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := logs.WaitFor(ctx, line, n); err != nil {
		t.Fatalf("the service's log: %v", err)
	}
}

// reply is a call's answer or its error.
type reply struct {
	a   answer
	err error
}

// callLater runs call in a goroutine of its own and hands over its reply.
func callLater(call func() (answer, error)) <-chan reply {
	c := make(chan reply, 1)
	go func() {
		a, err := call()
		c <- reply{a, err}
	}()
	return c
}

// answer returns the reply's answer, failing t if the call failed.
func (r reply) answer(t *testing.T) answer {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.a
}

// outageEmulatorEnv, set, says that this process is the outage test's own,
// and that FIRESTORE_EMULATOR_HOST is the address of an emulator it starts.
const outageEmulatorEnv = "ROLLCALL_TEST_OUTAGE_EMULATOR"

// inOwnProcess runs the test named name again in a process of its own
// whose FIRESTORE_EMULATOR_HOST is a free loopback address, and fails t
// with that process's output if it fails.
func inOwnProcess(t *testing.T, name string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.v", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), outageEmulatorEnv+"=1", fmt.Sprintf("FIRESTORE_EMULATOR_HOST=127.0.0.1:%d", freePort(t)))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+name) {
		t.Fatalf("%s in a process of its own: %v\n%s", name, err, out)
	}
}

func TestFirestoreOutageUnderAServingInstance(t *testing.T) {
	t.Parallel()
	needFirestoreEmulator(t) // the machine has the emulator: this test starts its own
	if os.Getenv(outageEmulatorEnv) == "" {
		inOwnProcess(t, t.Name())
		return
	}
	_, port, err := net.SplitHostPort(os.Getenv("FIRESTORE_EMULATOR_HOST"))
	if err != nil {
		t.Fatal(err)
	}
	emPort, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	em := startEmulator(t, emPort)

	fake := kakaotest.NewServer(t)
	e := newTestEnv(t)
	e.vars["ROLLCALL_STORE"] = "firestore:rollcall-outage"
	e.vars["ROLLCALL_SYNC_TOKEN"] = "outage-token"
	clock := clocktest.New(time.Now())
	in := startInstance(t, "outage", e, fake, clock) // after the service's own first sync
	base, logs := in.url, in.logs
	if a := callService(t, "GET", base+"/ready", ""); a.status != 200 || a.body["directory"] != "current" {
		t.Fatalf("/ready after the first sync = %d %v, want 200 current; logs:\n%s", a.status, a.body, logs)
	}
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
	// The directory's next check falls due; the validation's look-up starts
	// it, in the background, and answers from memory meanwhile.
	clock.Advance(memdir.DefaultCheckInterval)
	verify("with Firestore down", "ERROR")
	// A sync and a status asked for now fail within the service's own
	// deadlines; the directory's check finds the store gone, and says so
	// once. The test waits for the three at once.
	synced := callLater(func() (answer, error) {
		// The first sync may still be releasing its lease when the store goes
		// down (a release that now waits out its own deadline): that is 409
		// busy until it ends, so ask again then.
		for {
			a, err := callOnce("POST", base+"/internal/sync", "")
			if err != nil || a.status != http.StatusConflict || a.body["reason"] != "busy" {
				return a, err
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	status := callLater(func() (answer, error) { return callOnce("GET", base+"/internal/status", "") })
	waitForLine(t, logs, storeUnreachable, 1)
	if a := callService(t, "GET", base+"/ready", ""); a.status != 200 || a.body["directory"] != "stale" {
		t.Errorf("/ready once the check failed = %d %v, want 200 stale", a.status, a.body)
	}
	t.Logf("/ready said stale %v after the store went down", time.Since(down).Round(time.Millisecond))
	if a := (<-synced).answer(t); a.status != http.StatusServiceUnavailable || a.body["reason"] != "store_unavailable" {
		t.Errorf("POST /internal/sync with Firestore down = %d %v, want 503 store_unavailable", a.status, a.body)
	}
	if a := (<-status).answer(t); a.status != http.StatusServiceUnavailable || a.body["error"] == "" {
		t.Errorf("GET /internal/status with Firestore down = %d %v, want 503 with an error", a.status, a.body)
	}
	t.Logf("/internal/sync answered, /internal/status too, %v after the store went down", time.Since(down).Round(time.Millisecond))
	if a := callService(t, "GET", base+"/ready", ""); a.status != 200 || a.body["directory"] != "stale" {
		t.Errorf("/ready with Firestore still down = %d %v, want 200 stale", a.status, a.body)
	}
	verify("with Firestore down and /ready saying stale", "ERROR")

	// Firestore is back at the same address, empty (the emulator keeps
	// nothing). The directory's checks reach it by themselves: each falls
	// due as the clock moves, started by a probe of /ready, until one gets
	// through (the client's reconnection backs off while the store is
	// down). Then a sync fills it again, and the instance answers from that
	// at once.
	startEmulator(t, emPort)
	back := time.Now()
	for reached := false; !reached; {
		clock.Advance(memdir.DefaultCheckInterval)
		callService(t, "GET", base+"/ready", "")
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		reached = logs.WaitFor(ctx, storeReachable, 1) == nil
		cancel()
		if !reached && time.Since(back) > 3*time.Minute {
			t.Fatalf("the directory's checks did not reach the store within 3 minutes of its return")
		}
	}
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

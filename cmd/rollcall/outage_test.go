package main

// Issue 10's acceptance: a serving instance whose Firestore goes away keeps
// answering skills from memory (a new verification ERROR, since it cannot
// be bound: issue 19), answers its other endpoints promptly and honestly,
// and recovers by itself when Firestore is back.
//
// The service runs in-process on a clock the test moves, so that its
// directory's checks fall due when the test says rather than every 10 s.
// It reaches the emulator through a proxy that the test cuts (every
// connection closed, new ones refused) and restores at the same address.
// The Firestore library reads the emulator's address from the process
// environment, so the test runs in a process of its own whose environment
// names the proxy.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/logging/logtest"
	"github.com/rollcall/rollcall/internal/memdir"
)

// firestoreProxy forwards TCP connections from addr to the emulator at
// upstream while it is up.
type firestoreProxy struct {
	addr, upstream string

	mu    sync.Mutex
	ln    net.Listener // nil while down
	conns map[net.Conn]bool
}

// up starts accepting connections at p.addr.
func (p *firestoreProxy) up(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("the Firestore proxy: %v", err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go p.serve(ln)
}

// down closes the listener and every connection: Firestore is gone.
func (p *firestoreProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// serve forwards every connection ln accepts until ln is closed.
func (p *firestoreProxy) serve(ln net.Listener) {
	for {
		client, err := ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.upstream)
		if err != nil {
			client.Close()
			continue
		}
		p.mu.Lock()
		if p.ln != ln { // cut meanwhile
			p.mu.Unlock()
			client.Close()
			server.Close()
			continue
		}
		p.conns[client], p.conns[server] = true, true
		p.mu.Unlock()
		go pipe(client, server)
		go pipe(server, client)
	}
}

// pipe copies from src to dst, then closes both.
func pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
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

// outageUpstreamEnv, set, says that this process is the outage test's own:
// FIRESTORE_EMULATOR_HOST is the address its proxy listens on, and this
// the emulator's.
const outageUpstreamEnv = "ROLLCALL_TEST_OUTAGE_UPSTREAM"

// inOwnProcess runs the test named name again in a process of its own
// whose FIRESTORE_EMULATOR_HOST is a free loopback address for its proxy,
// and fails t with that process's output if it fails.
func inOwnProcess(t *testing.T, name string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.v", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), outageUpstreamEnv+"="+os.Getenv("FIRESTORE_EMULATOR_HOST"),
		fmt.Sprintf("FIRESTORE_EMULATOR_HOST=127.0.0.1:%d", freePort(t)))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+name) {
		t.Fatalf("%s in a process of its own: %v\n%s", name, err, out)
	}
}

func TestFirestoreOutageUnderAServingInstance(t *testing.T) {
	t.Parallel()
	needFirestoreEmulator(t)
	upstream := os.Getenv(outageUpstreamEnv)
	if upstream == "" {
		inOwnProcess(t, t.Name())
		return
	}
	proxy := &firestoreProxy{addr: os.Getenv("FIRESTORE_EMULATOR_HOST"), upstream: upstream, conns: map[net.Conn]bool{}}
	proxy.up(t)
	t.Cleanup(proxy.down)

	fake := kakaotest.NewServer(t)
	e := newTestEnv(t)
	e.vars["ROLLCALL_STORE"] = fmt.Sprintf("firestore:rollcall-outage-%d", time.Now().UnixNano()%1e9)
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

	proxy.down()
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

	// Firestore is back at the same address. The directory's checks reach
	// it by themselves: each falls due as the clock moves, started by a
	// probe of /ready, until one gets through (the client's reconnection
	// backs off while the store is down). Then a sync runs, and the
	// instance answers from the store at once.
	proxy.up(t)
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
	employees := a.body["employees"] // the example's count: none of them changed
	if a.status != 200 || a.body["unchanged"] != employees || employees == "0" {
		t.Fatalf("POST /internal/sync once the store was reached again = %d %v, want 200 with every employee unchanged", a.status, a.body)
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

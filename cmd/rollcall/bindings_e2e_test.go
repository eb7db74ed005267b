package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gfs "cloud.google.com/go/firestore"
	"google.golang.org/api/iterator"

	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/logging/logtest"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/userkey"
)

// The shared examples' Kakao user (botUserKey) and bot, and the auth block.
const (
	exampleUser  = "a3f0c1d2e4b5968778a9b0c1d2e3f40516273849a0b1c2d3e4f5061728394a5b6c"
	exampleBot   = "5f1a0b2a9c8d7e0001f0e1d2"
	authBlockID  = "5f1a0c7e3b2d4a0001a1b2c3"
	bindSecret   = "s3cret-skill-value"
	gateVerified = `"verified":"true"`
)

// skillClient posts the shared examples to one service, as the example
// user or, when user is set, as that Kakao user.
type skillClient struct {
	t    *testing.T
	url  string
	fake *kakaotest.Server
	user string
}

// as returns c posting as the Kakao user id user.
func (c skillClient) as(user string) skillClient {
	c.user = user
	return c
}

// post sends body to path with header and returns the status and body.
func (c skillClient) post(path, body string, header http.Header) (int, string) {
	c.t.Helper()
	if c.user != "" {
		body = strings.ReplaceAll(body, exampleUser, c.user)
	}
	req, err := http.NewRequest(http.MethodPost, c.url+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, b.String()
}

var withSecret = http.Header{"X-Rollcall-Secret": {bindSecret}}

// validate verifies the example user as p through the auth block's skill.
func (c skillClient) validate(p kakaotest.Profile) string {
	c.t.Helper()
	code, body := c.post("/kakao/validate", skillRequest(c.t, "validation-request.json", c.fake.Issue(p)), withSecret)
	if code != http.StatusOK {
		c.t.Fatalf("validate: %d %s", code, body)
	}
	return body
}

// gate asks the gate about the example user and returns its answer.
func (c skillClient) gate() string {
	c.t.Helper()
	code, body := c.post("/kakao/gate", skillRequest(c.t, "skill-request.json", "unused"), withSecret)
	if code != http.StatusOK {
		c.t.Fatalf("gate: %d %s", code, body)
	}
	return body
}

func (c skillClient) unbind() {
	c.t.Helper()
	if code, body := c.post("/kakao/unbind", skillRequest(c.t, "skill-request.json", "unused"), withSecret); code != http.StatusOK {
		c.t.Fatalf("unbind: %d %s", code, body)
	}
}

// bindingEnv configures a service with bindings, the secret, the bot id and
// the auth block on the store named by store ("bolt" or "firestore").
func bindingEnv(t *testing.T, store string) *testEnv {
	t.Helper()
	e := newTestEnv(t)
	e.vars["ROLLCALL_SKILL_SECRET"] = bindSecret
	e.vars["ROLLCALL_BOT_ID"] = exampleBot
	e.vars["ROLLCALL_AUTH_BLOCK_ID"] = authBlockID
	if store == "firestore" {
		needFirestoreEmulator(t)
		suffix := make([]byte, 6)
		if _, err := rand.Read(suffix); err != nil {
			t.Fatal(err)
		}
		e.vars["ROLLCALL_STORE"] = "firestore:rollcall-bind-" + hex.EncodeToString(suffix)
	}
	return e
}

// exampleEmployee is the example sheet's 홍길동 as Kakao's profile.
var exampleEmployee = kakaotest.Profile{AppUserID: 1, Nickname: "길동", PhoneNumber: employeePhone}

// startBindingService builds the service of e with fake standing in for
// Kakao, serves it on loopback until the test ends, runs its first sync,
// and returns a client of its skills, the service, its log and its context.
func startBindingService(t *testing.T, e *testEnv, fake *kakaotest.Server) (skillClient, *service, *logtest.Buffer, context.Context) {
	t.Helper()
	return startBindingServiceAt(t, e, fake, time.Now)
}

// startBindingServiceAt is startBindingService on the clock now.
func startBindingServiceAt(t *testing.T, e *testEnv, fake *kakaotest.Server, now func() time.Time) (skillClient, *service, *logtest.Buffer, context.Context) {
	t.Helper()
	svc, logs, ctx := newTestServiceAt(t, e, fake, now)
	ts := httptest.NewServer(svc.server.Handler())
	t.Cleanup(ts.Close)
	svc.firstSync(ctx)
	return skillClient{t: t, url: ts.URL, fake: fake}, svc, logs, ctx
}

// TestServeGatesBoundUsersEndToEnd runs the bindings through the real
// service on each store: bind on SUCCESS, the gate with its context, the
// secret and bot id, unbind, and the leaver whose sync shuts the gate.
func TestServeGatesBoundUsersEndToEnd(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"bolt", "firestore"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			fake := kakaotest.NewServer(t)
			e := bindingEnv(t, store)
			c, svc, logs, ctx := startBindingService(t, e, fake)
			employee := exampleEmployee

			if got := c.gate(); !strings.Contains(got, `"verified":"false"`) || !strings.Contains(got, `"blockId":"`+authBlockID+`"`) {
				t.Errorf("gate before verifying = %s, want not verified with the quick reply to the auth block", got)
			}
			if got := c.validate(employee); !strings.Contains(got, `"SUCCESS"`) {
				t.Fatalf("validate = %s, want SUCCESS", got)
			}
			got := c.gate()
			var answer struct {
				Context struct {
					Values []struct {
						Name     string            `json:"name"`
						LifeSpan int               `json:"lifeSpan"`
						Params   map[string]string `json:"params"`
					} `json:"values"`
				} `json:"context"`
				Data map[string]string `json:"data"`
			}
			if err := json.Unmarshal([]byte(got), &answer); err != nil {
				t.Fatalf("gate answer %s: %v", got, err)
			}
			if answer.Data["verified"] != "true" || answer.Data["name"] != "홍길동" || len(answer.Context.Values) != 1 ||
				answer.Context.Values[0].Name != "employee" || answer.Context.Values[0].LifeSpan != 10 ||
				answer.Context.Values[0].Params["department"] != answer.Data["department"] {
				t.Errorf("gate after verifying = %s, want verified with the employee context", got)
			}
			if len(fake.Requests()) != 1 {
				t.Errorf("Kakao was asked %d times, want once (the validation; the gate never asks)", len(fake.Requests()))
			}

			// The secret and the bot id guard the new endpoints.
			gateBody := skillRequest(t, "skill-request.json", "unused")
			for _, path := range []string{"/kakao/gate", "/kakao/unbind"} {
				if code, _ := c.post(path, gateBody, nil); code != http.StatusUnauthorized {
					t.Errorf("%s without the secret = %d, want 401", path, code)
				}
				if code, _ := c.post(path, strings.ReplaceAll(gateBody, exampleBot, "another-bot"), withSecret); code != http.StatusForbidden {
					t.Errorf("%s from another bot = %d, want 403", path, code)
				}
			}
			if got := c.gate(); !strings.Contains(got, gateVerified) {
				t.Errorf("refused calls changed the binding: gate = %s", got)
			}

			c.unbind()
			if got := c.gate(); strings.Contains(got, gateVerified) {
				t.Errorf("gate after unbind = %s, want not verified", got)
			}

			// The leaver: bound again, then removed from the sheet.
			c.validate(employee)
			if got := c.gate(); !strings.Contains(got, gateVerified) {
				t.Fatalf("gate after verifying again = %s", got)
			}
			e.removeRow(t, "홍길동")
			if _, err := svc.engine.Run(ctx, rostersync.Options{}); err != nil {
				t.Fatalf("sync: %v", err)
			}
			if got := c.gate(); strings.Contains(got, gateVerified) {
				t.Errorf("gate after the sync removing the employee = %s, want not verified", got)
			}
			if _, found, err := svc.store.Binding(ctx, userkey.Of(exampleUser)); err != nil || found {
				t.Errorf("the leaver's binding after the sync: found %v, %v; want deleted", found, err)
			}

			// Bound once more before the check, so that a document could hold it.
			if got := c.validate(kakaotest.Profile{AppUserID: 2, PhoneNumber: "+82 10-0000-0002"}); !strings.Contains(got, `"SUCCESS"`) {
				t.Fatalf("validate another employee = %s", got)
			}
			if strings.Contains(logs.String(), exampleUser) {
				t.Error("the logs contain the raw Kakao user id")
			}
			assertNoPII(t, logs.String(), fake)
			assertNoRawUser(t, ctx, e, store)
		})
	}
}

// assertNoRawUser fails if the store holds the raw example user id: the
// bolt files' bytes, or any document of the Firestore project.
func assertNoRawUser(t *testing.T, ctx context.Context, e *testEnv, store string) {
	t.Helper()
	if store == "bolt" {
		// The bolt file and its bindings journal.
		names, err := filepath.Glob(filepath.Join(e.dir, "rollcall.db*"))
		if err != nil {
			t.Fatal(err)
		}
		var b []byte
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, data...)
		}
		if key := userkey.Sum(exampleUser); !bytes.Contains(b, key[:]) {
			t.Fatal("the store file holds no binding: the check would prove nothing")
		}
		if bytes.Contains(b, []byte(exampleUser)) {
			t.Error("the store file holds the raw Kakao user id")
		}
		return
	}
	project := strings.TrimPrefix(e.vars["ROLLCALL_STORE"], "firestore:")
	client, err := gfs.NewClient(ctx, project)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	cols := client.Collections(ctx)
	seen := 0
	for {
		col, err := cols.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		docs, err := col.Documents(ctx).GetAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			seen++
			data, _ := json.Marshal(d.Data())
			if strings.Contains(d.Ref.ID, exampleUser) || strings.Contains(string(data), exampleUser) {
				t.Errorf("a document of %s holds the raw Kakao user id", col.ID)
			}
		}
	}
	if _, err := client.Collection("bindings").Doc(userkey.Of(exampleUser)).Get(ctx); err != nil || seen == 0 {
		t.Fatalf("the project holds no binding (%v): the check would prove nothing", err)
	}
}

// unbindReachesOthers is the contract's bound on how long another instance
// may honour a binding after an unbind: a requirement, not a measure.
const unbindReachesOthers = 30 * time.Second

// TestServeBindingOnOneInstanceCountsOnAnother runs two services on one
// emulator project and one clock the test moves: a user verified on one
// passes the other's gate at once, and an unbind on one closes the other's
// gate within the contract's 30 s (the other's cached binding expires).
func TestServeBindingOnOneInstanceCountsOnAnother(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	e := bindingEnv(t, "firestore")
	clock := clocktest.New(time.Now())
	a, _, ctx := newTestServiceAt(t, e, fake, clock.Now)
	b, _, _ := newTestServiceAt(t, e, fake, clock.Now)
	tsA, tsB := httptest.NewServer(a.server.Handler()), httptest.NewServer(b.server.Handler())
	defer tsA.Close()
	defer tsB.Close()
	a.firstSync(ctx)
	if err := b.directory.Refresh(ctx); err != nil {
		t.Fatalf("load B's directory: %v", err)
	}
	ca, cb := skillClient{t: t, url: tsA.URL, fake: fake}, skillClient{t: t, url: tsB.URL, fake: fake}

	if got := cb.gate(); strings.Contains(got, gateVerified) {
		t.Fatalf("B's gate before any verification = %s", got)
	}
	ca.validate(kakaotest.Profile{AppUserID: 1, PhoneNumber: employeePhone})
	if got := cb.gate(); !strings.Contains(got, gateVerified) {
		t.Fatalf("B's gate right after A verified the user = %s, want verified", got)
	}

	ca.unbind()
	if got := ca.gate(); strings.Contains(got, gateVerified) {
		t.Errorf("A's gate right after its own unbind = %s, want not verified", got)
	}
	clock.Advance(unbindReachesOthers)
	if got := cb.gate(); strings.Contains(got, gateVerified) {
		t.Errorf("B's gate %v after the unbind on A = %s, want not verified", unbindReachesOthers, got)
	}
}

// TestBoltRebindWithinTheHourWritesNothing: on bolt, whose reads are local,
// a user verified again after the instance's cache has let the binding go,
// but within the hour, keeps the binding as it was; an hour later it is
// written again.
func TestBoltRebindWithinTheHourWritesNothing(t *testing.T) {
	t.Parallel()
	clock := clocktest.New(time.Now())
	c, svc, _, ctx := startBindingServiceAt(t, bindingEnv(t, "bolt"), kakaotest.NewServer(t), clock.Now)
	boundAt := func() time.Time {
		t.Helper()
		b, found, err := svc.store.Binding(ctx, userkey.Of(exampleUser))
		if err != nil || !found {
			t.Fatalf("the binding: %v, %v", found, err)
		}
		return b.BoundAt
	}

	for i, step := range []struct {
		advance   time.Duration
		rewritten bool
	}{{0, true}, {30 * time.Minute, false}, {31 * time.Minute, true}} {
		clock.Advance(step.advance)
		if got := c.validate(exampleEmployee); !strings.Contains(got, `"SUCCESS"`) {
			t.Fatalf("validation %d = %s, want SUCCESS", i+1, got)
		}
		if got := boundAt(); got.Equal(clock.Now()) != step.rewritten {
			t.Errorf("validation %d: the binding is from %v, now is %v; want it rewritten: %v", i+1, got, clock.Now(), step.rewritten)
		}
	}
}

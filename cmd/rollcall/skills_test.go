package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/metrics"
	"github.com/rollcall/rollcall/internal/openbuilder"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/server"
)

// The skill tests' employees: phone +82 10-0000-000N for N in 1..8.
func skillEmployee(n int) (kakaoPhone string, e roster.Employee) {
	return fmt.Sprintf("+82 10-0000-%04d", n), roster.Employee{Phone: fmt.Sprintf("+82100000%04d", n), Name: "직원"}
}

type employeesDir map[string]roster.Employee

func (d employeesDir) Lookup(_ context.Context, phone string) (roster.Employee, bool, error) {
	e, ok := d[phone]
	return e, ok, nil
}

// skillServer is the real HTTP server with the skill endpoints wired as
// serve wires them, against the Kakao fake, with a clock that moves only
// when the test says.
type skillServer struct {
	t     *testing.T
	fake  *kakaotest.Server
	clock *clocktest.Clock
	srv   *server.Server
}

// Kakao's servers reach Cloud Run through Google's front end, which puts
// their address last in X-Forwarded-For.
const (
	frontEnd   = "169.254.169.126:40000"
	kakaoAddr  = "203.0.113.7"
	secret     = "s3cret-skill-value"
	secretName = "ROLLCALL_SKILL_SECRET"
)

func newSkillServer(t *testing.T, vars map[string]string) *skillServer {
	t.Helper()
	fake := kakaotest.NewServer(t)
	env := map[string]string{"ROLLCALL_KAKAO_REST_API_KEY": fake.APIKey(), "ROLLCALL_KAKAO_OTP_ORIGINS": fake.Origin()}
	for k, v := range vars {
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	dir := employeesDir{}
	for n := 1; n <= 8; n++ {
		_, e := skillEmployee(n)
		dir[e.Phone] = e
	}
	clock := clocktest.New(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	skills := newSkills(cfg, kakao.ProfileOptions{Transport: fake.Transport()}, dir, nil, metrics.New(), clock.Now)
	srv := server.New(server.Options{Logger: slog.New(slog.DiscardHandler), Routes: []server.Routes{skills}})
	return &skillServer{t: t, fake: fake, clock: clock, srv: srv}
}

// call is one validation request.
type call struct {
	otp    string // "" for the fake to issue one for employee 1
	userID string // "" for a payload without a user id
	from   string // X-Forwarded-For; "" for Kakao's address
	secret string // X-Rollcall-Secret; "" for none
}

// post sends c through the server and returns the status and the
// validation answer's status ("" when the answer is not one).
func (s *skillServer) post(c call) (int, string) {
	s.t.Helper()
	if c.otp == "" {
		phone, _ := skillEmployee(1)
		c.otp = s.fake.Issue(kakaotest.Profile{PhoneNumber: phone})
	}
	body := map[string]any{"bot": map[string]any{"id": "bot"}, "value": map[string]any{"origin": c.otp, "resolved": c.otp}}
	if c.userID != "" {
		body["user"] = map[string]any{"id": c.userID, "type": "botUserKey"}
	}
	b, err := json.Marshal(body)
	if err != nil {
		s.t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/kakao/validate", strings.NewReader(string(b)))
	req.RemoteAddr = frontEnd
	req.Header.Set("X-Forwarded-For", cmpOr(c.from, kakaoAddr))
	if c.secret != "" {
		req.Header.Set(openbuilder.SecretHeader, c.secret)
	}
	rec := httptest.NewRecorder()
	s.srv.Handler().ServeHTTP(rec, req)
	var answer struct {
		Status string `json:"status"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &answer)
	return rec.Code, answer.Status
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestRushFromOneAddress: Kakao calls from one address, each call for
// another user; with the secret set, 400 users at 200/s are all verified.
func TestRushFromOneAddress(t *testing.T) {
	t.Parallel()
	s := newSkillServer(t, map[string]string{secretName: secret})
	success := 0
	for i := range 400 {
		if code, status := s.post(call{userID: fmt.Sprintf("user-%03d", i), secret: secret}); code == 200 && status == "SUCCESS" {
			success++
		}
		s.clock.Advance(5 * time.Millisecond)
	}
	if success != 400 {
		t.Errorf("%d of 400 users verified, want all", success)
	}
}

// TestWrongSecretFlood: calls with a wrong secret count against their
// address's limit (burst of 2 × 50), get 401 and then 429; authenticated
// calls from the same address, and unauthenticated calls from another, are
// not slowed.
func TestWrongSecretFlood(t *testing.T) {
	t.Parallel()
	s := newSkillServer(t, map[string]string{secretName: secret})
	got := map[int]int{}
	firstLimited := -1
	for i := range 600 {
		code, _ := s.post(call{otp: "https://x.invalid/otp/a/profile", secret: "wrong"})
		got[code]++
		if code == http.StatusTooManyRequests && firstLimited < 0 {
			firstLimited = i
		}
		if code == http.StatusUnauthorized && firstLimited >= 0 {
			t.Fatalf("call %d: 401 after the address was limited at call %d", i, firstLimited)
		}
		if i%10 == 0 {
			if code, status := s.post(call{userID: fmt.Sprintf("user-%d", i), secret: secret}); code != 200 || status != "SUCCESS" {
				t.Fatalf("authenticated call during the flood: %d %q, want 200 SUCCESS", code, status)
			}
		}
	}
	if got[http.StatusUnauthorized] != 100 || got[http.StatusTooManyRequests] != 500 {
		t.Errorf("statuses %v, want 100 × 401 then 500 × 429", got)
	}
	if code, _ := s.post(call{from: "198.51.100.9", secret: "wrong"}); code != http.StatusUnauthorized {
		t.Errorf("another address: %d, want 401 (its own allowance)", code)
	}
	// A client's own X-Forwarded-For entries before the front end's do not
	// change whose allowance it uses.
	if code, _ := s.post(call{from: "198.51.100.10, " + kakaoAddr, secret: "wrong"}); code != http.StatusTooManyRequests {
		t.Errorf("forged X-Forwarded-For: %d, want 429", code)
	}
}

// TestCallsWithoutUserID: calls without a user id are not limited per
// user, however many there are.
func TestCallsWithoutUserID(t *testing.T) {
	t.Parallel()
	s := newSkillServer(t, map[string]string{secretName: secret})
	for n := 1; n <= 8; n++ {
		phone, _ := skillEmployee(n)
		if code, status := s.post(call{otp: s.fake.Issue(kakaotest.Profile{PhoneNumber: phone}), secret: secret}); code != 200 || status != "SUCCESS" {
			t.Errorf("employee %d without a user id: %d %q, want 200 SUCCESS", n, code, status)
		}
	}
}

// TestJunkCannotLockOutAVictim: calls carrying a victim's user id whose OTP
// Kakao refuses do not use up the victim's allowance.
func TestJunkCannotLockOutAVictim(t *testing.T) {
	t.Parallel()
	s := newSkillServer(t, nil) // open endpoints: anyone can send junk
	unknown := s.fake.Origin() + "/otp/000000000000000000000000/profile"
	for range 6 {
		if code, status := s.post(call{otp: unknown, userID: "victim"}); code != 200 || status != "ERROR" {
			t.Fatalf("junk call: %d %q, want 200 ERROR", code, status)
		}
	}
	if code, status := s.post(call{userID: "victim"}); code != 200 || status != "SUCCESS" {
		t.Errorf("the victim's own call: %d %q, want 200 SUCCESS", code, status)
	}
}

// TestUserLimitCountsAnsweredLookUps: a user whose look-ups Kakao answered
// is limited to the burst of 5, then answered 429 without Kakao being asked.
func TestUserLimitCountsAnsweredLookUps(t *testing.T) {
	t.Parallel()
	s := newSkillServer(t, map[string]string{secretName: secret})
	var codes []int
	for range 7 {
		code, _ := s.post(call{userID: "eager", secret: secret})
		codes = append(codes, code)
	}
	if fmt.Sprint(codes) != "[200 200 200 200 200 429 429]" {
		t.Errorf("statuses %v, want 5 × 200 then 429", codes)
	}
	if n := len(s.fake.Requests()); n != 5 {
		t.Errorf("Kakao was asked %d times, want 5", n)
	}
	s.clock.Advance(6 * time.Second) // 10 a minute
	if code, _ := s.post(call{userID: "eager", secret: secret}); code != 200 {
		t.Errorf("after 6 s: %d, want 200", code)
	}
}

func TestSkillSecretOnCloudRun(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		vars    map[string]string
		wantErr bool
	}{
		{map[string]string{"K_SERVICE": "rollcall"}, true},
		{map[string]string{"K_SERVICE": "rollcall", secretName: "off"}, false},
		{map[string]string{"K_SERVICE": "rollcall", secretName: secret}, false},
		{map[string]string{}, false}, // elsewhere: a warning only
	} {
		e := newTestEnv(t)
		maps.Copy(e.vars, tt.vars)
		code, _, errOut := e.run(t, "serve", "--check-config")
		if refused := code == exitUsage && strings.Contains(errOut, secretName+": not set"); refused != tt.wantErr || (code != 0 && !refused) {
			t.Errorf("%v: serve --check-config exit %d, stderr %q; want refused %v", tt.vars, code, errOut, tt.wantErr)
		}
	}
}

// TestConfigDefaultsAreKakaos: config states ROLLCALL_KAKAO_OTP_ORIGINS's
// default without importing the adapter; it must stay Kakao's origins.
func TestConfigDefaultsAreKakaos(t *testing.T) {
	t.Parallel()
	if got, want := config.DefaultKakaoOrigins, strings.Join(kakao.DefaultOrigins(), ","); got != want {
		t.Errorf("config.DefaultKakaoOrigins = %q, want kakao.DefaultOrigins %q", got, want)
	}
}

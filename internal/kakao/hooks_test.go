package kakao_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
)

// The shared examples' user.id.
const exampleUserID = "a3f0c1d2e4b5968778a9b0c1d2e3f40516273849a0b1c2d3e4f5061728394a5b6c"

// quotaLimiter is a UserLimiter fake: each key may go ahead quota times.
type quotaLimiter struct {
	quota int
	wait  time.Duration

	mu   sync.Mutex
	asks []string
	used map[string]int
}

func (l *quotaLimiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asks = append(l.asks, key)
	if l.used == nil {
		l.used = map[string]int{}
	}
	if l.used[key] >= l.quota {
		return false, l.wait
	}
	l.used[key]++
	return true, 0
}

func (l *quotaLimiter) keys() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.asks...)
}

// asUser returns a shared example request with otp and user.id replaced.
func asUser(t *testing.T, file, otp, userID string) []byte {
	t.Helper()
	return bytes.ReplaceAll(withOTP(t, file, otp), []byte(exampleUserID), []byte(userID))
}

// TestUserLimiter floods both endpoints as one user: past the limit the
// user gets 429 without Kakao being asked, while another user is served.
func TestUserLimiter(t *testing.T) {
	t.Parallel()
	for _, ep := range []struct{ path, file string }{
		{"/kakao/validate", "kakao/validation-request.json"},
		{"/kakao/skill", "kakao/skill-request.json"},
	} {
		t.Run(ep.path, func(t *testing.T) {
			t.Parallel()
			fake := kakaotest.NewServer(t)
			lim := &quotaLimiter{quota: 2, wait: 1500 * time.Millisecond}
			s := newStack(t, fake, stackOptions{handler: kakao.HandlerConfig{UserLimiter: lim}})
			hong := hongProfile(t)

			var got []int
			for range 4 {
				got = append(got, s.post(ep.path, asUser(t, ep.file, fake.Issue(hong), "flooder"), nil).Code)
			}
			if diff := cmp.Diff([]int{200, 200, 429, 429}, got); diff != "" {
				t.Errorf("flooder's statuses (-want +got):\n%s", diff)
			}
			if n := len(fake.Requests()); n != 2 {
				t.Errorf("Kakao was asked %d times, want 2: refused calls must not reach it", n)
			}

			rec := s.post(ep.path, asUser(t, ep.file, fake.Issue(hong), "flooder"), nil)
			if rec.Code != http.StatusTooManyRequests {
				t.Fatalf("status %d, want 429", rec.Code)
			}
			if got := rec.Header().Get("Retry-After"); got != "2" {
				t.Errorf("Retry-After = %q, want %q (1.5 s rounded up)", got, "2")
			}
			var body map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(map[string]string{"error": "too many requests"}, body); diff != "" {
				t.Errorf("429 body (-want +got):\n%s", diff)
			}

			if rec := s.post(ep.path, asUser(t, ep.file, fake.Issue(hong), "someone-else"), nil); rec.Code != http.StatusOK {
				t.Errorf("another user: status %d, want 200: %s", rec.Code, rec.Body)
			}
			want := []string{"flooder", "flooder", "flooder", "flooder", "flooder", "someone-else"}
			if diff := cmp.Diff(want, lim.keys()); diff != "" {
				t.Errorf("limiter keys (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUserLimiterAfterChecks: requests refused for what they are never use
// up a user's quota, and the limiter is asked with the request's user.id.
func TestUserLimiterAfterChecks(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	lim := &quotaLimiter{quota: 1}
	s := newStack(t, fake, stackOptions{handler: kakao.HandlerConfig{UserLimiter: lim, BotID: "another-bot"}})
	for _, body := range [][]byte{[]byte(`{"value":`), withOTP(t, "kakao/validation-request.json", fake.Issue(hongProfile(t)))} {
		if rec := s.post("/kakao/validate", body, nil); rec.Code == http.StatusOK || rec.Code == http.StatusTooManyRequests {
			t.Errorf("status %d, want a 4xx refusal other than 429", rec.Code)
		}
	}
	if keys := lim.keys(); len(keys) != 0 {
		t.Errorf("limiter asked about %q for refused requests", keys)
	}
}

// TestBeforeRunsFirst: HandlerConfig.Before runs ahead of the secret check
// and can answer on its own.
func TestBeforeRunsFirst(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	var calls int
	var mu sync.Mutex
	before := func(c *gin.Context) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n > 1 {
			c.AbortWithStatusJSON(http.StatusTooManyRequests, gin.H{"error": "too many requests"})
		}
	}
	s := newStack(t, fake, stackOptions{handler: kakao.HandlerConfig{SkillSecret: "hunter2", Before: []gin.HandlerFunc{before}}})
	body := withOTP(t, "kakao/validation-request.json", fake.Issue(hongProfile(t)))
	if rec := s.post("/kakao/validate", body, nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("first call: status %d, want 401 from the secret check", rec.Code)
	}
	if rec := s.post("/kakao/skill", body, nil); rec.Code != http.StatusTooManyRequests {
		t.Errorf("second call: status %d, want 429 from Before, ahead of the secret check", rec.Code)
	}
}

// verification is what a VerificationObserver was told.
type verification struct{ Endpoint, Outcome, Reason string }

// profileFetch is what a ProfileObserver was told.
type profileFetch struct {
	Result string
	Status int
}

// recorder is a hand-written VerificationObserver and ProfileObserver.
type recorder struct {
	mu            sync.Mutex
	verifications []verification
	fetches       []profileFetch
	negative      bool // an elapsed time below zero was reported
}

func (r *recorder) ObserveVerification(endpoint, outcome, reason string, elapsed time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.verifications = append(r.verifications, verification{endpoint, outcome, reason})
	r.negative = r.negative || elapsed < 0
}

func (r *recorder) ObserveProfileFetch(result string, status int, elapsed time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fetches = append(r.fetches, profileFetch{result, status})
	r.negative = r.negative || elapsed < 0
}

// TestObservers runs calls through both endpoints and checks what the
// observers were told: every answered verification, and every request that
// reached Kakao (not the ones refused before it).
func TestObservers(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	rec := &recorder{}
	s := newStack(t, fake, stackOptions{
		handler: kakao.HandlerConfig{Observer: rec},
		profile: kakao.ProfileOptions{Observer: rec},
	})
	hong := hongProfile(t)
	post := func(path, file, otp string, want int) {
		t.Helper()
		if got := s.post(path, withOTP(t, file, otp), nil).Code; got != want {
			t.Fatalf("%s: status %d, want %d", path, got, want)
		}
	}
	post("/kakao/validate", "kakao/validation-request.json", fake.Issue(hong), 200)
	post("/kakao/skill", "kakao/skill-request.json", fake.Issue(strangerProfile), 200)
	post("/kakao/validate", "kakao/validation-request.json", "https://evil.example/otp/5f1a0e11aa22bb33cc44dd55/profile", 200)
	if got := s.post("/kakao/skill", readFile(t, "requests/skill-no-otp.json"), nil).Code; got != 200 {
		t.Fatalf("no OTP: status %d", got)
	}
	fake.SetBehavior(kakaotest.InternalError)
	post("/kakao/skill", "kakao/skill-request.json", fake.Issue(hong), 200)
	fake.SetBehavior(kakaotest.PhoneNull)
	post("/kakao/validate", "kakao/validation-request.json", fake.Issue(hong), 200)
	if got := s.post("/kakao/validate", []byte(`{"value":`), nil).Code; got != 400 {
		t.Fatalf("bad body: status %d", got)
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	wantV := []verification{
		{"validate", "employee", "employee"},
		{"skill", "not_employee", "not_in_directory"},
		{"validate", "undecided", "origin_refused"},
		{"skill", "undecided", "no_otp"},
		{"skill", "undecided", "kakao_status"},
		{"validate", "undecided", "no_phone"},
	}
	if diff := cmp.Diff(wantV, rec.verifications); diff != "" {
		t.Errorf("verifications (-want +got):\n%s", diff)
	}
	wantF := []profileFetch{
		{kakao.ProfileFetchOK, 200},
		{kakao.ProfileFetchOK, 200},
		{"kakao_status", 500},
		{"no_phone", 200},
	}
	if diff := cmp.Diff(wantF, rec.fetches); diff != "" {
		t.Errorf("profile fetches (-want +got):\n%s", diff)
	}
	if rec.negative {
		t.Error("an observer was told a negative elapsed time")
	}
}

package openbuilder_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/openbuilder"
	"github.com/rollcall/rollcall/internal/verify"
)

// The shared examples' user.id.
const exampleUserID = "a3f0c1d2e4b5968778a9b0c1d2e3f40516273849a0b1c2d3e4f5061728394a5b6c"

// quota is a hand-written limiter: each key may go ahead n times. It is a
// HandlerConfig.Clients limiter (Allow) and a verify.UserLimiter (Check, Spend).
type quota struct {
	n    int
	wait time.Duration

	mu   sync.Mutex
	used map[string]int
	keys []string
}

func (q *quota) Allow(key string) (bool, time.Duration) {
	if ok, wait := q.Check(key); !ok {
		return false, wait
	}
	q.Spend(key)
	return true, 0
}

func (q *quota) Check(key string) (bool, time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.keys = append(q.keys, key)
	return q.used[key] < q.n, q.wait
}

func (q *quota) Spend(key string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.used == nil {
		q.used = map[string]int{}
	}
	q.used[key]++
}

func (q *quota) asked() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]string(nil), q.keys...)
}

// asUser returns a shared example request with otp and user.id replaced.
func asUser(t *testing.T, file, otp, userID string) []byte {
	t.Helper()
	return bytes.ReplaceAll(withOTP(t, file, otp), []byte(exampleUserID), []byte(userID))
}

// TestUserLimit floods both endpoints as one user: past the limit the user
// gets 429 with Retry-After without Kakao being asked, while another user
// is served.
func TestUserLimit(t *testing.T) {
	t.Parallel()
	for _, ep := range []struct{ path, file string }{
		{"/kakao/validate", "kakao/validation-request.json"},
		{"/kakao/skill", "kakao/skill-request.json"},
	} {
		t.Run(ep.path, func(t *testing.T) {
			t.Parallel()
			fake := kakaotest.NewServer(t)
			lim := &quota{n: 2, wait: 1500 * time.Millisecond}
			s := newStack(t, fake, stackOptions{verify: verify.Options{Users: lim}})
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
			if got := rec.Header().Get("Retry-After"); rec.Code != http.StatusTooManyRequests || got != "2" {
				t.Errorf("status %d, Retry-After %q; want 429 and 2 (1.5 s rounded up)", rec.Code, got)
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
		})
	}
}

// TestUserLimitAfterChecks: requests refused for what they are never reach
// the per-user limit.
func TestUserLimitAfterChecks(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	lim := &quota{n: 1}
	s := newStack(t, fake, stackOptions{handler: openbuilder.HandlerConfig{BotID: "another-bot"}, verify: verify.Options{Users: lim}})
	for _, body := range [][]byte{[]byte(`{"value":`), withOTP(t, "kakao/validation-request.json", fake.Issue(hongProfile(t)))} {
		if rec := s.post("/kakao/validate", body, nil); rec.Code == http.StatusOK || rec.Code == http.StatusTooManyRequests {
			t.Errorf("status %d, want a 4xx refusal other than 429", rec.Code)
		}
	}
	if keys := lim.asked(); len(keys) != 0 {
		t.Errorf("limiter asked about %q for refused requests", keys)
	}
}

// TestClientLimitCountsOnlyUnauthenticated: with a secret set, calls with a
// wrong secret get 401 until their address is over the limit, then 429,
// while calls carrying the secret from the same address are all served
// and never counted.
func TestClientLimitCountsOnlyUnauthenticated(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	lim := &quota{n: 3, wait: time.Second}
	s := newStack(t, fake, stackOptions{handler: openbuilder.HandlerConfig{SkillSecret: "hunter2", Clients: lim}})
	hong := hongProfile(t)
	wrong := http.Header{openbuilder.SecretHeader: {"hunter3"}}
	right := http.Header{openbuilder.SecretHeader: {"hunter2"}}

	var got []int
	for i := range 10 {
		got = append(got, s.post("/kakao/validate", withOTP(t, "kakao/validation-request.json", fake.Issue(hong)), wrong).Code)
		rec := s.post("/kakao/validate", asUser(t, "kakao/validation-request.json", fake.Issue(hong), "user-"+string(rune('a'+i))), right)
		if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte(`"status":"SUCCESS"`)) {
			t.Fatalf("authenticated call %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	want := []int{401, 401, 401, 429, 429, 429, 429, 429, 429, 429}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("wrong-secret statuses (-want +got):\n%s", diff)
	}
	if n := len(lim.asked()); n != 10 {
		t.Errorf("the client limiter was asked %d times, want 10 (the unauthenticated calls only)", n)
	}
}

// TestClientLimitWithoutSecret: with no secret, every call counts.
func TestClientLimitWithoutSecret(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	s := newStack(t, fake, stackOptions{handler: openbuilder.HandlerConfig{Clients: &quota{n: 1, wait: time.Second}}})
	body := func() []byte { return withOTP(t, "kakao/skill-request.json", fake.Issue(hongProfile(t))) }
	if rec := s.post("/kakao/skill", body(), nil); rec.Code != http.StatusOK {
		t.Errorf("first call: %d, want 200", rec.Code)
	}
	if rec := s.post("/kakao/skill", body(), nil); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "1" {
		t.Errorf("second call: %d, Retry-After %q; want 429, 1", rec.Code, rec.Header().Get("Retry-After"))
	}
}

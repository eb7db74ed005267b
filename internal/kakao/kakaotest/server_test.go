package kakaotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
)

// get fetches url with the fake's client and decodes the JSON answer.
func get(t *testing.T, s *kakaotest.Server, url string) (int, map[string]any) {
	t.Helper()
	resp, err := s.Client().Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, body)
	}
	return resp.StatusCode, v
}

// TestProfileIsKakaosFormat: the fake answers exactly the documented
// otp-profile-response.json for that profile.
func TestProfileIsKakaosFormat(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "kakao", "otp-profile-response.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	s := kakaotest.NewServer(t)
	otp := s.Issue(kakaotest.Profile{
		AppUserID: 3001234567, Nickname: "홍길동", PhoneNumber: "+82 10-2345-6789", Email: "gildong.hong@example.co.kr",
	})
	if !strings.HasPrefix(otp, s.Origin()+"/otp/") || !strings.HasSuffix(otp, "/profile") || len(otp) != len(s.Origin())+len("/otp/")+24+len("/profile") {
		t.Errorf("OTP URL %q is not <origin>/otp/<24 hex>/profile", otp)
	}
	code, got := get(t, s, otp+"?rest_api_key="+s.APIKey())
	if code != http.StatusOK {
		t.Fatalf("status %d: %v", code, got)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("profile mismatch (-want +got):\n%s", diff)
	}
}

func TestErrorsAndBehaviors(t *testing.T) {
	t.Parallel()
	profile := kakaotest.Profile{AppUserID: 1, PhoneNumber: "+82 10-1234-5678"}
	tests := []struct {
		name     string
		behavior kakaotest.Behavior
		query    func(key string) string
		reuse    bool
		mangle   bool
		wantCode int
		wantBody map[string]any
	}{
		{name: "no key", query: func(string) string { return "" }, wantCode: 401,
			wantBody: map[string]any{"msg": "wrong appKey(null) or appKey type", "code": float64(-401)}},
		{name: "wrong key", query: func(string) string { return "?rest_api_key=nope" }, wantCode: 401},
		{name: "unknown id", mangle: true, wantCode: 404, wantBody: map[string]any{"msg": "otp not found", "code": float64(-404)}},
		{name: "reused", reuse: true, wantCode: 400},
		{name: "500", behavior: kakaotest.InternalError, wantCode: 500},
		{name: "phone null", behavior: kakaotest.PhoneNull, wantCode: 200,
			wantBody: map[string]any{"app_user_id": float64(1), "nickname": nil, "email": nil, "phone_number": nil}},
		{name: "phone omitted", behavior: kakaotest.PhoneOmitted, wantCode: 200,
			wantBody: map[string]any{"app_user_id": float64(1), "nickname": nil, "email": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := kakaotest.NewServer(t)
			s.SetBehavior(tt.behavior)
			otp := s.Issue(profile)
			if tt.mangle {
				otp = s.Origin() + "/otp/0123456789abcdef01234567/profile"
			}
			q := "?rest_api_key=" + s.APIKey()
			if tt.query != nil {
				q = tt.query(s.APIKey())
			}
			if tt.reuse {
				if code, _ := get(t, s, otp+q); code != 200 {
					t.Fatalf("first fetch: %d", code)
				}
			}
			code, body := get(t, s, otp+q)
			if code != tt.wantCode {
				t.Fatalf("status %d, want %d: %v", code, tt.wantCode, body)
			}
			if tt.wantBody != nil {
				if diff := cmp.Diff(tt.wantBody, body); diff != "" {
					t.Errorf("body mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestReusableAndRecorded(t *testing.T) {
	t.Parallel()
	s := kakaotest.NewServer(t, kakaotest.WithAPIKey("k"))
	otp := s.IssueReusable(kakaotest.Profile{AppUserID: 1, PhoneNumber: "+82 10-1234-5678"})
	for range 3 {
		if code, body := get(t, s, otp+"?rest_api_key=k"); code != 200 {
			t.Fatalf("status %d: %v", code, body)
		}
	}
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[2].Method != http.MethodGet || reqs[2].Query.Get("rest_api_key") != "k" ||
		!strings.HasSuffix(reqs[2].Path, "/profile") || reqs[2].Header.Get("User-Agent") == "" {
		t.Errorf("recorded %+v", reqs)
	}
}

// TestUnrecordedAnswersAndKeepsNothing: an Unrecorded fake answers as
// usual and keeps no request.
func TestUnrecordedAnswersAndKeepsNothing(t *testing.T) {
	t.Parallel()
	s := kakaotest.NewServer(t, kakaotest.WithAPIKey("k"), kakaotest.Unrecorded())
	otp := s.IssueReusable(kakaotest.Profile{AppUserID: 1, PhoneNumber: "+82 10-1234-5678"})
	for range 2 {
		if code, body := get(t, s, otp+"?rest_api_key=k"); code != 200 || body["phone_number"] != "+82 10-1234-5678" {
			t.Fatalf("status %d: %v", code, body)
		}
	}
	if reqs := s.Requests(); len(reqs) != 0 {
		t.Errorf("recorded %d requests, want none", len(reqs))
	}
}

func TestRedirectCarriesTheQuery(t *testing.T) {
	t.Parallel()
	s := kakaotest.NewServer(t)
	s.RedirectTo("https://example.invalid/steal")
	client := *s.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Get(s.Issue(kakaotest.Profile{}) + "?rest_api_key=" + s.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.Header.Get("Location"), "https://example.invalid/steal?rest_api_key="+s.APIKey(); resp.StatusCode != 302 || got != want {
		t.Errorf("got %d Location %q, want 302 %q", resp.StatusCode, got, want)
	}
}

func TestPlainHTTP(t *testing.T) {
	t.Parallel()
	s := kakaotest.NewServer(t, kakaotest.PlainHTTP())
	if !strings.HasPrefix(s.Origin(), "http://127.0.0.1:") {
		t.Fatalf("Origin() = %q, want http://127.0.0.1:<port>", s.Origin())
	}
	if code, _ := get(t, s, s.Issue(kakaotest.Profile{PhoneNumber: "+82 10-1234-5678"})+"?rest_api_key="+s.APIKey()); code != 200 {
		t.Errorf("status %d", code)
	}
}

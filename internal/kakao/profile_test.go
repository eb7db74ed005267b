package kakao_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/origin"
	"github.com/rollcall/rollcall/internal/verify"
)

// hongProfile reads Kakao's documented otp-profile-response.json as the
// fake's profile, so the fake answers exactly what the documentation shows.
func hongProfile(t testing.TB) kakaotest.Profile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "kakao", "otp-profile-response.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := kakaotest.ParseProfile(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newClient(t testing.TB, fake *kakaotest.Server, key string, opts kakao.ProfileOptions) *kakao.ProfileClient {
	t.Helper()
	origins, err := origin.Parse([]string{fake.Origin()})
	if err != nil {
		t.Fatal(err)
	}
	if opts.Transport == nil {
		opts.Transport = fake.Transport()
	}
	return kakao.NewProfileClient(key, origins, opts)
}

func TestProfileClientFetch(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	c := newClient(t, fake, fake.APIKey(), kakao.ProfileOptions{})
	otp := fake.Issue(hongProfile(t))

	got, err := c.Fetch(t.Context(), otp)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if got != "+821023456789" {
		t.Errorf("Fetch = %q, want +821023456789", got)
	}

	reqs := fake.Requests()
	if len(reqs) != 1 {
		t.Fatalf("fake got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	u, _ := url.Parse(otp)
	if r.Method != http.MethodGet || r.Path != u.Path {
		t.Errorf("request = %s %s, want GET %s", r.Method, r.Path, u.Path)
	}
	if diff := cmp.Diff(url.Values{"rest_api_key": {fake.APIKey()}}, r.Query); diff != "" {
		t.Errorf("query mismatch (-want +got):\n%s", diff)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q, want application/json", got)
	}
}

func TestProfileClientKeepsExistingQuery(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	c := newClient(t, fake, fake.APIKey(), kakao.ProfileOptions{})
	// A query naming rest_api_key itself must not replace or duplicate ours.
	otp := fake.Issue(hongProfile(t)) + "?lang=ko&rest_api_key=attacker"
	if _, err := c.Fetch(t.Context(), otp); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	want := url.Values{"lang": {"ko"}, "rest_api_key": {fake.APIKey()}}
	if diff := cmp.Diff(want, fake.Requests()[0].Query); diff != "" {
		t.Errorf("query mismatch (-want +got):\n%s", diff)
	}
}

func TestProfileClientErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		behavior kakaotest.Behavior
		profile  func(t testing.TB) kakaotest.Profile
		key      string // "" means the fake's
		mangle   func(otp string) string
		opts     kakao.ProfileOptions
		wantErr  error
		wantCode int // for *ProfileStatusError
	}{
		{name: "500", behavior: kakaotest.InternalError, wantCode: 500},
		{name: "wrong key", key: "wrong-key", wantCode: 401},
		{name: "unknown OTP", mangle: func(otp string) string {
			return otp[:strings.Index(otp, "/otp/")] + "/otp/000000000000000000000000/profile"
		}, wantCode: 404},
		{name: "garbage", behavior: kakaotest.Garbage, wantErr: verify.ErrBadProfile},
		{name: "huge body", behavior: kakaotest.HugeBody, wantErr: verify.ErrBadProfile},
		{name: "phone null", behavior: kakaotest.PhoneNull, wantErr: verify.ErrNoPhone},
		{name: "phone omitted", behavior: kakaotest.PhoneOmitted, wantErr: verify.ErrNoPhone},
		{name: "phone empty", profile: func(testing.TB) kakaotest.Profile {
			return kakaotest.Profile{AppUserID: 1, PhoneNumber: "  "}
		}, wantErr: verify.ErrNoPhone},
		// In Kakao's own spelling a landline reads as its E.164 and misses in
		// the directory (roster.KakaoPhone); in any other it is refused here.
		{name: "landline", profile: func(testing.TB) kakaotest.Profile {
			return kakaotest.Profile{AppUserID: 1, PhoneNumber: "02-123-4567"}
		}, wantErr: verify.ErrBadProfile},
		{name: "hang", behavior: kakaotest.Hang, opts: kakao.ProfileOptions{Timeout: 200 * time.Millisecond}, wantErr: verify.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := kakaotest.NewServer(t)
			fake.SetBehavior(tt.behavior)
			key := fake.APIKey()
			if tt.key != "" {
				key = tt.key
			}
			c := newClient(t, fake, key, tt.opts)
			profile := hongProfile(t)
			if tt.profile != nil {
				profile = tt.profile(t)
			}
			otp := fake.Issue(profile)
			if tt.mangle != nil {
				otp = tt.mangle(otp)
			}

			got, err := c.Fetch(t.Context(), otp)
			if err == nil {
				t.Fatalf("Fetch = %q, want an error", got)
			}
			if tt.wantCode != 0 {
				var se *kakao.ProfileStatusError
				if !errors.As(err, &se) || se.Code != tt.wantCode {
					t.Fatalf("Fetch error %v, want HTTP %d", err, tt.wantCode)
				}
			} else if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Fetch error %v, want %v", err, tt.wantErr)
			}
			assertNoSecrets(t, err.Error(), key, otp)
			// A hang's deadline may pass before a loaded machine finishes the
			// TLS handshake, so the request may never arrive; it is never retried.
			if n := len(fake.Requests()); n > 1 || (n == 0 && tt.behavior != kakaotest.Hang) {
				t.Errorf("fake got %d requests, want 1 (no retries)", n)
			}
		})
	}
}

// assertNoSecrets fails if msg holds the key, the OTP URL or its id.
func assertNoSecrets(t testing.TB, msg, key, otp string) {
	t.Helper()
	u, _ := url.Parse(otp)
	for _, secret := range []string{key, url.QueryEscape(key), otp, u.Path, u.Host + u.Path} {
		if secret != "" && strings.Contains(msg, secret) {
			t.Errorf("error %q contains %q", msg, secret)
		}
	}
}

func TestProfileClientSingleUseOTP(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	c := newClient(t, fake, fake.APIKey(), kakao.ProfileOptions{})
	otp := fake.Issue(hongProfile(t))
	if _, err := c.Fetch(t.Context(), otp); err != nil {
		t.Fatalf("first Fetch: %v", err)
	}
	_, err := c.Fetch(t.Context(), otp)
	var se *kakao.ProfileStatusError
	if !errors.As(err, &se) || se.Code != http.StatusBadRequest {
		t.Fatalf("second Fetch error %v, want HTTP 400 (expired OTP)", err)
	}
}

func TestProfileClientDelayWithinTimeout(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	fake.SetDelay(50 * time.Millisecond)
	c := newClient(t, fake, fake.APIKey(), kakao.ProfileOptions{Timeout: 2 * time.Second})
	if _, err := c.Fetch(t.Context(), fake.Issue(hongProfile(t))); err != nil {
		t.Fatalf("Fetch with a short delay: %v", err)
	}
}

func TestProfileClientHonoursContext(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	fake.SetBehavior(kakaotest.Hang)
	c := newClient(t, fake, fake.APIKey(), kakao.ProfileOptions{Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Fetch(ctx, fake.Issue(hongProfile(t)))
	if !errors.Is(err, verify.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Fetch error %v, want ErrUnavailable wrapping context.DeadlineExceeded", err)
	}
}

// TestProfileClientTimeoutWithinLaterDeadline: a caller's deadline that
// comes after the client's timeout does not stretch it.
func TestProfileClientTimeoutWithinLaterDeadline(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	fake.SetBehavior(kakaotest.Hang)
	c := newClient(t, fake, fake.APIKey(), kakao.ProfileOptions{Timeout: 100 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	_, err := c.Fetch(ctx, fake.Issue(hongProfile(t)))
	if !errors.Is(err, verify.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Fetch error %v, want ErrUnavailable wrapping context.DeadlineExceeded", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the caller's context ended (%v): the client's own timeout did not apply", ctx.Err())
	}
}

// TestProfileClientMakesNoRequest covers the refusals that must happen
// before anything reaches the network.
func TestProfileClientMakesNoRequest(t *testing.T) {
	t.Parallel()
	const path = "/otp/5f1a0e11aa22bb33cc44dd55/profile"
	tests := []struct {
		name    string
		key     string
		otp     string
		wantErr error
	}{
		{"no key", "", "https://talk-plugin-capi.kakao.com" + path, verify.ErrNoAPIKey},
		{"another host", "k", "https://evil.com" + path, verify.ErrOriginRefused},
		{"look-alike suffix", "k", "https://talk-plugin-capi.kakao.com.evil.com" + path, verify.ErrOriginRefused},
		{"user-info", "k", "https://talk-plugin-capi.kakao.com@evil.com" + path, verify.ErrOriginRefused},
		{"fragment trick", "k", "https://evil.com#@talk-plugin-capi.kakao.com" + path, verify.ErrOriginRefused},
		{"plain http", "k", "http://talk-plugin-capi.kakao.com" + path, verify.ErrOriginRefused},
		{"IP literal", "k", "https://169.254.169.254" + path, verify.ErrOriginRefused},
		{"metadata server", "k", "http://metadata.google.internal/computeMetadata/v1/", verify.ErrOriginRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rt := &kakaotest.NoNetwork{}
			c := kakao.NewProfileClient(tt.key, mustOrigins(t, kakao.DefaultOrigins()), kakao.ProfileOptions{Transport: rt})
			_, err := c.Fetch(t.Context(), tt.otp)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Fetch error %v, want %v", err, tt.wantErr)
			}
			if n := rt.Attempts(); n != 0 {
				t.Errorf("transport saw %d requests, want none", n)
			}
			assertNoSecrets(t, err.Error(), tt.key, tt.otp)
		})
	}
}

func mustOrigins(t testing.TB, list []string) origin.List {
	t.Helper()
	o, err := origin.Parse(list)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestProfileClientNeverFollowsRedirects: the allowed origin redirects to
// another server; that server must receive nothing, so the key cannot leak.
func TestProfileClientNeverFollowsRedirects(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	other := kakaotest.NewServer(t)
	fake.RedirectTo(other.Issue(hongProfile(t)))
	// The client trusts both fakes' certificates (same httptest CA), so only
	// the redirect policy can keep the request from reaching other.
	c := newClient(t, fake, fake.APIKey(), kakao.ProfileOptions{})

	_, err := c.Fetch(t.Context(), fake.Issue(hongProfile(t)))
	var se *kakao.ProfileStatusError
	if !errors.As(err, &se) || se.Code != http.StatusFound {
		t.Fatalf("Fetch error %v, want HTTP 302", err)
	}
	if reqs := other.Requests(); len(reqs) != 0 {
		t.Errorf("the redirect target got %d requests, want none: %+v", len(reqs), reqs)
	}
}

// TestProfileClientReusesConnections checks that the client built once keeps
// connections alive across look-ups (with its own default transport, on the
// plain-http loopback fake).
func TestProfileClientReusesConnections(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t, kakaotest.PlainHTTP())
	c := kakao.NewProfileClient(fake.APIKey(), mustOrigins(t, []string{fake.Origin()}), kakao.ProfileOptions{})
	var reused []bool
	ctx := httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { reused = append(reused, info.Reused) },
	})
	for range 3 {
		if _, err := c.Fetch(ctx, fake.Issue(hongProfile(t))); err != nil {
			t.Fatalf("Fetch: %v", err)
		}
	}
	if diff := cmp.Diff([]bool{false, true, true}, reused); diff != "" {
		t.Errorf("connection reuse mismatch (-want +got):\n%s", diff)
	}
}

package kakao_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/verify"
)

// TestKakaoRefusalsAreNamed: a wrong key and a key used from an address the
// Kakao app does not allow are told apart, in a verification's error and in
// the doctor's probe, with their fix, and the key never shows.
func TestKakaoRefusalsAreNamed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		key      string
		behavior kakaotest.Behavior
		want     error
		fix      string
	}{
		{"wrong key", "not-the-key", kakaotest.Normal, kakao.ErrKakaoKey, "ROLLCALL_KAKAO_REST_API_KEY"},
		{"address not allowed", kakaotest.DefaultAPIKey, kakaotest.IPMismatch, kakao.ErrKakaoIP, "allowed IP addresses"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := kakaotest.NewServer(t)
			fake.SetBehavior(tt.behavior)
			c := newClient(t, fake, tt.key, kakao.ProfileOptions{})
			_, fetchErr := c.Fetch(context.Background(), fake.Issue(kakaotest.Profile{PhoneNumber: "+82 10-1234-5678"}))
			probeErr := c.Probe(context.Background())
			for name, err := range map[string]error{"Fetch": fetchErr, "Probe": probeErr} {
				if !errors.Is(err, tt.want) {
					t.Errorf("%s error = %v, want %v", name, err, tt.want)
				}
				if name == "Fetch" && !errors.Is(err, verify.ErrRefused) {
					t.Errorf("Fetch error = %v, want a refusal for the verification", err)
				}
				ps, isStatus := errors.AsType[*kakao.ProfileStatusError](err)
				var fix interface{ Remedy() string } // as the doctor reads it
				if !isStatus || ps.KakaoCode != -401 || !errors.As(err, &fix) || !strings.Contains(fix.Remedy(), tt.fix) {
					t.Errorf("%s error = %#v, want Kakao's -401 with a fix saying %q", name, err, tt.fix)
				}
				if strings.Contains(err.Error(), tt.key) {
					t.Errorf("%s error %q shows the key", name, err)
				}
			}
			if n := len(fake.Requests()); n != 2 {
				t.Errorf("%d requests, want the fetch and the probe", n)
			}
		})
	}
}

// TestProbeAcceptsAnyOtherAnswer: a key Kakao accepts answers the probe's
// never-issued OTP with 404, which is not a refusal; no key, no request.
func TestProbeAcceptsAnyOtherAnswer(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	if err := newClient(t, fake, fake.APIKey(), kakao.ProfileOptions{}).Probe(context.Background()); err != nil {
		t.Errorf("Probe with the right key = %v, want nil", err)
	}
	if err := newClient(t, fake, "", kakao.ProfileOptions{}).Probe(context.Background()); !errors.Is(err, verify.ErrNoAPIKey) {
		t.Errorf("Probe without a key = %v, want ErrNoAPIKey", err)
	}
	if n := len(fake.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

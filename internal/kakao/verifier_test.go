package kakao_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/directory"
	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
)

// fetcherFunc is a hand-written ProfileFetcher fake.
type fetcherFunc func(ctx context.Context, otpURL string) (kakao.Profile, error)

func (f fetcherFunc) Fetch(ctx context.Context, otpURL string) (kakao.Profile, error) {
	return f(ctx, otpURL)
}

func TestVerifierOutcomes(t *testing.T) {
	t.Parallel()
	hong := kakao.Profile{Phone: hongEmployee.Phone}
	stranger := kakao.Profile{Phone: "+821099990000"}
	profile := func(p kakao.Profile, err error) fetcherFunc {
		return func(context.Context, string) (kakao.Profile, error) { return p, err }
	}
	storeDown := directoryFunc(func(context.Context, string) (directory.Employee, bool, error) {
		return directory.Employee{}, false, errors.New("store unavailable")
	})
	tests := []struct {
		name    string
		fetch   fetcherFunc
		dir     kakao.Directory
		want    kakao.Outcome
		wantErr bool
	}{
		{"employee", profile(hong, nil), exampleDirectory(),
			kakao.Outcome{Kind: kakao.OutcomeEmployee, Employee: hongEmployee, Reason: kakao.ReasonEmployee}, false},
		{"stranger", profile(stranger, nil), exampleDirectory(),
			kakao.Outcome{Kind: kakao.OutcomeNotEmployee, Reason: kakao.ReasonNotInDirectory}, false},
		{"store down", profile(hong, nil), storeDown,
			kakao.Outcome{Kind: kakao.OutcomeUndecided, Reason: kakao.ReasonDirectoryError}, true},
		{"origin refused", profile(kakao.Profile{}, fmt.Errorf("%w: x", kakao.ErrOriginRefused)), exampleDirectory(),
			kakao.Outcome{Reason: kakao.ReasonOriginRefused}, true},
		{"no key", profile(kakao.Profile{}, kakao.ErrNoAPIKey), exampleDirectory(),
			kakao.Outcome{Reason: kakao.ReasonNoAPIKey}, true},
		{"no phone", profile(kakao.Profile{}, kakao.ErrNoPhone), exampleDirectory(),
			kakao.Outcome{Reason: kakao.ReasonNoPhone}, true},
		{"bad profile", profile(kakao.Profile{}, fmt.Errorf("%w: not JSON", kakao.ErrBadProfile)), exampleDirectory(),
			kakao.Outcome{Reason: kakao.ReasonBadProfile}, true},
		{"kakao status", profile(kakao.Profile{}, &kakao.ProfileStatusError{Code: 401}), exampleDirectory(),
			kakao.Outcome{Reason: kakao.ReasonKakaoStatus}, true},
		{"kakao timeout", profile(kakao.Profile{}, fmt.Errorf("%w: %w", kakao.ErrUnavailable, context.DeadlineExceeded)), exampleDirectory(),
			kakao.Outcome{Reason: kakao.ReasonKakaoTimeout}, true},
		{"kakao unreachable", profile(kakao.Profile{}, fmt.Errorf("%w: connection refused", kakao.ErrUnavailable)), exampleDirectory(),
			kakao.Outcome{Reason: kakao.ReasonKakaoUnreachable}, true},
		{"unknown failure", profile(kakao.Profile{}, errors.New("boom")), exampleDirectory(),
			kakao.Outcome{Reason: kakao.ReasonUnexpectedFailure}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := kakao.NewVerifier(tt.fetch, tt.dir).Verify(t.Context(), sharedOTP)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Verify error = %v, wantErr %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Verify mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVerifierCanceledByCaller(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	fetch := fetcherFunc(func(ctx context.Context, _ string) (kakao.Profile, error) {
		return kakao.Profile{}, fmt.Errorf("%w: %w", kakao.ErrUnavailable, ctx.Err())
	})
	got, err := kakao.NewVerifier(fetch, exampleDirectory()).Verify(ctx, sharedOTP)
	if err == nil || got.Reason != kakao.ReasonCanceled || got.Kind != kakao.OutcomeUndecided {
		t.Errorf("Verify = %+v, %v; want undecided/%s", got, err, kakao.ReasonCanceled)
	}
}

// TestVerifierRedactsDirectoryErrors: a store that names the document it
// failed on must not get the phone number into the returned (logged) error.
func TestVerifierRedactsDirectoryErrors(t *testing.T) {
	t.Parallel()
	fetch := fetcherFunc(func(context.Context, string) (kakao.Profile, error) {
		return kakao.Profile{Phone: "+821023456789"}, nil
	})
	store := directoryFunc(func(_ context.Context, phone string) (directory.Employee, bool, error) {
		return directory.Employee{}, false, fmt.Errorf("get employees/%s (%s, 0%s): %w",
			phone, strings.TrimPrefix(phone, "+"), strings.TrimPrefix(phone, "+82"), context.DeadlineExceeded)
	})
	_, err := kakao.NewVerifier(fetch, store).Verify(t.Context(), sharedOTP)
	if err == nil {
		t.Fatal("Verify: want an error")
	}
	for _, form := range []string{"+821023456789", "821023456789", "01023456789"} {
		if strings.Contains(err.Error(), form) {
			t.Errorf("error %q contains the phone as %q", err, form)
		}
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v lost its chain", err)
	}
}

// TestVerifierAgainstFake runs the use case with the real client and the fake.
func TestVerifierAgainstFake(t *testing.T) {
	t.Parallel()
	fake := kakaotest.NewServer(t)
	v := kakao.NewVerifier(newClient(t, fake, fake.APIKey(), kakao.ProfileOptions{Timeout: time.Second}), exampleDirectory())
	tests := []struct {
		profile kakaotest.Profile
		want    kakao.OutcomeKind
	}{
		{hongProfile(t), kakao.OutcomeEmployee},
		{strangerProfile, kakao.OutcomeNotEmployee},
	}
	for _, tt := range tests {
		got, err := v.Verify(t.Context(), fake.Issue(tt.profile))
		if err != nil || got.Kind != tt.want {
			t.Errorf("Verify(%s) = %v, %v; want %v", tt.profile.Nickname, got.Kind, err, tt.want)
		}
	}
}

package verify_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/verify"
)

const otpURL = "https://talk-plugin-capi.kakao.com/otp/5f1a0e11aa22bb33cc44dd55/profile"

var hong = roster.Employee{Phone: "+821023456789", Name: "홍길동", Department: "인사팀", Position: "대리", Row: 2}

// fetcherFunc is a hand-written ProfileFetcher fake.
type fetcherFunc func(ctx context.Context, otpURL string) (string, error)

func (f fetcherFunc) Fetch(ctx context.Context, otpURL string) (string, error) { return f(ctx, otpURL) }

func profile(phone string, err error) fetcherFunc {
	return func(context.Context, string) (string, error) { return phone, err }
}

// directoryFunc is a hand-written Directory fake.
type directoryFunc func(ctx context.Context, phone string) (roster.Employee, bool, error)

func (f directoryFunc) Lookup(ctx context.Context, phone string) (roster.Employee, bool, error) {
	return f(ctx, phone)
}

// hongOnly knows hong only.
func hongOnly() directoryFunc {
	return func(_ context.Context, phone string) (roster.Employee, bool, error) {
		if phone == hong.Phone {
			return hong, true, nil
		}
		return roster.Employee{}, false, nil
	}
}

func TestOutcomes(t *testing.T) {
	t.Parallel()
	storeDown := directoryFunc(func(context.Context, string) (roster.Employee, bool, error) {
		return roster.Employee{}, false, errors.New("store unavailable")
	})
	tests := []struct {
		name    string
		fetch   fetcherFunc
		dir     verify.Directory
		want    verify.Outcome
		wantErr bool
	}{
		{"employee", profile(hong.Phone, nil), hongOnly(),
			verify.Outcome{Employee: hong, Reason: verify.ReasonEmployee}, false},
		{"stranger", profile("+821099990000", nil), hongOnly(),
			verify.Outcome{Reason: verify.ReasonNotInDirectory}, false},
		{"store down", profile(hong.Phone, nil), storeDown,
			verify.Outcome{Reason: verify.ReasonDirectoryError}, true},
		{"origin refused", profile("", fmt.Errorf("%w: x", verify.ErrOriginRefused)), hongOnly(),
			verify.Outcome{Reason: verify.ReasonOriginRefused}, true},
		{"no key", profile("", verify.ErrNoAPIKey), hongOnly(), verify.Outcome{Reason: verify.ReasonNoAPIKey}, true},
		{"no phone", profile("", verify.ErrNoPhone), hongOnly(), verify.Outcome{Reason: verify.ReasonNoPhone}, true},
		{"bad profile", profile("", fmt.Errorf("%w: not JSON", verify.ErrBadProfile)), hongOnly(),
			verify.Outcome{Reason: verify.ReasonBadProfile}, true},
		{"kakao refused", profile("", fmt.Errorf("HTTP 401: %w", verify.ErrRefused)), hongOnly(),
			verify.Outcome{Reason: verify.ReasonKakaoStatus}, true},
		{"kakao timeout", profile("", fmt.Errorf("%w: %w", verify.ErrUnavailable, context.DeadlineExceeded)), hongOnly(),
			verify.Outcome{Reason: verify.ReasonKakaoTimeout}, true},
		{"kakao unreachable", profile("", fmt.Errorf("%w: connection refused", verify.ErrUnavailable)), hongOnly(),
			verify.Outcome{Reason: verify.ReasonKakaoUnreachable}, true},
		{"unknown failure", profile("", errors.New("boom")), hongOnly(), verify.Outcome{Reason: verify.ReasonUnexpectedFailure}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := verify.New(tt.fetch, tt.dir, verify.Options{}).Verify(t.Context(), verify.Request{OTPURL: otpURL, UserID: "u"})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Verify error = %v, wantErr %v", err, tt.wantErr)
			}
			// How long the look-up took is the clock's business.
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(verify.Outcome{}, "KakaoTime")); diff != "" {
				t.Errorf("Verify mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNoOTPAsksNobody(t *testing.T) {
	t.Parallel()
	fetch := fetcherFunc(func(context.Context, string) (string, error) {
		t.Error("Fetch called for a request without an OTP URL")
		return "", nil
	})
	got, err := verify.New(fetch, hongOnly(), verify.Options{}).Verify(t.Context(), verify.Request{UserID: "u"})
	if err != nil || got != (verify.Outcome{Reason: verify.ReasonNoOTP}) {
		t.Errorf("Verify = %+v, %v; want undecided/no_otp", got, err)
	}
}

func TestCanceledByCaller(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	fetch := fetcherFunc(func(ctx context.Context, _ string) (string, error) {
		return "", fmt.Errorf("%w: %w", verify.ErrUnavailable, ctx.Err())
	})
	got, err := verify.New(fetch, hongOnly(), verify.Options{}).Verify(ctx, verify.Request{OTPURL: otpURL})
	if err == nil || got.Reason != verify.ReasonCanceled || got.Kind() != verify.Undecided {
		t.Errorf("Verify = %+v, %v; want undecided/%s", got, err, verify.ReasonCanceled)
	}
}

// TestTimeoutCoversTheDirectory: Options.Timeout bounds the whole
// verification, so a hanging store still gets an answer.
func TestTimeoutCoversTheDirectory(t *testing.T) {
	t.Parallel()
	hanging := directoryFunc(func(ctx context.Context, _ string) (roster.Employee, bool, error) {
		<-ctx.Done()
		return roster.Employee{}, false, ctx.Err()
	})
	v := verify.New(profile(hong.Phone, nil), hanging, verify.Options{Timeout: 50 * time.Millisecond})
	got, err := v.Verify(t.Context(), verify.Request{OTPURL: otpURL})
	if !errors.Is(err, context.DeadlineExceeded) || got.Reason != verify.ReasonDirectoryError {
		t.Errorf("Verify = %+v, %v; want directory_error past the deadline", got, err)
	}
}

// TestRedactsDirectoryErrors: a store that names the document it failed on
// must not get the phone number into the returned (logged) error.
func TestRedactsDirectoryErrors(t *testing.T) {
	t.Parallel()
	store := directoryFunc(func(_ context.Context, phone string) (roster.Employee, bool, error) {
		return roster.Employee{}, false, fmt.Errorf("get employees/%s (%s, 0%s): %w",
			phone, strings.TrimPrefix(phone, "+"), strings.TrimPrefix(phone, "+82"), context.DeadlineExceeded)
	})
	_, err := verify.New(profile(hong.Phone, nil), store, verify.Options{}).Verify(t.Context(), verify.Request{OTPURL: otpURL})
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

// TestRedactsTheOTPURL: a fetcher's error that quotes the URL is scrubbed.
func TestRedactsTheOTPURL(t *testing.T) {
	t.Parallel()
	fetch := profile("", fmt.Errorf("%w: GET %s: refused", verify.ErrUnavailable, otpURL))
	_, err := verify.New(fetch, hongOnly(), verify.Options{}).Verify(t.Context(), verify.Request{OTPURL: otpURL})
	if err == nil || strings.Contains(err.Error(), otpURL) || !errors.Is(err, verify.ErrUnavailable) {
		t.Errorf("Verify error %v: want ErrUnavailable without the URL", err)
	}
}

// limiter is a hand-written UserLimiter: each key may have quota look-ups.
type limiter struct {
	quota int
	mu    sync.Mutex
	spent map[string]int
	asked []string
}

func (l *limiter) Check(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asked = append(l.asked, key)
	if l.spent[key] >= l.quota {
		return false, 1500 * time.Millisecond
	}
	return true, 0
}

func (l *limiter) Spend(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.spent == nil {
		l.spent = map[string]int{}
	}
	l.spent[key]++
}

// TestUserLimit: only look-ups that Kakao answered with a profile count,
// the limit is checked before Kakao is asked, and a call without a user id
// is never limited.
func TestUserLimit(t *testing.T) {
	t.Parallel()
	calls := 0
	results := map[string]error{
		"kakao refused": fmt.Errorf("HTTP 401: %w", verify.ErrRefused),
		"no phone":      verify.ErrNoPhone,
		"employee":      nil,
	}
	fetch := fetcherFunc(func(_ context.Context, otp string) (string, error) {
		calls++
		return hong.Phone, results[otp]
	})
	lim := &limiter{quota: 2}
	v := verify.New(fetch, hongOnly(), verify.Options{Users: lim})
	ask := func(otp, user string) verify.Outcome {
		t.Helper()
		o, _ := v.Verify(t.Context(), verify.Request{OTPURL: otp, UserID: user})
		return o
	}
	for range 6 { // junk carrying the victim's id
		ask("kakao refused", "victim")
	}
	if o := ask("employee", "victim"); o.Kind() != verify.Employee {
		t.Errorf("the victim after 6 junk calls: %+v, want employee", o)
	}
	if o := ask("no phone", "victim"); o.Reason != verify.ReasonNoPhone {
		t.Errorf("second look-up: %+v, want no_phone", o)
	}
	before := calls
	o := ask("employee", "victim")
	if o.Reason != verify.ReasonUserLimited || o.RetryAfter != 1500*time.Millisecond {
		t.Errorf("third answered look-up: %+v, want user_rate_limited after 1.5 s", o)
	}
	if calls != before {
		t.Error("Kakao was asked for a user over the limit")
	}
	for range 5 {
		if o := ask("employee", ""); o.Kind() != verify.Employee {
			t.Errorf("a call without a user id: %+v, want employee", o)
		}
	}
	for _, key := range lim.asked {
		if key == "" {
			t.Error("the limiter was asked about a call without a user id")
		}
	}
}

// binder is a hand-written Binder.
type binder struct {
	err   error
	bound [][2]string
}

func (b *binder) Bind(_ context.Context, userID string, e roster.Employee) error {
	b.bound = append(b.bound, [2]string{userID, e.Phone})
	return b.err
}

func TestBinder(t *testing.T) {
	t.Parallel()
	b := &binder{}
	v := verify.New(profile(hong.Phone, nil), hongOnly(), verify.Options{Binder: b})
	if o, err := v.Verify(t.Context(), verify.Request{OTPURL: otpURL, UserID: "user-1"}); err != nil || o.Kind() != verify.Employee {
		t.Fatalf("Verify = %+v, %v", o, err)
	}
	if _, err := v.Verify(t.Context(), verify.Request{OTPURL: otpURL}); err != nil {
		t.Fatal(err)
	}
	stranger := verify.New(profile("+821099990000", nil), hongOnly(), verify.Options{Binder: b})
	if _, err := stranger.Verify(t.Context(), verify.Request{OTPURL: otpURL, UserID: "user-2"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][2]string{{"user-1", hong.Phone}}, b.bound); diff != "" {
		t.Errorf("bindings (-want +got):\n%s", diff)
	}

	// A failed bind is no SUCCESS: a SUCCESS promises the gate a binding
	// (issue 19, finding 4).
	failing := &binder{err: fmt.Errorf("write bindings/user-1 for %s: no space left on device", hong.Phone)}
	v = verify.New(profile(hong.Phone, nil), hongOnly(), verify.Options{Binder: failing})
	o, err := v.Verify(t.Context(), verify.Request{OTPURL: otpURL, UserID: "user-1"})
	if o.Kind() != verify.Undecided || o.Reason != verify.ReasonBindFailed || err == nil {
		t.Fatalf("Verify with a failing binder = %+v, %v; want undecided, bind_failed and an error", o, err)
	}
	for _, pii := range []string{"user-1", hong.Phone, "01023456789"} {
		if strings.Contains(err.Error(), pii) {
			t.Errorf("bind error %q contains %q", err, pii)
		}
	}
}

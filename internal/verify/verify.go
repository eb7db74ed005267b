package verify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rollcall/rollcall/internal/roster"
)

// ProfileFetcher reads the phone number of the Kakao profile behind an OTP
// URL, in E.164. Its errors wrap this package's Err values.
type ProfileFetcher interface {
	Fetch(ctx context.Context, otpURL string) (phone string, err error)
}

// Directory answers whether a phone number belongs to an employee.
type Directory interface {
	// Lookup returns the employee whose E.164 phone is phone, and false
	// (with a nil error) when there is none.
	Lookup(ctx context.Context, phone string) (roster.Employee, bool, error)
}

// UserLimiter limits profile look-ups per Kakao user. It must be safe for
// concurrent use.
type UserLimiter interface {
	// Check reports whether key may have a look-up now, and if not how
	// long until it may; it uses nothing up.
	Check(key string) (ok bool, retryAfter time.Duration)
	// Spend counts one look-up that Kakao answered with a profile.
	Spend(key string)
}

// Binder remembers that a Kakao user was verified as the employee e,
// durably before it returns.
type Binder interface {
	Bind(ctx context.Context, userID string, e roster.Employee) error
}

// Request is one verification: the OTP URL found in a skill call ("" for
// none) and the caller's Kakao user id ("" when the call carries none).
type Request struct {
	OTPURL string
	UserID string
}

// Options are a Verifier's optional parts.
type Options struct {
	// Timeout bounds a verification, profile and directory look-ups
	// together; 0 leaves it to the caller's context.
	Timeout time.Duration
	// Users, when set, limits look-ups per user id.
	Users UserLimiter
	// Binder, when set, binds every employee verified; one it fails to bind
	// is undecided (ReasonBindFailed): a SUCCESS means the user is bound.
	Binder Binder
}

// Verifier is the verification use case.
type Verifier struct {
	profiles ProfileFetcher
	dir      Directory
	opts     Options
}

// New returns a Verifier reading profiles through p and looking phones up
// in d.
func New(p ProfileFetcher, d Directory, opts Options) *Verifier {
	return &Verifier{profiles: p, dir: d, opts: opts}
}

// Verify decides whether r's caller is an employee; an error is a failure to
// decide (Undecided), safe to log.
func (v *Verifier) Verify(ctx context.Context, r Request) (Outcome, error) {
	if r.OTPURL == "" {
		return Outcome{Reason: ReasonNoOTP}, nil
	}
	// Junk calls never reach Kakao's answer, so they cannot use up the
	// allowance of the user whose id they carry: only answers count.
	limited := v.opts.Users != nil && r.UserID != ""
	if limited {
		if ok, wait := v.opts.Users.Check(r.UserID); !ok {
			return Outcome{Reason: ReasonUserLimited, RetryAfter: wait}, nil
		}
	}
	if v.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, v.opts.Timeout)
		defer cancel()
	}
	start := time.Now()
	phone, err := v.profiles.Fetch(ctx, r.OTPURL)
	o := Outcome{KakaoTime: time.Since(start)}
	if limited && (err == nil || ReasonOf(ctx, err) == ReasonNoPhone) {
		v.opts.Users.Spend(r.UserID)
	}
	if err != nil {
		o.Reason = ReasonOf(ctx, err)
		return o, Redact(fmt.Errorf("read Kakao profile: %w", err), r.OTPURL)
	}
	e, ok, err := v.dir.Lookup(ctx, phone)
	if err != nil {
		// A store may name the document it failed on: the phone.
		o.Reason = ReasonDirectoryError
		return o, Redact(fmt.Errorf("directory lookup: %w", err), phoneForms(phone)...)
	}
	if !ok {
		o.Reason = ReasonNotInDirectory
		return o, nil
	}
	if v.opts.Binder != nil && r.UserID != "" {
		if err := v.opts.Binder.Bind(ctx, r.UserID, e); err != nil {
			o.Reason = ReasonBindFailed
			return o, Redact(fmt.Errorf("bind the user: %w", err), append(phoneForms(e.Phone), r.UserID)...)
		}
	}
	o.Employee, o.Reason = e, ReasonEmployee
	return o, nil
}

// phoneForms lists the ways an E.164 number may be spelled in someone
// else's error message, longest first.
func phoneForms(e164 string) []string {
	forms := []string{e164, strings.TrimPrefix(e164, "+")}
	if national, ok := strings.CutPrefix(e164, "+82"); ok {
		forms = append(forms, "0"+national, national)
	}
	return forms
}

package kakao

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/rollcall/rollcall/internal/directory"
)

// Directory answers whether a phone number belongs to an employee.
type Directory interface {
	// Lookup returns the employee whose E.164 phone is phone, and false
	// (with a nil error) when there is none.
	Lookup(ctx context.Context, phone string) (directory.Employee, bool, error)
}

// ProfileFetcher reads the Kakao profile behind an OTP URL; *ProfileClient
// is the production one.
type ProfileFetcher interface {
	Fetch(ctx context.Context, otpURL string) (Profile, error)
}

var _ ProfileFetcher = (*ProfileClient)(nil)

// OutcomeKind is what a verification decided. The zero value is
// OutcomeUndecided, so a forgotten assignment never verifies anyone.
type OutcomeKind int

// The outcomes of a verification.
const (
	// OutcomeUndecided means rollcall could not tell: Kakao was unreachable
	// or refused the OTP, no key is configured, the OTP was missing or not
	// Kakao's, or the directory failed.
	OutcomeUndecided OutcomeKind = iota
	// OutcomeEmployee means the profile's phone is in the directory.
	OutcomeEmployee
	// OutcomeNotEmployee means the profile's phone is not in the directory.
	OutcomeNotEmployee
)

// String returns the outcome as logged: employee, not_employee, undecided.
func (k OutcomeKind) String() string {
	switch k {
	case OutcomeEmployee:
		return "employee"
	case OutcomeNotEmployee:
		return "not_employee"
	default:
		return "undecided"
	}
}

// Reason codes, stable for logs and dashboards. They name what happened,
// never whom it happened to.
const (
	ReasonEmployee          = "employee"
	ReasonNotInDirectory    = "not_in_directory"
	ReasonNoOTP             = "no_otp"
	ReasonOriginRefused     = "origin_refused"
	ReasonNoAPIKey          = "no_api_key"
	ReasonKakaoTimeout      = "kakao_timeout"
	ReasonKakaoUnreachable  = "kakao_unreachable"
	ReasonKakaoStatus       = "kakao_status"
	ReasonBadProfile        = "bad_profile"
	ReasonNoPhone           = "no_phone"
	ReasonDirectoryError    = "directory_error"
	ReasonCanceled          = "canceled"
	ReasonUnexpectedFailure = "unexpected_failure"
)

// Outcome is the result of a verification.
type Outcome struct {
	Kind OutcomeKind
	// Employee is set when Kind is OutcomeEmployee.
	Employee directory.Employee
	// Reason is one of the Reason codes.
	Reason string
}

// Verifier is the verification use case: from an OTP URL to "is this person
// an employee?".
type Verifier struct {
	profiles ProfileFetcher
	dir      Directory
}

// NewVerifier returns a Verifier reading profiles through p and looking
// phones up in d.
func NewVerifier(p ProfileFetcher, d Directory) *Verifier {
	return &Verifier{profiles: p, dir: d}
}

// Verify reads the profile behind otpURL and looks its phone number up. It
// returns an error only with an OutcomeUndecided outcome whose Reason says
// why; the error is safe to log (no URL, key or phone number).
func (v *Verifier) Verify(ctx context.Context, otpURL string) (Outcome, error) {
	p, err := v.profiles.Fetch(ctx, otpURL)
	if err != nil {
		return Outcome{Kind: OutcomeUndecided, Reason: profileReason(ctx, err)},
			fmt.Errorf("read Kakao profile: %w", err)
	}
	e, ok, err := v.dir.Lookup(ctx, p.Phone)
	if err != nil {
		// A store may name the document it failed on: the phone.
		err = redact(fmt.Errorf("directory lookup: %w", err), phoneForms(p.Phone)...)
		return Outcome{Kind: OutcomeUndecided, Reason: ReasonDirectoryError}, err
	}
	if !ok {
		return Outcome{Kind: OutcomeNotEmployee, Reason: ReasonNotInDirectory}, nil
	}
	return Outcome{Kind: OutcomeEmployee, Employee: e, Reason: ReasonEmployee}, nil
}

// profileReason classifies a profile look-up failure.
func profileReason(ctx context.Context, err error) string {
	var status *ProfileStatusError
	var netErr net.Error
	switch {
	case errors.Is(err, ErrOriginRefused):
		return ReasonOriginRefused
	case errors.Is(err, ErrNoAPIKey):
		return ReasonNoAPIKey
	case errors.Is(err, ErrNoPhone):
		return ReasonNoPhone
	case errors.Is(err, ErrBadProfile):
		return ReasonBadProfile
	case errors.As(err, &status):
		return ReasonKakaoStatus
	case errors.Is(ctx.Err(), context.Canceled):
		return ReasonCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return ReasonKakaoTimeout
	case errors.Is(err, ErrUnavailable):
		return ReasonKakaoUnreachable
	}
	return ReasonUnexpectedFailure
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

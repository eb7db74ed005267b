package verify

import (
	"time"

	"github.com/rollcall/rollcall/internal/roster"
)

// Kind is what a verification decided.
type Kind int

// The outcomes of a verification.
const (
	// Undecided means rollcall could not tell, for any reason but two.
	Undecided Kind = iota
	// Employee means the profile's phone is in the directory.
	Employee
	// NotEmployee means the profile's phone is not in the directory.
	NotEmployee
)

// String returns the outcome as logged: employee, not_employee, undecided.
func (k Kind) String() string {
	switch k {
	case Employee:
		return "employee"
	case NotEmployee:
		return "not_employee"
	default:
		return "undecided"
	}
}

// Reason codes, stable for logs and dashboards. They name what happened,
// never whom it happened to.
const (
	ReasonEmployee         = "employee"
	ReasonNotInDirectory   = "not_in_directory"
	ReasonNoOTP            = "no_otp"
	ReasonUserLimited      = "user_rate_limited"
	ReasonOriginRefused    = "origin_refused"
	ReasonNoAPIKey         = "no_api_key"
	ReasonKakaoTimeout     = "kakao_timeout"
	ReasonKakaoUnreachable = "kakao_unreachable"
	ReasonKakaoStatus      = "kakao_status"
	ReasonBadProfile       = "bad_profile"
	ReasonNoPhone          = "no_phone"
	ReasonDirectoryError   = "directory_error"
	// ReasonBindFailed is an employee whom the store could not bind: not a
	// SUCCESS, which would promise a binding the gate cannot find.
	ReasonBindFailed        = "bind_failed"
	ReasonCanceled          = "canceled"
	ReasonUnexpectedFailure = "unexpected_failure"
)

// Outcome is the result of a verification.
type Outcome struct {
	// Employee is set when Reason is ReasonEmployee.
	Employee roster.Employee
	// Reason is one of the Reason codes.
	Reason string
	// RetryAfter is how long the user must wait, when Reason is
	// ReasonUserLimited: no look-up was made.
	RetryAfter time.Duration
	// KakaoTime is how long the profile look-up took; zero when none was tried.
	KakaoTime time.Duration
}

// Kind is what o decided, from its Reason: an Outcome without one is Undecided.
func (o Outcome) Kind() Kind {
	switch o.Reason {
	case ReasonEmployee:
		return Employee
	case ReasonNotInDirectory:
		return NotEmployee
	}
	return Undecided
}

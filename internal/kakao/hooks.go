package kakao

import "time"

// Endpoint names, as observers and log lines see them.
const (
	EndpointValidate = "validate"
	EndpointSkill    = "skill"
)

// ProfileFetchOK is the result a ProfileObserver sees for a profile read in
// full; a failure's result is its Reason code.
const ProfileFetchOK = "ok"

// UserLimiter limits how often one Kakao user may be verified;
// *ratelimit.Limiter is one. It must be safe for concurrent use.
type UserLimiter interface {
	// Allow reports whether key may go ahead now and, if not, how long it
	// should wait.
	Allow(key string) (ok bool, retryAfter time.Duration)
}

// VerificationObserver is told about every verification answered 200, for
// example to count it. It is called on the request's goroutine: it must be
// quick and safe for concurrent use.
type VerificationObserver interface {
	// ObserveVerification reports one verification: endpoint is
	// EndpointValidate or EndpointSkill, outcome an OutcomeKind's String,
	// reason a Reason code, elapsed the time from the request's arrival to
	// its answer.
	ObserveVerification(endpoint, outcome, reason string, elapsed time.Duration)
}

// ProfileObserver is told about every request the ProfileClient sends to
// Kakao (not about URLs refused before any request, nor look-ups without a
// key). It is called on the request's goroutine: it must be quick and safe
// for concurrent use.
type ProfileObserver interface {
	// ObserveProfileFetch reports one request: result is ProfileFetchOK or
	// the Reason code of the failure (kakao_status, kakao_timeout, ...),
	// status Kakao's HTTP status (0 when no answer arrived), elapsed the
	// time from sending to the end of the body.
	ObserveProfileFetch(result string, status int, elapsed time.Duration)
}

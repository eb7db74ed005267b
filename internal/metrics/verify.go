package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/rollcall/rollcall/internal/verify"
)

// Verifier is the verification use case; *verify.Verifier is one.
type Verifier interface {
	Verify(ctx context.Context, r verify.Request) (verify.Outcome, error)
}

// ObservedVerifier is a Verifier that counts every verification of the one
// it wraps, by outcome and reason, and times it and its request to Kakao.
type ObservedVerifier struct {
	next    Verifier
	metrics *Metrics
}

// WrapVerifier returns next, its verifications counted. A user refused by
// the per-user limit is not a verification: the HTTP metrics count its 429.
func (m *Metrics) WrapVerifier(next Verifier) *ObservedVerifier {
	return &ObservedVerifier{next: next, metrics: m}
}

// Verify runs one verification through the wrapped verifier and counts it.
func (v *ObservedVerifier) Verify(ctx context.Context, r verify.Request) (verify.Outcome, error) {
	start := time.Now()
	o, err := v.next.Verify(ctx, r)
	if o.Reason == verify.ReasonUserLimited {
		return o, err
	}
	kind := o.Kind().String()
	v.metrics.verifications.WithLabelValues(kind, only(o.Reason, "")).Inc()
	v.metrics.verificationSeconds.WithLabelValues(kind).Observe(time.Since(start).Seconds())
	// Kakao's answer, when a request was made: the reasons decided after a
	// profile, then the profile failures that sent one (no refused origin or key).
	switch o.Reason {
	case verify.ReasonEmployee, verify.ReasonNotInDirectory, verify.ReasonDirectoryError, verify.ReasonBindFailed:
		v.metrics.profileSeconds.WithLabelValues("ok").Observe(o.KakaoTime.Seconds())
	case verify.ReasonNoPhone, verify.ReasonBadProfile, verify.ReasonKakaoStatus, verify.ReasonKakaoTimeout,
		verify.ReasonKakaoUnreachable, verify.ReasonCanceled, verify.ReasonUnexpectedFailure:
		v.metrics.profileErrors.WithLabelValues(o.Reason, answerClass(o.Reason, err)).Inc()
		v.metrics.profileSeconds.WithLabelValues(o.Reason).Observe(o.KakaoTime.Seconds())
	}
	return o, err
}

// answerClass is the class of Kakao's HTTP status behind a failed look-up
// ("4xx"), or "none" when no answer arrived.
func answerClass(reason string, err error) string {
	var status interface{ StatusCode() int }
	switch {
	case errors.As(err, &status):
		return statusClass(status.StatusCode())
	case reason == verify.ReasonNoPhone, reason == verify.ReasonBadProfile:
		return "2xx" // an answer, but not a usable profile
	}
	return "none"
}

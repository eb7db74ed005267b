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
// it wraps, by outcome and reason, and times it.
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
	if o.Reason != verify.ReasonUserLimited {
		kind := o.Kind().String()
		v.metrics.verifications.WithLabelValues(kind, only(o.Reason, "")).Inc()
		v.metrics.verificationSeconds.WithLabelValues(kind).Observe(time.Since(start).Seconds())
	}
	return o, err
}

// ObservedProfiles is a verify.ProfileFetcher that counts and times every
// request the one it wraps sends to Kakao.
type ObservedProfiles struct {
	next    verify.ProfileFetcher
	metrics *Metrics
}

// WrapProfiles returns next, its requests to Kakao counted. Look-ups
// refused before any request (an OTP URL not allowed, no key) are not.
func (m *Metrics) WrapProfiles(next verify.ProfileFetcher) *ObservedProfiles {
	return &ObservedProfiles{next: next, metrics: m}
}

// Fetch reads a profile through the wrapped fetcher and counts the request.
func (p *ObservedProfiles) Fetch(ctx context.Context, otpURL string) (string, error) {
	start := time.Now()
	phone, err := p.next.Fetch(ctx, otpURL)
	result := "ok"
	if err != nil {
		result = verify.ReasonOf(ctx, err) // one of verify's codes
		if result == verify.ReasonOriginRefused || result == verify.ReasonNoAPIKey {
			return phone, err
		}
		p.metrics.profileErrors.WithLabelValues(result, answerClass(result, err)).Inc()
	}
	p.metrics.profileSeconds.WithLabelValues(result).Observe(time.Since(start).Seconds())
	return phone, err
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

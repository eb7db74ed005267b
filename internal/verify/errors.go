package verify

import (
	"context"
	"errors"
	"net"
	"strings"
)

// The failures of a profile look-up that the use case tells apart; a
// ProfileFetcher's errors wrap one (or are a context error).
var (
	// ErrOriginRefused means the OTP URL was refused without a request: its
	// origin is not allowed, or it is malformed.
	ErrOriginRefused = errors.New("OTP URL refused")
	// ErrNoAPIKey means no REST API key is configured; no request is made.
	ErrNoAPIKey = errors.New("no Kakao REST API key configured")
	// ErrNoPhone means the profile has no phone number: the user did not
	// consent to share it, or the app lacks it.
	ErrNoPhone = errors.New("the Kakao profile has no phone number")
	// ErrBadProfile means the answer is not a usable profile.
	ErrBadProfile = errors.New("the Kakao profile answer is unusable")
	// ErrUnavailable means Kakao could not be reached in time.
	ErrUnavailable = errors.New("the Kakao profile API is unreachable")
	// ErrRefused means Kakao answered, but not with a profile (an expired
	// or reused OTP, a wrong key, an outage).
	ErrRefused = errors.New("the Kakao profile API refused the look-up")
)

// ReasonOf classifies a profile look-up failure made under ctx as a Reason
// code.
func ReasonOf(ctx context.Context, err error) string {
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
	case errors.Is(err, ErrRefused):
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

// redactedError is an error with a redacted message that keeps its chain.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Unwrap() error { return e.err }

// Redact returns err with every occurrence of the non-empty values in its
// message replaced by "[redacted]", or err itself when none occurs.
func Redact(err error, values ...string) error {
	if err == nil {
		return nil
	}
	orig := err.Error()
	msg := orig
	for _, v := range values {
		if v != "" {
			msg = strings.ReplaceAll(msg, v, "[redacted]")
		}
	}
	if msg == orig {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

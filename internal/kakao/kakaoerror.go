package kakao

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/rollcall/rollcall/internal/verify"
)

// ProfileStatusError is a non-200 answer of the profile API (an expired or
// reused OTP, a wrong key, a redirect, an outage). It wraps
// verify.ErrRefused.
type ProfileStatusError struct {
	Code int
	// KakaoCode is the code of Kakao's error body ({"msg":...,"code":-401}),
	// 0 when there was none.
	KakaoCode int
	// IPMismatch says Kakao refused the key from this server's address:
	// the Kakao app allows its REST API key from other addresses only.
	IPMismatch bool
}

// Set-up failures of the Kakao key, which a *ProfileStatusError names.
var (
	// ErrKakaoKey: Kakao refused ROLLCALL_KAKAO_REST_API_KEY.
	//lint:ignore ST1005 a proper noun starts the operator's message
	ErrKakaoKey = errors.New("Kakao refused the REST API key")
	// ErrKakaoIP: the Kakao app allows its REST API key from listed server
	// addresses only, and this server's is not among them.
	//lint:ignore ST1005 a proper noun starts the operator's message
	ErrKakaoIP = errors.New("Kakao refused the REST API key from this server's address")
)

// statusError reads Kakao's error body, {"msg":"...","code":-401}. A key
// used from an address the Kakao app does not allow is answered 401 with
// "ip mismatched! callerIp=...". Only the code and that one fact are kept:
// the message is Kakao's, and may echo what was sent.
func statusError(code int, body []byte) *ProfileStatusError {
	var b struct {
		Msg  string `json:"msg"`
		Code int    `json:"code"`
	}
	e := &ProfileStatusError{Code: code}
	if json.Unmarshal(body, &b) == nil {
		e.KakaoCode = b.Code
		e.IPMismatch = strings.Contains(strings.ToLower(b.Msg), "ip mismatched")
	}
	return e
}

// setUp is the set-up failure the answer names, or nil.
func (e *ProfileStatusError) setUp() error {
	switch {
	case e.IPMismatch:
		return ErrKakaoIP
	case e.Code == http.StatusUnauthorized:
		return ErrKakaoKey
	}
	return nil
}

func (e *ProfileStatusError) Error() string {
	if failure := e.setUp(); failure != nil {
		return fmt.Sprintf("the Kakao profile API answered HTTP %d (%d): %v: %s", e.Code, e.KakaoCode, failure, e.Remedy())
	}
	return fmt.Sprintf("the Kakao profile API answered HTTP %d", e.Code)
}

// Is makes a refused key or address match its set-up failure.
func (e *ProfileStatusError) Is(target error) bool {
	failure := e.setUp()
	return failure != nil && target == failure
}

// Unwrap makes the answer a refusal for the verification use case.
func (e *ProfileStatusError) Unwrap() error { return verify.ErrRefused }

// StatusCode returns Kakao's HTTP status, for metrics.
func (e *ProfileStatusError) StatusCode() int { return e.Code }

// Remedy is the fix of a refused key or address, for `rollcall doctor`;
// "" for any other answer.
func (e *ProfileStatusError) Remedy() string {
	switch e.setUp() {
	case ErrKakaoIP:
		return "add the service's outbound address to the Kakao app's allowed IP addresses (Kakao Developers > the app > Security), " +
			"or remove them all; on Cloud Run give the service a fixed outbound address first (docs/deploy.md)"
	case ErrKakaoKey:
		return "set ROLLCALL_KAKAO_REST_API_KEY to the app's REST API key (Kakao Developers > the app > App Keys)"
	}
	return ""
}

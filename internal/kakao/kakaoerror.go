package kakao

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/rollcall/rollcall/internal/verify"
)

// ProfileStatusError is a non-200 answer of the profile API; it wraps
// verify.ErrRefused, and ErrKakaoKey or ErrKakaoIP when Kakao refused the key.
type ProfileStatusError struct {
	Code int
	// KakaoCode is the code of Kakao's error body ({"msg":...,"code":-401}),
	// 0 when there was none.
	KakaoCode int
	setUp     *setUpError // nil unless Kakao refused the key
}

// setUpError is a set-up failure of the Kakao key, with its fix (Remedy,
// for `rollcall doctor`).
type setUpError struct{ msg, fix string }

func (e *setUpError) Error() string { return e.msg }

// Remedy is the failure's fix, in one sentence.
func (e *setUpError) Remedy() string { return e.fix }

// The set-up failures of the Kakao key that a *ProfileStatusError names.
var (
	// ErrKakaoKey: Kakao refused ROLLCALL_KAKAO_REST_API_KEY.
	ErrKakaoKey = &setUpError{"Kakao refused the REST API key",
		"set ROLLCALL_KAKAO_REST_API_KEY to the app's REST API key (Kakao Developers > the app > App Keys)"}
	// ErrKakaoIP: the Kakao app allows its REST API key from listed server
	// addresses only, and this server's is not among them.
	ErrKakaoIP = &setUpError{"Kakao refused the REST API key from this server's address",
		"add the service's outbound address to the Kakao app's allowed IP addresses (Kakao Developers > the app > Security), " +
			"or remove them all; on Cloud Run give the service a fixed outbound address first (docs/deploy.md)"}
)

// statusError keeps only the code of Kakao's error body and whether it says
// "ip mismatched": the message may echo what was sent.
func statusError(code int, body []byte) *ProfileStatusError {
	var b struct {
		Msg  string `json:"msg"`
		Code int    `json:"code"`
	}
	e := &ProfileStatusError{Code: code}
	if json.Unmarshal(body, &b) == nil {
		e.KakaoCode = b.Code
	}
	switch {
	case strings.Contains(strings.ToLower(b.Msg), "ip mismatched"):
		e.setUp = ErrKakaoIP
	case code == http.StatusUnauthorized:
		e.setUp = ErrKakaoKey
	}
	return e
}

func (e *ProfileStatusError) Error() string {
	if e.setUp == nil {
		return fmt.Sprintf("the Kakao profile API answered HTTP %d", e.Code)
	}
	return fmt.Sprintf("the Kakao profile API answered HTTP %d (%d): %v: %s", e.Code, e.KakaoCode, e.setUp, e.setUp.fix)
}

// Unwrap makes the answer a refusal for the verification use case, and a
// refused key or address its set-up failure.
func (e *ProfileStatusError) Unwrap() []error {
	if e.setUp == nil {
		return []error{verify.ErrRefused}
	}
	return []error{verify.ErrRefused, e.setUp}
}

// StatusCode returns Kakao's HTTP status, for metrics.
func (e *ProfileStatusError) StatusCode() int { return e.Code }

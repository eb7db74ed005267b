package kakao

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/rollcall/rollcall/internal/verify"
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

// Remedy is the fix of a refused key or address, for `rollcall doctor`;
// "" for any other answer.
func (e *ProfileStatusError) Remedy() string {
	switch {
	case e.IPMismatch:
		return "add the service's outbound address to the Kakao app's allowed IP addresses (Kakao Developers > the app > Security), " +
			"or remove them all; on Cloud Run give the service a fixed outbound address first (docs/deploy.md)"
	case e.Code == http.StatusUnauthorized:
		return "set ROLLCALL_KAKAO_REST_API_KEY to the app's REST API key (Kakao Developers > the app > App Keys)"
	}
	return ""
}

// probeOTP is an OTP id that Kakao never issues: a probe with it reads no
// profile.
const probeOTP = "000000000000000000000000"

// ErrKakaoUnreachable: the probe got no answer from Kakao.
var ErrKakaoUnreachable = errors.New("Kakao did not answer")

// Probe asks Kakao whether it refuses the REST API key from this server,
// reading no profile: it asks the first allowed origin for an OTP that was
// never issued. A refused key or address (401) is a *ProfileStatusError
// that is ErrKakaoKey or ErrKakaoIP; any other answer (the unknown OTP's
// 4xx) is nil. It cannot tell a key Kakao checks only after the OTP, so
// nil means "not refused", not "verified to work". It returns
// verify.ErrNoAPIKey without a key, and makes no request then.
func (c *ProfileClient) Probe(ctx context.Context) error {
	if c.key == "" {
		return verify.ErrNoAPIKey
	}
	origins := c.origins.Strings()
	if len(origins) == 0 {
		return errors.New("no OTP origin is allowed")
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	target := origins[0] + "/otp/" + probeOTP + "/profile?rest_api_key=" + c.key
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return verify.Redact(fmt.Errorf("build the Kakao probe: %w", stripURL(err)), c.key)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.transport.RoundTrip(req)
	if err != nil {
		return verify.Redact(fmt.Errorf("%w at %s: %w", ErrKakaoUnreachable, origins[0], stripURL(err)), c.key, url.QueryEscape(c.key))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode == http.StatusUnauthorized {
		return statusError(resp.StatusCode, body)
	}
	return nil
}

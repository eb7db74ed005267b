package payload

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// maxOTPURL bounds what is treated as an OTP URL; Kakao's are ~75 bytes.
const maxOTPURL = 2048

// FindOTP returns the OTP URL in value.origin, or in a JSON string's "otp"
// field there, else the same in value.resolved.
func (r ValidationRequest) FindOTP() (string, bool) {
	if otp, ok := otpIn(string(r.Value.Origin)); ok {
		return otp, true
	}
	return otpIn(string(r.Value.Resolved))
}

// FindOTP returns the OTP URL of a block skill payload: a detailParams origin,
// else a params value, else a detailParams value; in name order, so that map
// order cannot change the answer.
func (p SkillPayload) FindOTP() (string, bool) {
	details := slices.Sorted(maps.Keys(p.Action.DetailParams))
	for _, name := range details {
		if otp, ok := otpIn(string(p.Action.DetailParams[name].Origin)); ok {
			return otp, true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(p.Action.Params)) {
		if otp, ok := otpIn(string(p.Action.Params[name])); ok {
			return otp, true
		}
	}
	for _, name := range details {
		if otp, ok := otpIn(string(p.Action.DetailParams[name].Value)); ok {
			return otp, true
		}
	}
	return "", false
}

// otpIn reads s as an OTP URL, or as a JSON object whose "otp" field is one.
func otpIn(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") {
		var v struct {
			OTP paramValue `json:"otp"`
		}
		if json.Unmarshal([]byte(s), &v) != nil {
			return "", false
		}
		s = strings.TrimSpace(string(v.OTP))
	}
	if !looksLikeOTPURL(s) {
		return "", false
	}
	return s, true
}

// looksLikeOTPURL is deliberately loose, so that internal/kakao refuses and
// logs a disguised URL rather than overlooking it; it is not a security check.
func looksLikeOTPURL(s string) bool {
	if len(s) > maxOTPURL {
		return false
	}
	lower := strings.ToLower(s)
	if !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://") {
		return false
	}
	return strings.Contains(lower, "/otp/") && strings.Contains(lower, "/profile")
}

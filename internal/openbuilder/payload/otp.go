package payload

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// maxOTPURL bounds what is treated as an OTP URL; Kakao's are ~75 bytes.
const maxOTPURL = 2048

// FindOTP returns the profile plugin's OTP URL carried by a validation
// request: value.origin when it is an OTP URL, else the "otp" field of a JSON
// string in value.origin, else the same two readings of value.resolved.
// Whether it may be fetched is internal/kakao's judgement.
func (r ValidationRequest) FindOTP() (string, bool) {
	if otp, ok := otpIn(string(r.Value.Origin)); ok {
		return otp, true
	}
	return otpIn(string(r.Value.Resolved))
}

// FindOTP returns the profile plugin's OTP URL carried by a block skill
// payload: the origin of an action.detailParams entry that is an OTP URL,
// else an action.params value that is one or is a JSON string with an "otp"
// field, else the same readings of an action.detailParams value. Parameters
// are visited in name order, so the answer does not depend on map order.
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

// looksLikeOTPURL reports whether s is meant as a profile plugin OTP URL:
// an http(s) URL that mentions /otp/ and /profile. It is deliberately loose,
// so that a disguised URL is refused by internal/kakao (and logged as such)
// rather than overlooked; it is not a security check.
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

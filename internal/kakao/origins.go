package kakao

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/rollcall/rollcall/internal/origin"
	"github.com/rollcall/rollcall/internal/verify"
)

// DefaultOrigins are Kakao's OTP profile origins, current and older: the
// contract's default of ROLLCALL_KAKAO_OTP_ORIGINS, which config states.
func DefaultOrigins() []string {
	return []string{"https://talk-plugin-capi.kakao.com", "https://talk-plugin.kakao.com"}
}

// checkOTPURL returns raw, with its origin normalised, when that origin is
// on origins and its path is /otp/<id>/profile. Anything else yields an
// error wrapping verify.ErrOriginRefused that never contains the URL.
func checkOTPURL(origins origin.List, raw string) (*url.URL, error) {
	u, err := origins.Match(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", verify.ErrOriginRefused, err)
	}
	if !isOTPPath(u.EscapedPath()) {
		return nil, fmt.Errorf("%w: path is not /otp/<id>/profile", verify.ErrOriginRefused)
	}
	return u, nil
}

// isOTPPath reports whether p is /otp/<id>/profile, where id is 1–64 ASCII
// letters, digits, '-' or '_': no dots, slashes or escapes that could walk
// elsewhere on the host.
func isOTPPath(p string) bool {
	id, ok := strings.CutPrefix(p, "/otp/")
	if !ok {
		return false
	}
	id, ok = strings.CutSuffix(id, "/profile")
	if !ok || id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

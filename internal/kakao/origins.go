package kakao

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/rollcall/rollcall/internal/origin"
	"github.com/rollcall/rollcall/internal/verify"
)

// maxOTPURL bounds an OTP URL; Kakao's are ~75 bytes.
const maxOTPURL = 2048

// DefaultOrigins are Kakao's OTP profile origins, current and older: the
// contract's default of ROLLCALL_KAKAO_OTP_ORIGINS, which config states.
func DefaultOrigins() []string {
	return []string{"https://talk-plugin-capi.kakao.com", "https://talk-plugin.kakao.com"}
}

// checkOTPURL parses an OTP URL and returns it, rebuilt from its parsed
// parts with a normalised host, when its origin is on origins and its path
// is /otp/<id>/profile. Anything else yields an error wrapping
// verify.ErrOriginRefused that never contains the URL.
func checkOTPURL(origins origin.List, raw string) (*url.URL, error) {
	if err := checkChars(raw); err != nil {
		return nil, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: not a URL", verify.ErrOriginRefused)
	}
	if u.Opaque != "" || u.User != nil || u.Host == "" {
		return nil, fmt.Errorf("%w: not an absolute URL with a host", verify.ErrOriginRefused)
	}
	scheme, host, err := origins.Allows(u)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", verify.ErrOriginRefused, err)
	}
	if !isOTPPath(u.EscapedPath()) {
		return nil, fmt.Errorf("%w: path is not /otp/<id>/profile", verify.ErrOriginRefused)
	}
	return &url.URL{Scheme: scheme, Host: host, Path: u.Path, RawQuery: u.RawQuery}, nil
}

// checkChars refuses an OTP URL that is too long or holds a character of a
// classic parser-confusion trick: user-info (@), fragments (#), escapes
// (%), Windows-style separators (\), white space, non-ASCII look-alikes.
func checkChars(raw string) error {
	if len(raw) > maxOTPURL {
		return fmt.Errorf("%w: too long", verify.ErrOriginRefused)
	}
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c <= ' ' || c >= 0x7f, c == '\\', c == '%', c == '@', c == '#':
			return fmt.Errorf("%w: forbidden character", verify.ErrOriginRefused)
		}
	}
	return nil
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

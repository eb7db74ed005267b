package kakao

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/rollcall/rollcall/internal/verify"
)

// maxOTPURL bounds an OTP URL; Kakao's are ~75 bytes.
const maxOTPURL = 2048

// DefaultOrigins are Kakao's OTP profile origins, current and older.
func DefaultOrigins() []string {
	return []string{"https://talk-plugin-capi.kakao.com", "https://talk-plugin.kakao.com"}
}

// Origins is the allow-list of origins (scheme, host, port) that an OTP URL
// may point at. The zero value allows nothing.
type Origins struct {
	allowed map[string]bool
	list    []string // normalised, in configuration order
}

// ParseOrigins builds the allow-list from entries written as
// scheme://host[:port]. Entries must be https, except that http is accepted
// for loopback hosts (localhost, 127.0.0.1, ::1) so that local demos and tests
// work. User-info, paths, queries, fragments, escapes and backslashes are
// configuration errors; every bad entry is reported.
func ParseOrigins(list []string) (Origins, error) {
	o := Origins{allowed: map[string]bool{}}
	var errs []error
	for _, entry := range list {
		key, err := parseOrigin(strings.TrimSpace(entry))
		if err != nil {
			errs = append(errs, fmt.Errorf("OTP origin %q: %w", entry, err))
			continue
		}
		if !o.allowed[key] {
			o.allowed[key] = true
			o.list = append(o.list, key)
		}
	}
	if len(errs) == 0 && len(o.list) == 0 {
		errs = append(errs, errors.New("no OTP origin allowed: want at least one scheme://host[:port]"))
	}
	if len(errs) > 0 {
		return Origins{}, errors.Join(errs...)
	}
	return o, nil
}

// List returns the allowed origins, normalised (lowercase host, default port
// dropped), in configuration order.
func (o Origins) List() []string { return slices.Clone(o.list) }

// Check parses an OTP URL and returns it, rebuilt from its parsed parts with
// a normalised host, when its origin is on the list and its path is
// /otp/<id>/profile. Anything else yields an error wrapping verify.ErrOriginRefused
// that never contains the URL.
func (o Origins) Check(raw string) (*url.URL, error) {
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
	scheme, host, err := normalizeOrigin(u)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", verify.ErrOriginRefused, err)
	}
	if !o.allowed[scheme+"://"+host] {
		return nil, fmt.Errorf("%w: origin not allowed", verify.ErrOriginRefused)
	}
	if !isOTPPath(u.EscapedPath()) {
		return nil, fmt.Errorf("%w: path is not /otp/<id>/profile", verify.ErrOriginRefused)
	}
	return &url.URL{Scheme: scheme, Host: host, Path: u.Path, RawQuery: u.RawQuery}, nil
}

// checkChars refuses an OTP URL that is too long or holds a character that
// has no place in a Kakao OTP URL. Each of these is a classic
// parser-confusion trick: user-info (@), fragments (#), escapes (%),
// Windows-style separators (\), white space and non-ASCII look-alikes.
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

// parseOrigin validates one allow-list entry and returns its normalised form.
func parseOrigin(s string) (string, error) {
	if s == "" {
		return "", errors.New("empty origin")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`\%@#?`, c) >= 0 {
			return "", fmt.Errorf("character %q is not allowed in an origin", c)
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", errors.New("not a URL: want scheme://host[:port]")
	}
	if u.Opaque != "" || u.Host == "" {
		return "", errors.New("want scheme://host[:port]")
	}
	if u.Path != "" && u.Path != "/" {
		return "", errors.New("an origin has no path: want scheme://host[:port]")
	}
	scheme, host, err := normalizeOrigin(u)
	if err != nil {
		return "", err
	}
	if !validHost(u.Hostname()) {
		return "", errors.New("host is not a DNS name or an IP address")
	}
	if scheme == "http" && !isLoopback(u.Hostname()) {
		return "", errors.New("http is only allowed for loopback hosts (localhost, 127.0.0.1, ::1); use https")
	}
	return scheme + "://" + host, nil
}

// normalizeOrigin returns the lowercase scheme and the host[:port] of u with a
// lowercase host and without the scheme's default port.
func normalizeOrigin(u *url.URL) (scheme, host string, err error) {
	scheme = strings.ToLower(u.Scheme)
	defaultPort := 0
	switch scheme {
	case "https":
		defaultPort = 443
	case "http":
		defaultPort = 80
	default:
		return "", "", errors.New("scheme must be https (or http on loopback)")
	}
	name := strings.ToLower(u.Hostname())
	if name == "" {
		return "", "", errors.New("no host")
	}
	port := defaultPort
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return "", "", errors.New("bad port")
		}
	}
	if strings.Contains(name, ":") { // an IPv6 literal keeps its brackets
		name = "[" + name + "]"
	}
	if port == defaultPort {
		return scheme, name, nil
	}
	return scheme, name + ":" + strconv.Itoa(port), nil
}

// validHost accepts an IP literal or a DNS name of letters, digits and
// hyphens in non-empty labels.
func validHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return !strings.Contains(h, "%") // no IPv6 zones
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

func isLoopback(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.IsLoopback()
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

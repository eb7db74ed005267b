// Package origin reads allow-lists of web origins (scheme://host[:port]),
// against which kakao checks an OTP URL before sending the REST API key anywhere.
package origin

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// List is an allow-list of origins; the zero value allows nothing.
type List struct {
	list []string // normalised, in configuration order; a few entries
}

// Parse builds the allow-list from scheme://host[:port] entries, https but
// for loopback hosts (local demos); every bad entry is reported.
func Parse(list []string) (List, error) {
	var o List
	var errs []error
	for _, entry := range list {
		key, err := parseOrigin(strings.TrimSpace(entry))
		if err != nil {
			errs = append(errs, fmt.Errorf("origin %q: %w", entry, err))
			continue
		}
		if !slices.Contains(o.list, key) {
			o.list = append(o.list, key)
		}
	}
	if len(errs) == 0 && len(o.list) == 0 {
		errs = append(errs, errors.New("no origin allowed: want at least one scheme://host[:port]"))
	}
	if len(errs) > 0 {
		return List{}, errors.Join(errs...)
	}
	return o, nil
}

// Strings returns the allowed origins, normalised, in configuration order.
func (o List) Strings() []string { return slices.Clone(o.list) }

// Match returns raw rebuilt from its parsed parts, its origin normalised, if
// the list has that origin; the error says why not, never quoting raw.
func (o List) Match(raw string) (*url.URL, error) {
	u, err := parse(raw)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(o.list, u.Scheme+"://"+u.Host) {
		return nil, errors.New("origin not allowed")
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawQuery: u.RawQuery}, nil
}

// maxURL bounds what parse reads; Kakao's OTP URLs are ~75 bytes.
const maxURL = 2048

// parse reads raw as an absolute URL, its origin normalised, refusing the
// characters of parser-confusion tricks (@ # % \, white space, non-ASCII).
func parse(raw string) (*url.URL, error) {
	if len(raw) > maxURL {
		return nil, errors.New("too long")
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`\%@#`, c) >= 0 {
			return nil, errors.New("forbidden character")
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return nil, errors.New("not an absolute URL with a host: want scheme://host[:port]")
	}
	u.Scheme, u.Host, err = normalize(u)
	return u, err
}

// parseOrigin validates one allow-list entry and returns its normalised form.
func parseOrigin(s string) (string, error) {
	u, err := parse(s)
	if err != nil {
		return "", err
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.ForceQuery {
		return "", errors.New("an origin has no path or query: want scheme://host[:port]")
	}
	if !validHost(u.Hostname()) {
		return "", errors.New("host is not a DNS name or an IP address")
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", errors.New("http is only allowed for loopback hosts (localhost, 127.0.0.1, ::1); use https")
	}
	return u.Scheme + "://" + u.Host, nil
}

// normalize returns u's lowercase scheme and host[:port], without the scheme's default port.
func normalize(u *url.URL) (scheme, host string, err error) {
	scheme = strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return "", "", errors.New("scheme must be https (or http on loopback)")
	}
	host = strings.ToLower(u.Hostname())
	if host == "" {
		return "", "", errors.New("no host")
	}
	if strings.Contains(host, ":") { // an IPv6 literal keeps its brackets
		host = "[" + host + "]"
	}
	if u.Port() == "" {
		return scheme, host, nil
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil || port < 1 || port > 65535 {
		return "", "", errors.New("bad port")
	}
	if scheme == "https" && port == 443 || scheme == "http" && port == 80 {
		return scheme, host, nil
	}
	return scheme, host + ":" + strconv.Itoa(port), nil
}

// validHost accepts an IP literal or a DNS name of letters, digits and hyphens.
func validHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return !strings.Contains(h, "%") // no IPv6 zones
	}
	if len(h) > 253 {
		return false
	}
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' || strings.Trim(label, letters) != "" {
			return false
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

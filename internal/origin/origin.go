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

// Allows returns u's normalised origin if the list has it, else an error saying why not.
func (o List) Allows(u *url.URL) (scheme, host string, err error) {
	if scheme, host, err = normalize(u); err != nil {
		return "", "", err
	}
	if !slices.Contains(o.list, scheme+"://"+host) {
		return "", "", errors.New("origin not allowed")
	}
	return scheme, host, nil
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
	scheme, host, err := normalize(u)
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

package metrics

import "strconv"

// other stands for a label value that is not one of the expected ones, so
// that a bug elsewhere cannot put an unbounded value or PII in a label.
const other = "other"

// maxLabel bounds a label value's length.
const maxLabel = 64

// code returns s if it looks like one of rollcall's codes (lower-case
// letters, digits and underscores, such as "kakao_timeout"), else other.
func code(s string) string {
	if s == "" || len(s) > maxLabel {
		return other
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return other
		}
	}
	return s
}

// oneOf returns s if it is one of allowed, else other.
func oneOf(s string, allowed ...string) string {
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	return other
}

// method returns an HTTP method as a label: the standard ones, else other.
func method(s string) string {
	return oneOf(s, "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE")
}

// route returns a route pattern as a label: a path pattern of gin's
// (letters, digits and / _ - . : *), "(unmatched)", else other.
func route(s string) string {
	if s == "(unmatched)" {
		return s
	}
	if s == "" || s[0] != '/' || len(s) > maxLabel {
		return other
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '_' || r == '-' || r == '.' || r == ':' || r == '*') {
			return other
		}
	}
	return s
}

// status returns an HTTP status code as a label; the codes rollcall
// answers with are constants, so that counting a request allocates nothing.
func status(code int) string {
	switch code {
	case 200:
		return "200"
	case 400:
		return "400"
	case 401:
		return "401"
	case 403:
		return "403"
	case 404:
		return "404"
	case 405:
		return "405"
	case 409:
		return "409"
	case 413:
		return "413"
	case 429:
		return "429"
	case 500:
		return "500"
	case 503:
		return "503"
	}
	if code < 100 || code > 599 {
		return other
	}
	return strconv.Itoa(code)
}

// statusClass returns the class of an HTTP status ("4xx"), or "none" when
// no answer arrived.
func statusClass(code int) string {
	switch {
	case code == 0:
		return "none"
	case code >= 100 && code <= 599:
		return strconv.Itoa(code/100) + "xx"
	default:
		return other
	}
}

package metrics

import (
	"strconv"
	"strings"
)

// other stands for a label value that is not one of the expected ones, so
// that a bug elsewhere cannot put an unbounded value or PII in a label.
const other = "other"

// only returns s if it is 1 to 64 lower-case letters, digits, underscores
// and bytes of extra, else other.
func only(s, extra string) string {
	if s == "" || len(s) > 64 {
		return other
	}
	for i := range len(s) {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || strings.IndexByte(extra, c) >= 0) {
			return other
		}
	}
	return s
}

// route returns a route pattern as a label: a path pattern of gin's,
// "(unmatched)", else other.
func route(s string) string {
	if s == "(unmatched)" {
		return s
	}
	if !strings.HasPrefix(s, "/") {
		return other
	}
	return only(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ/-.:*")
}

// method returns an HTTP method as a label: the standard ones, else other.
func method(s string) string {
	switch s {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE":
		return s
	}
	return other
}

// statusClass returns the class of an HTTP status ("4xx"), or "none" when
// no answer arrived.
func statusClass(code int) string {
	if code == 0 {
		return "none"
	}
	if code < 100 || code > 599 {
		return other
	}
	return strconv.Itoa(code/100) + "xx"
}

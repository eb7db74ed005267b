package config

import (
	"log/slog"

	"golang.org/x/net/http/httpguts"
)

// Secret is a configuration value that must never be printed or logged.
type Secret string

// String hides the value from fmt.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "*****"
}

// LogValue hides the value from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Reveal returns the value itself, for the one place that must send it.
func (s Secret) Reveal() string { return string(s) }

// MarshalText hides the value from encoders (JSON logs of a whole struct).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// headerSecret reads a secret that travels in an HTTP header: one no header
// can carry (a pasted line break) would refuse every request.
func (l *loader) headerSecret(name string) Secret {
	v := l.str(name, "")
	if !httpguts.ValidHeaderFieldValue(v) {
		l.fail(name, "holds a control character (a line break?), which no HTTP header can carry: set it again as one line of printable characters")
		return ""
	}
	return Secret(v)
}

package verify

import "strings"

// redactedError hides secrets and personal data that a lower layer (a
// store, a network library) may have put in an error message, while keeping
// the error chain for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Unwrap() error { return e.err }

// Redact returns err with every occurrence of the non-empty values in its
// message replaced by "[redacted]", or err itself when none occurs.
func Redact(err error, values ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	changed := false
	for _, v := range values {
		if v != "" && strings.Contains(msg, v) {
			msg = strings.ReplaceAll(msg, v, "[redacted]")
			changed = true
		}
	}
	if !changed {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

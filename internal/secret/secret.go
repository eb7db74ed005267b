// Package secret checks a shared secret a caller presents (the sync token,
// the skill secret) against the configured one, in constant time.
package secret

import (
	"crypto/sha256"
	"crypto/subtle"
)

// Shared is a configured secret, kept as its SHA-256: comparing digests
// leaks nothing of the secret, its length included, through timing.
type Shared struct {
	sum [sha256.Size]byte
	set bool
}

// New keeps the configured secret s; "" means no secret is configured.
func New(s string) Shared {
	return Shared{sum: sha256.Sum256([]byte(s)), set: s != ""}
}

// IsSet reports whether a secret is configured.
func (s Shared) IsSet() bool { return s.set }

// Matches reports whether got is the configured secret; "" never is, nor anything when none is set.
func (s Shared) Matches(got string) bool {
	if !s.set || got == "" {
		return false
	}
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(sum[:], s.sum[:]) == 1
}

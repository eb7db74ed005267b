// Package userkey is what rollcall keeps and logs in place of a Kakao user id:
// its SHA-256, one hash for bindings and logs, so a log line leads to a binding.
package userkey

import (
	"crypto/sha256"
	"encoding/hex"
)

// Sum returns the SHA-256 of the user id id.
func Sum(id string) [sha256.Size]byte { return sha256.Sum256([]byte(id)) }

// Of returns id's key: its SHA-256 in lowercase hex, as the contract's `bindings` names a binding.
func Of(id string) string {
	sum := Sum(id)
	return hex.EncodeToString(sum[:])
}

// Short returns the first 8 hex digits of id's key, "" for no id: enough to
// follow a user through the logs, not to recover the id.
func Short(id string) string {
	if id == "" {
		return ""
	}
	sum := Sum(id)
	return hex.EncodeToString(sum[:4])
}

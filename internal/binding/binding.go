// Package binding is "verify once, gate everywhere": a Kakao user whom the
// profile plugin verified as an employee is bound to that employee's phone
// for a while, so that any employee-only block can ask the gate instead of
// the profile plugin again.
//
// A binding is keyed by userkey.Of, the hex SHA-256 of the Kakao user id: the raw
// id is never stored, returned in an error or logged. The gate honours a
// binding only while it has not expired and the directory held in memory
// has, at its phone, the person it was made for (PersonOf): a leaver is
// shut out by the sync that removes them, and a phone reissued to someone
// else stops counting for the one verified before, even before the sync
// has deleted those bindings everywhere.
package binding

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/userkey"
)

// Binding is what a store keeps for one bound Kakao user.
type Binding struct {
	Phone  string // the employee's E.164 phone
	Person string // who was verified (PersonOf): hashes, never a raw name or email
	// BoundAt is when the user was verified; ExpiresAt is when the binding
	// stops counting.
	BoundAt, ExpiresAt time.Time
}

// Store keeps bindings under their key (userkey.Of). The bolt and firestore
// stores satisfy it; a sync that deletes an employee, or gives their phone
// to another person, deletes their bindings too.
type Store interface {
	// PutBinding stores b under key, replacing any binding there, durably
	// before it returns: one write, with no read before it (the gate checks
	// the binding against the directory).
	PutBinding(ctx context.Context, key string, b Binding) error
	// Binding returns the binding under key and true, or false when there
	// is none.
	Binding(ctx context.Context, key string) (Binding, bool, error)
	// DeleteBinding removes the binding under key, if any.
	DeleteBinding(ctx context.Context, key string) error
}

// Directory is the employee directory held in memory (memdir.Directory).
type Directory interface {
	// Lookup returns the employee whose E.164 phone is phone, and false
	// when no employee has it.
	Lookup(ctx context.Context, phone string) (roster.Employee, bool, error)
}

// Errors of the service and its store; compare with errors.Is.
var (
	// ErrNoUser refuses a Bind without a Kakao user id.
	ErrNoUser = errors.New("the request carries no Kakao user id")
	// ErrBadKey is a store's refusal of a key that is not a hex SHA-256.
	ErrBadKey = errors.New("a binding key must be 64 lowercase hex digits")
)

// userKey returns userID's SHA-256, which keys the in-memory cache, and its
// hex, userkey.Of, which keys the store.
func userKey(userID string) (id [sha256.Size]byte, key string) {
	id = userkey.Sum(userID)
	return id, hex.EncodeToString(id[:])
}

// ValidKey reports whether key has userkey.Of's shape, so that a store refuses
// anything else instead of writing it as a document id.
func ValidKey(key string) bool {
	return len(key) == 2*sha256.Size && strings.Trim(key, "0123456789abcdef") == ""
}

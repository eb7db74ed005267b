package replication

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/rollcall/rollcall/internal/roster"
)

// Digest is a digest of a whole directory: the XOR of the SHA-256 of each
// employee's phone and content hash. Being an XOR it is kept up to date one
// employee at a time (Toggle out the old entry, Toggle in the new), so that
// a store updates it at the cost of a change, and it does not depend on
// order. Phones are unique, so no entry can cancel itself out.
type Digest [sha256.Size]byte

// Toggle adds the employee with phone and content hash to the digest, or
// removes it if it is in.
func (d *Digest) Toggle(phone, hash string) {
	h := sha256.New()
	h.Write([]byte(phone))
	h.Write([]byte{0})
	h.Write([]byte(hash))
	var sum [sha256.Size]byte
	for i, b := range h.Sum(sum[:0]) {
		d[i] ^= b
	}
}

// String is the digest in hex, as stores keep it.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// DigestOf returns the digest of a directory holding exactly employees
// (phones unique, as a roster lists them).
func DigestOf(employees []roster.Employee) string {
	var d Digest
	for _, e := range employees {
		d.Toggle(e.Phone, e.Hash())
	}
	return d.String()
}

// DigestOfHashes returns the digest of a directory whose content hashes,
// by phone, are hashes.
func DigestOfHashes(hashes map[string]string) string {
	var d Digest
	for phone, hash := range hashes {
		d.Toggle(phone, hash)
	}
	return d.String()
}

package replication

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/rollcall/rollcall/internal/roster"
)

// Digest is a digest of a whole directory: the XOR of the SHA-256 of each
// employee's phone and content hash. An XOR is kept up to date one employee
// at a time (Toggle the old entry out, the new in) and does not depend on
// order; phones are unique, so no entry cancels itself out.
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

// DigestOf returns the digest of a directory holding exactly employees.
func DigestOf(employees []roster.Employee) string {
	var d Digest
	for _, e := range employees {
		d.Toggle(e.Phone, e.Hash())
	}
	return d.String()
}

// DigestOfHashes returns the digest of the content hashes, by phone.
func DigestOfHashes(hashes map[string]string) string {
	var d Digest
	for phone, hash := range hashes {
		d.Toggle(phone, hash)
	}
	return d.String()
}

package roster

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Employee is one person in the directory, keyed by Phone.
type Employee struct {
	// Phone is the mobile number in E.164 form, e.g. "+821012345678".
	Phone      string `json:"phone"`
	Name       string `json:"name"`
	Department string `json:"department"`
	Position   string `json:"position"`
	Email      string `json:"email"`
	// Row is the 1-based sheet row the employee was read from, as HR sees it.
	Row int `json:"row"`
}

// Hash returns a short, stable digest of the employee's fields, for a sync to
// tell a changed one; a row that only moved is not a change.
func (e Employee) Hash() string {
	h := sha256.New()
	for _, f := range []string{e.Phone, e.Name, e.Department, e.Position, e.Email} {
		fmt.Fprintf(h, "%d:%s", len(f), f) // length-prefixed: ("ab","c") and ("a","bc") differ
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

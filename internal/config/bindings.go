package config

import (
	"time"

	"github.com/rollcall/rollcall/internal/binding"
)

// Bindings configures "verify once, gate everywhere" (contract, section 3).
type Bindings struct {
	// TTL is how long a verified user stays bound; 0 means off: no binding
	// is stored and the gate always answers not verified.
	TTL time.Duration
	// AuthBlockID is the Open Builder block id of the bot's auth block,
	// which a "not verified" gate answer offers as a quick reply; "" = none.
	AuthBlockID string
}

// bindings reads ROLLCALL_BINDING_TTL and ROLLCALL_AUTH_BLOCK_ID.
func (l *loader) bindings() Bindings {
	return Bindings{
		TTL:         l.bindingTTL("ROLLCALL_BINDING_TTL", binding.DefaultTTL),
		AuthBlockID: l.blockID("ROLLCALL_AUTH_BLOCK_ID"),
	}
}

// maxBlockIDLen bounds a block id: Open Builder's are 24 hex digits.
const maxBlockIDLen = 64

// bindingTTL reads ROLLCALL_BINDING_TTL.
func (l *loader) bindingTTL(name string, def time.Duration) time.Duration {
	v := l.str(name, "")
	if v == "" {
		return def
	}
	d, err := binding.ParseTTL(v)
	if err != nil {
		l.fail(name, "%v", err)
	}
	return d
}

// blockID reads an Open Builder block id: letters and digits only, as the
// id in the block's URL in Open Builder.
func (l *loader) blockID(name string) string {
	v := l.str(name, "")
	ok := len(v) <= maxBlockIDLen
	for _, r := range v {
		ok = ok && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}
	if !ok {
		l.fail(name, "%q is not an Open Builder block id (letters and digits, e.g. 5f1a0c7e3b2d4a0001a1b2c3, from the block's URL)", v)
	}
	return v
}

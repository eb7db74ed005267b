package userkey_test

import (
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/userkey"
)

func TestOf(t *testing.T) {
	t.Parallel()
	// sha256("abc"), from FIPS 180-2's examples.
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := userkey.Of("abc"); got != want {
		t.Errorf("Of(abc) = %s, want %s", got, want)
	}
	if sum := userkey.Sum("abc"); sum[0] != 0xba || sum[31] != 0xad {
		t.Errorf("Sum(abc) = %x, want %s", sum, want)
	}
	if got := userkey.Short("abc"); got != want[:8] {
		t.Errorf("Short(abc) = %s, want %s", got, want[:8])
	}
	const user = "a3f0c1d2e4b5968778a9b0c1d2e3f40516273849a0b1c2d3e4f5061728394a5b6c"
	if got := userkey.Short(user); !strings.HasPrefix(userkey.Of(user), got) || len(got) != 8 {
		t.Errorf("Short = %q, not the first 8 digits of Of = %q", got, userkey.Of(user))
	}
	if got := userkey.Short(""); got != "" {
		t.Errorf(`Short("") = %q, want ""`, got)
	}
}

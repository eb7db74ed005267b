package firestore

import (
	"testing"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/memdir"
)

// TestBindCost holds issue 20's counts on the launch day: a new user's
// verification costs the store one round trip (one write, no read, no
// transaction); the same user verified again on the same instance soon
// after costs none, and so does the gate of a binding the instance holds
// (the auth block's own skill right after the SUCCESS included). Counted
// through a gRPC interceptor on the client, as TestSyncCost counts.
func TestBindCost(t *testing.T) {
	t.Parallel()
	needEmulator(t)
	project := testProjectID(t)
	syncRows(t, openProject(t, project, true), sheet(3))

	counted := &ops{}
	s := openCountedStore(t, project, counted)
	in := instance{store: s, dir: memdir.New(s, memdir.Options{})}
	in.binds = binding.New(s, in.dir, binding.Options{TTL: binding.DefaultTTL})
	in.refresh(t)

	for _, step := range []struct {
		name string
		do   func()
		want int
	}{
		{"a new user's bind", func() { in.bind(t) }, 1},
		{"the auth block's gate right after", func() { in.wantVerified(t, true) }, 0},
		{"the same user verified again", func() { in.bind(t) }, 0},
		{"a cached gate", func() { in.wantVerified(t, true) }, 0},
	} {
		counted.takeCalls()
		step.do()
		if got := counted.takeCalls(); got != step.want {
			t.Errorf("%s: %d round trips to Firestore, want %d", step.name, got, step.want)
		}
	}
}

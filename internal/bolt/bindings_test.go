package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/rollcall/rollcall/internal/binding/bindingtest"
)

// TestBindingIsToAPerson runs issue 19's scenarios on one bolt file, which
// one process serves: its two "instances" are two directories and binding
// services over the same store.
func TestBindingIsToAPerson(t *testing.T) {
	t.Parallel()
	bindingtest.RunPersonTests(t, func(t *testing.T) (a, b bindingtest.Store) {
		s := open(t, filepath.Join(t.TempDir(), "rollcall.db"))
		return s, s
	})
}

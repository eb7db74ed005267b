package bolt_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/binding/bindingtest"
	"github.com/rollcall/rollcall/internal/bolt"
	"github.com/rollcall/rollcall/internal/storetest"
	"github.com/rollcall/rollcall/internal/userkey"
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

// TestConcurrentBindsAllLand binds many users at once, so that commits
// carry several binds each: every one is readable once its PutBinding has
// returned, and a bind after Close is refused, not lost in a queue.
func TestConcurrentBindsAllLand(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	s, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	es := storetest.People(10)
	if err := s.Apply(t.Context(), es, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var g errgroup.Group
	for i := range 200 {
		g.Go(func() error {
			e := es[i%len(es)]
			b := binding.Binding{Phone: e.Phone, Person: binding.PersonOf(e), BoundAt: now, ExpiresAt: now.Add(time.Hour)}
			if err := s.PutBinding(t.Context(), userkey.Of(fmt.Sprint(i)), b); err != nil {
				return err
			}
			got, ok, err := s.Binding(t.Context(), userkey.Of(fmt.Sprint(i)))
			if err != nil || !ok || got != b {
				return fmt.Errorf("user %d: read back %+v, %v, %v; want %+v", i, got, ok, err, b)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBinding(t.Context(), userkey.Of("late"), binding.Binding{Phone: es[0].Phone}); err == nil {
		t.Error("PutBinding after Close = nil, want an error")
	}
}

package bolt_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"
	"golang.org/x/sync/errgroup"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/binding/bindingtest"
	"github.com/rollcall/rollcall/internal/bolt"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
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
	if _, err := s.ApplyPlan(t.Context(), rostersync.Plan{Added: es}); err != nil {
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

// TestOldBindingsAreDropped opens a file whose bindings an earlier rollcall
// wrote (hex keys, JSON values, in the "bindings" bucket): the file opens
// and reopens, their users verify once more, and the old bucket, with its
// phones, is gone.
func TestOldBindingsAreDropped(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	s := open(t, path)
	if _, err := s.ApplyPlan(t.Context(), rostersync.Plan{Added: []roster.Employee{hong}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		old, err := tx.CreateBucket([]byte("bindings"))
		if err != nil {
			return err
		}
		return old.Put([]byte(userkey.Of("user-1")), []byte(`{"phone":"+821012345678","person":"p1:abc","bound_at":"2026-03-02T09:00:00Z","expires_at":"2026-05-31T09:00:00Z"}`))
	})
	if err := errors.Join(err, db.Close()); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		s, err := bolt.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok, err := s.Binding(t.Context(), userkey.Of("user-1")); err != nil || ok {
			t.Errorf("Binding = %+v, %v, %v; want none", got, ok, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	db, err = bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.View(func(tx *bbolt.Tx) error {
		if tx.Bucket([]byte("bindings")) != nil {
			return errors.New(`the old "bindings" bucket is still in the file`)
		}
		return nil
	}); err != nil {
		t.Error(err)
	}
}

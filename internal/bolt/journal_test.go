package bolt_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/bolt"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/storetest"
	"github.com/rollcall/rollcall/internal/userkey"
)

// journalOf is the journal file of the store at path that takes the binds
// after Open, until the first fold.
func journalOf(t *testing.T, path string) string {
	t.Helper()
	names, err := filepath.Glob(path + "?*")
	if err != nil || len(names) != 2 {
		t.Fatalf("the store's other files = %v, %v; want the journal's two", names, err)
	}
	return path + ".bindings.0"
}

// boundStore opens a store at path with n employees and binds "user-i"
// to employee i, returning the store and the users.
func boundStore(t *testing.T, path string, n int) (*bolt.Store, []string) {
	t.Helper()
	s := open(t, path)
	es := storetest.People(n)
	if _, err := s.ApplyPlan(t.Context(), rostersync.Plan{Added: es}); err != nil {
		t.Fatal(err)
	}
	users := make([]string, n)
	for i, e := range es {
		users[i] = fmt.Sprint("user-", i)
		if err := s.PutBinding(t.Context(), userkey.Of(users[i]), bindingTo(e)); err != nil {
			t.Fatal(err)
		}
	}
	return s, users
}

// bindingTo is a binding to e that binds no one else's.
func bindingTo(e roster.Employee) binding.Binding {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	return binding.Binding{Phone: e.Phone, Person: binding.PersonOf(e), BoundAt: now, ExpiresAt: now.Add(time.Hour)}
}

// wantBound checks which of users s holds a binding for.
func wantBound(t *testing.T, s *bolt.Store, users []string, want bool) {
	t.Helper()
	for _, u := range users {
		_, found, err := s.Binding(t.Context(), userkey.Of(u))
		if err != nil {
			t.Fatalf("Binding(%s): %v", u, err)
		}
		if found != want {
			t.Errorf("Binding(%s) found = %v, want %v", u, found, want)
		}
	}
}

// TestJournalReplaysAfterACrash: binds answered before a crash are bound
// when the file is opened again, and again after that open has folded them
// in and emptied the journal.
func TestJournalReplaysAfterACrash(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	_, users := boundStore(t, path, 3)
	crashed := storetest.CrashCopy(t, path)
	for range 2 {
		c := open(t, crashed)
		wantBound(t, c, users, true)
		if fi, err := os.Stat(journalOf(t, crashed)); err != nil || fi.Size() != 0 {
			t.Errorf("journal after Open: %v, %v; want empty", fi, err)
		}
		crashed = storetest.CrashCopy(t, crashed)
	}
}

// TestJournalTornTailIsIgnored: a crash during a batch's write leaves part
// of it; Open keeps the batches before it and opens the file.
func TestJournalTornTailIsIgnored(t *testing.T) {
	t.Parallel()
	for _, tear := range []struct {
		name string
		do   func([]byte) []byte
	}{
		{"short", func(b []byte) []byte { return b[:len(b)-3] }},
		{"bad checksum", func(b []byte) []byte { b[len(b)-1] ^= 0xff; return b }},
		{"garbage after it", func(b []byte) []byte { return append(b, 1, 2, 3) }},
	} {
		t.Run(tear.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "rollcall.db")
			boundStore(t, path, 2)
			crashed := storetest.CrashCopy(t, path)
			j := journalOf(t, crashed)
			data, err := os.ReadFile(j)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(j, tear.do(data), 0o600); err != nil {
				t.Fatal(err)
			}
			c := open(t, crashed)
			wantBound(t, c, []string{"user-0"}, true)
			wantBound(t, c, []string{"user-1"}, tear.name == "garbage after it")
		})
	}
}

// TestJournalDoesNotResurrect: a crash after an unbind or a sync's
// revocation has committed but before the journal is emptied leaves the
// journal still holding the binding; Open must not bring it back.
func TestJournalDoesNotResurrect(t *testing.T) {
	t.Parallel()
	for _, remove := range []struct {
		name string
		do   func(*testing.T, *bolt.Store, roster.Employee)
	}{
		{"unbind", func(t *testing.T, s *bolt.Store, _ roster.Employee) {
			if err := s.DeleteBinding(t.Context(), userkey.Of("user-0")); err != nil {
				t.Fatal(err)
			}
		}},
		{"leaver", func(t *testing.T, s *bolt.Store, e roster.Employee) {
			if revoked, err := s.ApplyPlan(t.Context(), rostersync.Plan{Deleted: []string{e.Phone}}); err != nil || revoked != 1 {
				t.Fatalf("ApplyPlan = %d, %v; want 1 revoked", revoked, err)
			}
		}},
	} {
		t.Run(remove.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "rollcall.db")
			s, _ := boundStore(t, path, 2)
			journal, err := os.ReadFile(journalOf(t, path))
			if err != nil || len(journal) == 0 {
				t.Fatalf("journal before the removal: %d bytes, %v", len(journal), err)
			}
			remove.do(t, s, storetest.People(2)[0])
			crashed := storetest.CrashCopy(t, path)
			// The journal as it was when the removal committed: a fold only
			// empties it afterwards.
			if err := os.WriteFile(journalOf(t, crashed), journal, 0o600); err != nil {
				t.Fatal(err)
			}
			c := open(t, crashed)
			wantBound(t, c, []string{"user-0"}, false)
			wantBound(t, c, []string{"user-1"}, true)
		})
	}
}

// TestJournalManyBindsFold binds more than the journal holds before it is
// folded: every bind stays readable, and after a crash.
func TestJournalManyBindsFold(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	s := open(t, path)
	bolt.FoldAt(s, 4096)
	es := storetest.People(10)
	if _, err := s.ApplyPlan(t.Context(), rostersync.Plan{Added: es}); err != nil {
		t.Fatal(err)
	}
	users := make([]string, 10000) // two folds and more
	var g errgroup.Group
	g.SetLimit(64)
	for i := range users {
		users[i] = fmt.Sprint("user-", i)
		g.Go(func() error { return s.PutBinding(t.Context(), userkey.Of(users[i]), bindingTo(es[i%len(es)])) })
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	wantBound(t, s, users, true)
	wantBound(t, open(t, storetest.CrashCopy(t, path)), users, true)
}

// TestReadOnlySeesTheJournal: `rollcall doctor` on the file a running (or
// crashed) server has sees its journal's binds, and changes no byte.
func TestReadOnlySeesTheJournal(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	s := open(t, path)
	if _, err := s.ApplyPlan(t.Context(), rostersync.Plan{Added: []roster.Employee{hong}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBinding(t.Context(), userkey.Of("user-1"), bindingTo(hong)); err != nil {
		t.Fatal(err)
	}
	crashed := storetest.CrashCopy(t, path)
	sum := func() [32]byte {
		var all []byte
		for _, name := range []string{crashed, journalOf(t, crashed)} {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		return sha256.Sum256(all)
	}
	before := sum()
	ro, err := bolt.OpenReadOnly(crashed)
	if err != nil {
		t.Fatal(err)
	}
	got, found, err := ro.Binding(t.Context(), userkey.Of("user-1"))
	if err != nil || !found || got != bindingTo(hong) {
		t.Errorf("read-only Binding = %+v, %v, %v; want %+v", got, found, err, bindingTo(hong))
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	if sum() != before {
		t.Error("reading changed the files")
	}
	if j, _ := os.ReadFile(journalOf(t, crashed)); bytes.Count(j, []byte{0}) == len(j) {
		t.Error("the journal is empty: this test proves nothing")
	}
}

package bolt

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/userkey"
)

// TestFoldBehind: a full journal file hands over to the other and is folded
// into the bucket in the background, then emptied; the binds after it stay
// in the overlay and the other file, and every bind reads back throughout.
func TestFoldBehind(t *testing.T) {
	s, path, bind := foldStore(t)
	foldAt := s.journal.foldAt
	n := foldAt + 10
	for i := range n {
		if err := bind(i); err != nil {
			t.Fatal(err)
		}
	}
	s.journal.foldMu.Lock() // waits for the fold the last binds started
	inBucket := 0
	err := s.view(t.Context(), func(tx *bbolt.Tx) error {
		inBucket = tx.Bucket([]byte(bindingsBucket)).Stats().KeyN
		return nil
	})
	s.journal.foldMu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if inBucket != foldAt || len(s.journal.overlay) != n-foldAt || s.journal.folding != nil {
		t.Errorf("after the fold: %d bindings in the bucket, %d in the overlay, folding %v; want %d, %d, nil",
			inBucket, len(s.journal.overlay), s.journal.folding != nil, foldAt, n-foldAt)
	}
	for i, want := range []bool{true, false} { // the full file emptied, the other holding the rest
		fi, err := os.Stat(path + journalSuffixes[i])
		if err != nil || (fi.Size() == 0) != want {
			t.Errorf("%s: %v, %v; want empty %v", journalSuffixes[i], fi, err, want)
		}
	}
	for i := range n {
		if _, found, err := s.Binding(t.Context(), userkey.Of(fmt.Sprint("user-", i))); err != nil || !found {
			t.Fatalf("Binding(user-%d) = %v, %v; want found", i, found, err)
		}
	}
}

// TestFoldBehindFailure: a background fold whose commit fails puts its
// bindings back in the overlay and keeps its file for replay; the next bind
// folds everything first, and fails while the fold does, so that nothing is
// answered as bound that a restart would lose. A nested bucket under one
// binding's key makes the fold's Put fail, as a full disk would its commit.
func TestFoldBehindFailure(t *testing.T) {
	s, path, bind := foldStore(t)
	blocker, err := bindingKey(userkey.Of("user-0"))
	if err != nil {
		t.Fatal(err)
	}
	setBlocker := func(on bool) {
		t.Helper()
		err := s.update(t.Context(), func(tx *bbolt.Tx) error {
			if on {
				_, err := tx.Bucket([]byte(bindingsBucket)).CreateBucket(blocker)
				return err
			}
			return tx.Bucket([]byte(bindingsBucket)).DeleteBucket(blocker)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	setBlocker(true)
	n := s.journal.foldAt + 1 // the last one hands file 0 over to a fold
	for i := range n {
		if err := bind(i); err != nil {
			t.Fatal(err)
		}
	}
	j := s.journal
	j.foldMu.Lock() // waits for the fold
	if !j.dirty || len(j.overlay) != n || j.folding != nil {
		t.Errorf("after the failed fold: dirty %v, %d in the overlay, folding %v; want true, %d, nil", j.dirty, len(j.overlay), j.folding != nil, n)
	}
	j.foldMu.Unlock()
	if fi, err := os.Stat(path + journalSuffixes[0]); err != nil || fi.Size() == 0 {
		t.Errorf("the failed fold's file: %v, %v; want it kept for replay", fi, err)
	}
	if err := bind(n); err == nil {
		t.Error("a bind while the fold fails succeeded; want its error")
	}

	setBlocker(false)
	if err := bind(n); err != nil {
		t.Fatalf("a bind once the fold can succeed: %v", err)
	}
	if j.dirty || len(j.overlay) != 1 { // that bind's alone
		t.Errorf("after the fold: dirty %v, %d in the overlay; want false, 1", j.dirty, len(j.overlay))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	reopened, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reopened.Close() })
	for i := range n + 1 {
		if _, found, err := reopened.Binding(t.Context(), userkey.Of(fmt.Sprint("user-", i))); err != nil || !found {
			t.Fatalf("after reopening, Binding(user-%d) = %v, %v; want found", i, found, err)
		}
	}
}

// foldStore opens a store in a new directory, closed when the test ends,
// that folds every 512 records, and returns it, its path, and a bind of
// "user-i".
func foldStore(t *testing.T) (*Store, string, func(i int) error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if s.journal.foldAt != foldEvery {
		t.Fatalf("a new store folds every %d records, want foldEvery (%d)", s.journal.foldAt, foldEvery)
	}
	FoldAt(s, 512)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	b := binding.Binding{Phone: "+821012345678", Person: "p", BoundAt: now, ExpiresAt: now.Add(time.Hour)}
	return s, path, func(i int) error {
		return s.PutBinding(t.Context(), userkey.Of(fmt.Sprint("user-", i)), b)
	}
}

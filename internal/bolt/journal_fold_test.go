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
	path := filepath.Join(t.TempDir(), "rollcall.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	b := binding.Binding{Phone: "+821012345678", Person: "p", BoundAt: now, ExpiresAt: now.Add(time.Hour)}
	const n = foldEvery + 10
	for i := range n {
		if err := s.PutBinding(t.Context(), userkey.Of(fmt.Sprint("user-", i)), b); err != nil {
			t.Fatal(err)
		}
	}
	s.journal.foldMu.Lock() // waits for the fold the last binds started
	inBucket := 0
	err = s.view(t.Context(), func(tx *bbolt.Tx) error {
		inBucket = tx.Bucket([]byte(bindingsBucket)).Stats().KeyN
		return nil
	})
	s.journal.foldMu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if inBucket != foldEvery || len(s.journal.overlay) != n-foldEvery || s.journal.folding != nil {
		t.Errorf("after the fold: %d bindings in the bucket, %d in the overlay, folding %v; want %d, %d, nil",
			inBucket, len(s.journal.overlay), s.journal.folding != nil, foldEvery, n-foldEvery)
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

package bolt_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/bolt"
)

// TestOpenReadOnly: `rollcall doctor`'s way in creates no file, changes no
// byte of one, and shows the lease a sync left behind.
func TestOpenReadOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	if _, err := bolt.OpenReadOnly(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("OpenReadOnly of a missing file = %v, want fs.ErrNotExist", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("OpenReadOnly created the file")
	}

	s := open(t, path)
	if err := s.AcquireLease(context.Background(), "host/1/ab", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	sum := func() [32]byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return sha256.Sum256(b)
	}
	before := sum()
	ro, err := bolt.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	l, held, err := ro.Lease(context.Background())
	if err != nil || !held || l.Holder != "host/1/ab" {
		t.Errorf("Lease = %+v, %v, %v; want the lease left behind", l, held, err)
	}
	if _, err := ro.LastSync(context.Background()); err != nil {
		t.Errorf("LastSync: %v", err)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	if sum() != before {
		t.Error("reading changed the file")
	}
}

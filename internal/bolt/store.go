// Package bolt keeps the employee directory in an embedded bbolt file, for a
// single rollcall process: the default store of a fresh checkout, and a
// store for one machine without Firestore.
//
// The file holds three buckets, plus the bindings' (bindings.go). "employees" maps an E.164 phone to the JSON
// of a roster.Employee plus its content hash; "runs" keeps the reports of
// the last 50 sync runs, keyed by start time; "meta" holds when the last
// applied sync finished, the digest of the employees, the change log that
// carries the directory's version, and the sync lease. bbolt locks the file, so a
// second process that opens it gets ErrLocked instead of waiting forever;
// the lease matters only within the process that has the file open, and a
// lease left in the file by a process killed mid-sync is void at the next
// Open.
package bolt

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/rollcall/rollcall/internal/rostersync"
)

// Errors Open returns; compare with errors.Is.
var (
	// ErrLocked means another process (or another Store in this one) has the
	// file open.
	ErrLocked = errors.New("in use by another rollcall process")
	// ErrCorrupt means the file is not a rollcall store or is damaged.
	ErrCorrupt = errors.New("damaged or not a rollcall store")
)

// lockTimeout is how long Open waits for another holder of the file to let
// go before it gives up with ErrLocked.
const lockTimeout = time.Second

// rebuildHint tells an operator how to recover from a damaged file: the
// sheet is the source of truth, so a sync into a new file restores it all.
const rebuildHint = "move it aside and run `rollcall sync` to rebuild it from the sheet"

// Bucket and key names.
const (
	employeesBucket = "employees"
	runsBucket      = "runs"
	metaBucket      = "meta"
	lastSyncKey     = "last_sync"
	leaseKey        = "lease"
)

// Store is a directory kept in one bbolt file. It is safe for concurrent use;
// writes are serialized by bbolt.
type Store struct {
	db    *bbolt.DB
	path  string
	now   func() time.Time
	binds groupCommit // bindings.go
}

var _ rostersync.Store = (*Store)(nil)

// An Option changes how Open sets a Store up.
type Option func(*Store)

// WithClock makes the store read the time from now instead of time.Now: it
// stamps reports without a start time and decides when a lease has expired.
// Tests pass a clock they can advance.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// Open opens the store file at path, creating the file (but not its
// directory) when it does not exist. The caller must Close the store.
func Open(path string, opts ...Option) (*Store, error) {
	s := &Store{path: path, now: time.Now}
	s.binds.db = s
	for _, opt := range opts {
		opt(s)
	}
	db, err := openDB(path, false)
	if err != nil {
		return nil, err
	}
	s.db = db
	err = s.update(context.Background(), func(tx *bbolt.Tx) error {
		for _, name := range []string{employeesBucket, runsBucket, metaBucket, bindingsBucket} {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		if err := migrateBindings(tx); err != nil {
			return err
		}
		return voidDeadLease(tx)
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("prepare store file %s: %w", path, err), db.Close())
	}
	return s, nil
}

// openDB opens the bbolt file (readOnly: an existing one, shared with other
// readers) and turns bbolt's errors, and the panics it raises on some
// damaged files, into errors that say what to do.
func openDB(path string, readOnly bool) (db *bbolt.DB, err error) {
	defer func() {
		if p := recover(); p != nil {
			db, err = nil, fmt.Errorf("store file %s is %w (%v); %s", path, ErrCorrupt, p, rebuildHint)
		}
	}()
	// The freelist is not written at each commit but rebuilt when the file
	// is opened (a scan of its pages, milliseconds at 10,000 employees):
	// a commit that writes one binding then writes one page fewer and sorts
	// no list of free pages, which halved the launch-day rush's p50 over the
	// minimal handler (+0.8 and +1.0 ms against +2.0 and +1.9 ms, alternating
	// runs, docs/benchmarks.md). etcd runs bbolt the same way.
	// The mapping starts at 256 MiB of address space (not of memory: only
	// the pages read count): bbolt remaps as the file outgrows it, and a
	// remap waits for every open read and holds up new ones, which a rush
	// of binds would otherwise do every time the file doubles.
	db, err = bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockTimeout, ReadOnly: readOnly, NoFreelistSync: true,
		FreelistType: bbolt.FreelistMapType, InitialMmapSize: 256 << 20})
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("store file %s is %w (is `rollcall serve` running?)", path, ErrLocked)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
		return nil, fmt.Errorf("store file %s is %w (%w); %s", path, ErrCorrupt, err, rebuildHint)
	case errors.Is(err, fs.ErrNotExist) && readOnly:
		return nil, fmt.Errorf("store file %s does not exist yet: %w", path, err)
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("open store file %s: directory %s does not exist: %w", path, filepath.Dir(path), err)
	default:
		return nil, fmt.Errorf("open store file %s: %w", path, err)
	}
}

// Close releases the file and its lock. Calling it again does nothing.
func (s *Store) Close() error {
	s.binds.close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store file %s: %w", s.path, err)
	}
	return nil
}

// view runs fn in a read-only transaction, unless ctx is already done.
func (s *Store) view(ctx context.Context, fn func(*bbolt.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer s.recoverCorrupt(&err)
	return s.db.View(fn)
}

// update runs fn in a read-write transaction, unless ctx is already done.
// An error from fn rolls the whole transaction back.
func (s *Store) update(ctx context.Context, fn func(*bbolt.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer s.recoverCorrupt(&err)
	return s.db.Update(fn)
}

// recoverCorrupt turns a bbolt panic into ErrCorrupt: bbolt panics when it
// meets a damaged page, and a damaged file is bad input, not a crash.
func (s *Store) recoverCorrupt(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("store file %s is %w (%v); %s", s.path, ErrCorrupt, p, rebuildHint)
	}
}

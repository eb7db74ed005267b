// Package bolt keeps the employee directory in an embedded bbolt file, for a
// single rollcall process: the default store of a fresh checkout, and a
// store for one machine without Firestore.
//
// Buckets: "employees" maps an E.164 phone to the JSON of a roster.Employee
// plus its content hash; "runs" keeps the last 50 sync reports, keyed by
// start time; "meta" holds the last applied sync's end, the employees'
// digest, the change log that carries the directory's version, and the sync
// lease; bindingsBucket holds the bindings (Open drops an earlier rollcall's
// "bindings" bucket: its users verify once more), except the latest, which
// wait in a journal beside the file until they are folded in (journal.go).
// bbolt locks the file, so a second process gets ErrLocked instead of
// waiting forever.
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

// lockTimeout is how long Open waits for another holder of the file.
const lockTimeout = time.Second

// rebuildHint tells an operator how to recover from a damaged file: the
// sheet is the source of truth. The journal goes too: replayed into a new
// file, it could bring back revoked bindings.
const rebuildHint = "move it and its journal (the same name and .bindings.0, .bindings.1) aside and run `rollcall sync` to rebuild it from the sheet"

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
	// Now is the clock that decides when a lease has expired: time.Now
	// unless a test sets it before use.
	Now     func() time.Time
	db      *bbolt.DB
	path    string
	binds   groupCommit
	journal *journal
}

var _ rostersync.Store = (*Store)(nil)

// Open opens the store file at path, creating the file (but not its
// directory) when it does not exist. The caller must Close the store.
func Open(path string) (*Store, error) {
	s, err := open(path, false)
	if err != nil {
		return nil, err
	}
	err = s.update(context.Background(), func(tx *bbolt.Tx) error {
		for _, name := range []string{employeesBucket, runsBucket, metaBucket, bindingsBucket} {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		if err := tx.DeleteBucket([]byte("bindings")); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return err
		}
		// Open holds bbolt's file lock, which a process loses when it dies:
		// a lease in the file is a sync killed mid-run, and waiting out its
		// expiry would refuse the next sync with none running.
		if err := tx.Bucket([]byte(metaBucket)).Delete([]byte(leaseKey)); err != nil {
			return err
		}
		j, err := openJournal(path, tx)
		s.journal = j
		return err
	})
	if err == nil {
		err = s.journal.truncate()
	}
	if err != nil {
		if s.journal != nil {
			err = errors.Join(err, s.journal.close())
		}
		return nil, errors.Join(fmt.Errorf("prepare store file %s: %w", path, err), s.db.Close())
	}
	return s, nil
}

// OpenReadOnly opens an existing store file for reading only, as `rollcall
// doctor` does: it creates nothing, writes nothing, and shares the file
// with other readers. A missing file is an error that is fs.ErrNotExist.
// Only the read methods may be called on the store it returns. It reads
// the bindings journal too, without emptying it.
func OpenReadOnly(path string) (*Store, error) {
	s, err := open(path, true)
	if err != nil {
		return nil, err
	}
	err = s.view(context.Background(), func(tx *bbolt.Tx) error {
		s.journal, err = readOnlyJournal(path, tx)
		return err
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("read store file %s: %w", path, err), s.db.Close())
	}
	return s, nil
}

// open opens the bbolt file (readOnly: an existing one, shared with other
// readers) and turns bbolt's errors, and the panics it raises on some
// damaged files, into errors that say what to do.
func open(path string, readOnly bool) (_ *Store, err error) {
	s := &Store{path: path, Now: time.Now}
	s.binds.db = s
	defer s.recoverCorrupt(&err) // a panic returns no store
	// NoFreelistSync: the freelist is rebuilt at open (milliseconds at
	// 10,000 employees) rather than written at each commit, which halved
	// the launch-day rush's p50 over the minimal handler (docs/benchmarks.md);
	// etcd runs bbolt so too. InitialMmapSize is address space, not memory
	// (only the pages read count): a file that outgrows the mapping is
	// remapped, which waits for every read and holds up new ones.
	s.db, err = bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockTimeout, ReadOnly: readOnly, NoFreelistSync: true,
		FreelistType: bbolt.FreelistMapType, InitialMmapSize: 256 << 20})
	switch {
	case err == nil:
		return s, nil
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
	err := s.closeJournal()
	if cerr := s.db.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close store file %s: %w", s.path, cerr))
	}
	return err
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

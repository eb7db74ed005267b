package bolt

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// OpenReadOnly opens an existing store file for reading only, as `rollcall
// doctor` does: it creates nothing, writes nothing, and shares the file
// with other readers. A missing file is an error that is fs.ErrNotExist.
// Only the read methods may be called on the store it returns.
func OpenReadOnly(path string, opts ...Option) (*Store, error) {
	s := &Store{path: path, now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	db, err := openReadOnly(path)
	if err != nil {
		return nil, err
	}
	s.db = db
	return s, nil
}

func openReadOnly(path string) (db *bbolt.DB, err error) {
	defer func() {
		if p := recover(); p != nil {
			db, err = nil, fmt.Errorf("store file %s is %w (%v); %s", path, ErrCorrupt, p, rebuildHint)
		}
	}()
	db, err = bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockTimeout, ReadOnly: true})
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("store file %s is %w (is `rollcall serve` running?)", path, ErrLocked)
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("store file %s does not exist yet: %w", path, err)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
		return nil, fmt.Errorf("store file %s is %w (%w); %s", path, ErrCorrupt, err, rebuildHint)
	default:
		return nil, fmt.Errorf("open store file %s: %w", path, err)
	}
}

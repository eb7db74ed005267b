package bolt

import "time"

// OpenReadOnly opens an existing store file for reading only, as `rollcall
// doctor` does: it creates nothing, writes nothing, and shares the file
// with other readers. A missing file is an error that is fs.ErrNotExist.
// Only the read methods may be called on the store it returns.
func OpenReadOnly(path string, opts ...Option) (*Store, error) {
	s := &Store{path: path, now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	db, err := openDB(path, true)
	if err != nil {
		return nil, err
	}
	s.db = db
	return s, nil
}

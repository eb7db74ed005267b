// Package localfile guards what the file sources (csv, xlsx) read from
// disk: a regular file, of a size an employee list can have, so that a wrong
// path (a directory, a named pipe, a device, a log, a disk image) fails fast
// instead of blocking or filling memory. Its errors leave the path out: the
// source names it once.
package localfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxSize is the largest file a source reads: generous for any company's
// employee list, small enough that a wrong path fails fast.
const MaxSize = 32 << 20

// Errors Check and Read return; compare with errors.Is. A missing or
// unreadable file is the operating system's error instead
// (errors.Is(err, fs.ErrNotExist), fs.ErrPermission).
var (
	// ErrTooLarge means the file is over the size limit.
	ErrTooLarge = errors.New("file too large for an employee list")
	// ErrNotAFile means the path names a directory, a named pipe, a socket
	// or a device; the error says which.
	ErrNotAFile = errors.New("not a regular file")
)

// Check refuses a path that is not a regular file or is over limit bytes,
// for a reader that opens the file itself.
func Check(path string, limit int64) error {
	info, err := os.Stat(path)
	if err != nil {
		return WithoutPath(err)
	}
	return checkInfo(info, limit)
}

// Read reads the whole file at path, refusing anything that is not a
// regular file or is larger than limit bytes.
//
// It looks before it opens: opening a named pipe for reading blocks until a
// writer comes, which may be never. O_NONBLOCK covers a pipe put in the
// file's place between the look and the open (it changes nothing for a
// regular file), and the open file is checked again.
func Read(path string, limit int64) (data []byte, err error) {
	if err := Check(path, limit); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, WithoutPath(err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			data, err = nil, WithoutPath(cerr)
		}
	}()
	info, err := f.Stat()
	if err != nil {
		return nil, WithoutPath(err)
	}
	if err := checkInfo(info, limit); err != nil {
		return nil, err
	}
	// The file may grow between Stat and the read: read one byte past the
	// limit to notice.
	data, err = io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, WithoutPath(err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
	}
	return data, nil
}

func checkInfo(info fs.FileInfo, limit int64) error {
	if mode := info.Mode(); !mode.IsRegular() {
		return fmt.Errorf("%w: it is %s; name a .csv or .xlsx file", ErrNotAFile, kind(mode))
	}
	if info.Size() > limit {
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, info.Size(), limit)
	}
	return nil
}

// WithoutPath strips the path from an *fs.PathError ("open x.csv: no such
// file or directory" becomes "no such file or directory"), keeping the
// underlying error for errors.Is.
func WithoutPath(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

// kind names what a path that is not a regular file is, for an operator.
func kind(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

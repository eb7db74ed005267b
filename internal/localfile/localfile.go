// Package localfile reads only a regular file of an employee list's size, so
// that a wrong path (a pipe, a device) fails fast instead of blocking.
package localfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxSize is the largest file a source reads.
const MaxSize = 32 << 20

// Errors Read returns besides the operating system's; compare with errors.Is.
var (
	ErrTooLarge = errors.New("file too large for an employee list")
	ErrNotAFile = errors.New("not a regular file") // a directory, a pipe, a device: the error says which
)

// Read reads the whole regular file at path, at most limit bytes. It stats first,
// as opening a pipe blocks; O_NONBLOCK covers a pipe swapped in since.
func Read(path string, limit int64) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, withoutPath(err)
	}
	if err := check(info, limit); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, withoutPath(err)
	}
	defer f.Close() // read only: closing loses nothing
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, withoutPath(err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
	}
	return data, nil
}

// check refuses a file that is not a regular one or is over limit bytes.
func check(info fs.FileInfo, limit int64) error {
	if mode := info.Mode(); !mode.IsRegular() {
		return fmt.Errorf("%w: it is %s; name a .csv or .xlsx file", ErrNotAFile, kind(mode))
	}
	if info.Size() > limit {
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, info.Size(), limit)
	}
	return nil
}

// withoutPath strips the path from an *fs.PathError, keeping its error.
func withoutPath(err error) error {
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

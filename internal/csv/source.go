// Package csv reads HR's employee list from a .csv file as Excel writes and
// reads one: UTF-8 with or without a byte order mark, or CP949 (Korean
// Excel's plain "CSV"); lines ending in LF, CRLF or CR; rows numbered as
// Excel numbers them, so that a problem reported at row 7 is on HR's row 7.
package csv

import (
	"context"
	"errors"
	"fmt"

	"github.com/rollcall/rollcall/internal/localfile"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// Errors Rows returns, wrapped with the path, besides localfile's and the
// operating system's; compare with errors.Is.
var (
	// ErrUTF16: the file is UTF-16 text (Excel's "Unicode text"), not CSV.
	ErrUTF16 = errors.New(`the file is UTF-16 text; save it from Excel as "CSV UTF-8" instead`)
	// ErrMalformed: not valid CSV (a stray quote?); the error says where.
	ErrMalformed = errors.New("malformed CSV")
	// ErrRowsRunTogether: rows are separated by a character that no CSV
	// reader takes for a line break; one long row would drop people.
	ErrRowsRunTogether = errors.New("rows cannot be told apart")
)

// Source is an employee list kept in a .csv file, read afresh on every call
// because HR edits it in place.
type Source struct {
	path    string
	maxSize int64
}

var _ rostersync.Source = (*Source)(nil)

// New returns a Source reading the file at path; Rows reports a missing one.
func New(path string) *Source {
	return &Source{path: path, maxSize: localfile.MaxSize}
}

// Rows reads the file whole or not at all: rows[i] is its row i+1 as Excel
// numbers it (a blank line is an empty row, a quoted field over several
// lines one row); trailing blank lines are dropped.
func (s *Source) Rows(ctx context.Context) ([][]string, error) {
	rows, err := s.read(ctx)
	if err != nil {
		return nil, fmt.Errorf("read employee list %s: %w", s.path, err)
	}
	return rows, nil
}

func (s *Source) read(ctx context.Context) ([][]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := localfile.Read(s.path, s.maxSize)
	if err != nil {
		return nil, err
	}
	text, enc, err := decode(data)
	if err != nil {
		return nil, err
	}
	if text, err = normalizeLineBreaks(text); err != nil {
		return nil, err
	}
	rows, err := parseRows(ctx, text)
	if err != nil {
		return nil, err
	}
	log := logging.FromContext(ctx)
	if enc.undecodable > 0 {
		// The text columns may be garbled; phone numbers, in ASCII, are not.
		log.WarnContext(ctx, "csv file has bytes that are neither UTF-8 nor CP949",
			"path", s.path, "undecodable_bytes", enc.undecodable)
	}
	log.DebugContext(ctx, "read csv file", "path", s.path, "encoding", enc.name, "bytes", len(data), "rows", len(rows))
	return rows, nil
}

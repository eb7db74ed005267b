// Package csv reads HR's employee list from a .csv file, the way Excel writes
// one: UTF-8 with or without a byte order mark ("CSV UTF-8"), or CP949 (the
// plain "CSV" of Korean Excel). Rows are numbered the way Excel numbers them
// when it opens the file, blank lines included, so that a problem reported at
// row 7 is on row 7 of HR's screen. Lines may end in LF, CRLF or a lone CR,
// mixed in one file, as Excel reads them.
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
	// ErrUTF16 means the file is UTF-16 text (Excel's "Unicode text"),
	// which is not a CSV format Excel reads back as such.
	ErrUTF16 = errors.New(`the file is UTF-16 text; save it from Excel as "CSV UTF-8" instead`)
	// ErrMalformed means the file is not valid CSV, typically a stray
	// quote; the error says on which line.
	ErrMalformed = errors.New("malformed CSV")
)

// Source is an employee list kept in a .csv file. It reads the file afresh on
// every call, because HR edits it in place.
type Source struct {
	path    string
	maxSize int64
}

var _ rostersync.Source = (*Source)(nil)

// New returns a Source reading the file at path. It does not touch the file:
// a missing file is reported by Rows.
func New(path string) *Source {
	return &Source{path: path, maxSize: localfile.MaxSize}
}

// Rows returns every row of the file as text: rows[i] is the file's row i+1
// as Excel numbers it, a blank line is an empty row, and a quoted field that
// spans several lines is one row. Rows may differ in length. Trailing blank
// lines are dropped. The file is read whole or not at all.
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
		// Neither UTF-8 nor clean CP949: the text columns may be garbled,
		// though phone numbers, being ASCII, still read correctly.
		log.WarnContext(ctx, "csv file has bytes that are neither UTF-8 nor CP949",
			"path", s.path, "undecodable_bytes", enc.undecodable)
	}
	log.DebugContext(ctx, "read csv file", "path", s.path, "encoding", enc.name, "bytes", len(data), "rows", len(rows))
	return rows, nil
}

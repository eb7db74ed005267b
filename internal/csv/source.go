// Package csv reads HR's employee list from a .csv file as Excel does: UTF-8
// or CP949, any line ending, rows numbered as Excel numbers them.
package csv

import (
	"bytes"
	"context"
	stdcsv "encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"

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

// Rows reads the file whole or not at all; rows[i] is its row i+1 as Excel
// numbers it, trailing blank lines dropped.
func (s *Source) Rows(ctx context.Context) (rows [][]string, err error) {
	defer func() {
		if err != nil {
			rows, err = nil, fmt.Errorf("read employee list %s: %w", s.path, err)
		}
	}()
	data, err := localfile.Read(s.path, s.maxSize)
	if err != nil {
		return nil, err
	}
	text, cp949, err := decode(data)
	if err != nil {
		return nil, err
	}
	if text, err = normalizeLineBreaks(text); err != nil {
		return nil, err
	}
	rows, err = parseRows(ctx, text)
	if err != nil {
		return nil, err
	}
	log := logging.FromContext(ctx)
	// x/text turns what CP949 cannot read into U+FFFD: the text columns may
	// be garbled; phone numbers, in ASCII, are not.
	if cp949 && strings.ContainsRune(text, utf8.RuneError) {
		log.WarnContext(ctx, "csv file has bytes that are neither UTF-8 nor CP949",
			"path", s.path, "undecodable_bytes", strings.Count(text, string(utf8.RuneError)))
	}
	log.DebugContext(ctx, "read csv file", "path", s.path, "cp949", cp949, "bytes", len(data), "rows", len(rows))
	return rows, nil
}

// decode reads valid UTF-8 (which CP949 Hangul practically never is) as such,
// after its byte order mark, and anything else as CP949.
func decode(data []byte) (text string, cp949 bool, err error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return "", false, ErrUTF16
	}
	data, _ = bytes.CutPrefix(data, []byte("\uFEFF")) // a mislabelled file then reads as CP949
	if utf8.Valid(data) {
		return string(data), false, nil
	}
	out, err := korean.EUCKR.NewDecoder().Bytes(data)
	if err != nil {
		return "", false, fmt.Errorf("decode as CP949: %w", err)
	}
	return string(out), true, nil
}

// normalizeLineBreaks turns CRLF and a lone CR into "\n" (encoding/csv would
// glue two rows at a lone CR) and refuses other separators outside quotes.
func normalizeLineBreaks(text string) (string, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	if !strings.ContainsAny(text, "\u0085\u2028\u2029\v\f") {
		return text, nil
	}
	quoted, line := false, 1
	for _, r := range text {
		switch r {
		case '"':
			quoted = !quoted // "" inside a quoted cell toggles twice
		case '\n':
			line++
		case '\u0085', '\u2028', '\u2029', '\v', '\f':
			if !quoted {
				return "", fmt.Errorf("%w: line %d has a separator (U+%04X) that is not a line break; "+
					"save the file from Excel or Google Sheets as CSV", ErrRowsRunTogether, line, r)
			}
		}
	}
	return text, nil
}

// parseRows splits CSV text into rows numbered as Excel numbers them: each
// empty line encoding/csv skips becomes an empty row.
func parseRows(ctx context.Context, text string) ([][]string, error) {
	r := stdcsv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1 // rows may be ragged; ParseRoster copes
	var (
		rows     [][]string
		offset   int64 // where the previous record ended, in bytes
		newlines int   // line breaks in text[:offset]
		nextLine = 1   // the line right after the previous record
	)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		record, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if pe, ok := errors.AsType[*stdcsv.ParseError](err); ok {
			// pe says which line and column, never the text there.
			return nil, fmt.Errorf("%w at row %d: %w", ErrMalformed, len(rows)+(pe.StartLine-nextLine)+1, pe)
		}
		if err != nil {
			return nil, err
		}
		start, _ := r.FieldPos(0)
		for ; nextLine < start; nextLine++ {
			rows = append(rows, nil) // an empty line skipped by encoding/csv
		}
		rows = append(rows, record)
		end := r.InputOffset()
		newlines += strings.Count(text[offset:end], "\n")
		offset, nextLine = end, newlines+1
	}
}

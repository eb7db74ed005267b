package csv

import (
	"context"
	stdcsv "encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ctxCheckEvery is how many records parseRows reads between context checks.
const ctxCheckEvery = 1024

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
	for n := 0; ; n++ {
		if n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		record, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			if pe, ok := errors.AsType[*stdcsv.ParseError](err); ok {
				row := len(rows) + (pe.StartLine - nextLine) + 1
				// pe says which line and column, never the text there.
				return nil, fmt.Errorf("%w at row %d: %w", ErrMalformed, row, pe)
			}
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

package csv

import (
	"errors"
	"fmt"
	"strings"
)

// ErrRowsRunTogether means the file separates rows with a character that
// neither Excel nor encoding/csv takes for a line break, so its rows cannot
// be told apart; reading it as one long row would drop everyone after the
// first.
var ErrRowsRunTogether = errors.New("rows cannot be told apart")

// normalizeLineBreaks turns every line break into "\n", as Excel reads
// them: CRLF (Windows), a lone CR (classic Mac OS and tools that re-save a
// file), LF, or any mix. encoding/csv alone reads a lone CR as part of a
// cell, which glues two rows into one and silently drops a person. A CR
// inside a quoted cell stays a line break in that cell.
//
// It refuses a file with an other line or page separator (NEL, U+2028,
// U+2029, a vertical tab or a form feed) outside a quoted cell: whatever
// wrote it meant a row break there that no CSV reader sees.
func normalizeLineBreaks(text string) (string, error) {
	if strings.ContainsRune(text, '\r') {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
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

package csv

import (
	"errors"
	"fmt"
	"strings"
)

// ErrRowsRunTogether means the file separates rows with a character that no
// CSV reader takes for a line break: one long row would drop people.
var ErrRowsRunTogether = errors.New("rows cannot be told apart")

// normalizeLineBreaks turns CRLF and a lone CR into "\n", as Excel reads
// them (encoding/csv would glue two rows at a lone CR), and refuses another
// line or page separator outside a quoted cell (NEL, U+2028, U+2029, VT, FF).
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

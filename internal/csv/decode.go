package csv

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
)

// Byte order marks that Excel and editors put at the start of a text file.
var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// encoding describes how a file's bytes were read.
type encoding struct {
	// name is "utf-8", "utf-8 with bom" or "cp949".
	name string
	// undecodable counts the bytes CP949 could not read either.
	undecodable int
}

// decode turns a file's bytes into text: valid UTF-8 as UTF-8 (CP949 text
// with Hangul practically never is), anything else as CP949.
func decode(data []byte) (string, encoding, error) {
	if bytes.HasPrefix(data, bomUTF16LE) || bytes.HasPrefix(data, bomUTF16BE) {
		return "", encoding{}, ErrUTF16
	}
	if rest, ok := bytes.CutPrefix(data, bomUTF8); ok {
		if utf8.Valid(rest) {
			return string(rest), encoding{name: "utf-8 with bom"}, nil
		}
		data = rest // a mislabelled file: try CP949 below
	}
	if utf8.Valid(data) {
		return string(data), encoding{name: "utf-8"}, nil
	}
	// x/text's EUC-KR decoder reads CP949's extensions too, and turns what
	// it cannot read into U+FFFD, which CP949 cannot encode: count them.
	out, err := korean.EUCKR.NewDecoder().Bytes(data)
	if err != nil {
		return "", encoding{}, fmt.Errorf("decode as CP949: %w", err)
	}
	text := string(out)
	return text, encoding{name: "cp949", undecodable: strings.Count(text, string(utf8.RuneError))}, nil
}

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

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
	// undecodable counts the bytes that CP949 could not read either and
	// that became U+FFFD.
	undecodable int
}

// decode turns a file's bytes into text. Excel's "CSV UTF-8" starts with a
// byte order mark; its plain "CSV" on a Korean Windows is CP949, a superset
// of EUC-KR. A file that is valid UTF-8 is read as UTF-8 (CP949 text with
// Hangul in it is practically never valid UTF-8); anything else as CP949.
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
	// x/text's EUC-KR decoder reads the CP949 (Unified Hangul Code)
	// extensions too, and turns what it cannot read into U+FFFD rather than
	// failing. U+FFFD has no CP949 encoding, so each one in the result marks
	// an undecodable byte.
	out, err := korean.EUCKR.NewDecoder().Bytes(data)
	if err != nil {
		return "", encoding{}, fmt.Errorf("decode as CP949: %w", err)
	}
	text := string(out)
	return text, encoding{name: "cp949", undecodable: strings.Count(text, string(utf8.RuneError))}, nil
}

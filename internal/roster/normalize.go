package roster

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// normalizeText is how a header or a status cell is read: format characters
// (Cf: zero-width space, BOM) removed, then NFKC, which composes macOS's
// decomposed Hangul and folds full-width forms. Cf goes first: a zero-width
// space between two jamo would keep them apart.
func normalizeText(s string) string {
	isFormat := func(r rune) bool { return unicode.Is(unicode.Cf, r) }
	if !strings.ContainsFunc(s, isFormat) && norm.NFKC.IsNormalString(s) {
		return s // nearly every cell: no copy
	}
	s = strings.Map(func(r rune) rune {
		if isFormat(r) {
			return -1
		}
		return r
	}, s)
	return norm.NFKC.String(s)
}

package csv

import (
	"context"
	"strings"
	"testing"
)

// FuzzParse guards the reading of a file's text: it never panics, leaves no
// CR behind, and a file without quotes has one row per line, whatever the
// line breaks.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"h,p\r\na,1\rb,2\nc,3\n", "h\r\r\rx", "\"a\rb\",c\r", "a\u2028b\n", "\"\"\"\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		norm, err := normalizeLineBreaks(text)
		if err != nil {
			return
		}
		if strings.ContainsRune(norm, '\r') {
			t.Fatalf("normalizeLineBreaks(%q) = %q: a CR is left", text, norm)
		}
		rows, err := parseRows(context.Background(), norm)
		if err != nil || strings.ContainsRune(text, '"') {
			return
		}
		lines := strings.Split(strings.TrimRight(norm, "\n"), "\n")
		if norm == "" || strings.TrimRight(norm, "\n") == "" {
			lines = nil
		}
		if len(rows) != len(lines) {
			t.Fatalf("%q: %d rows from %d lines", text, len(rows), len(lines))
		}
	})
}

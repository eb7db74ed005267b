package csv

import (
	"context"
	stdcsv "encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/korean"

	"github.com/rollcall/rollcall/internal/localfile"
)

// writeFile writes data to a fresh file in a test's temporary directory and
// returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatalf("write %s: %v", name, err)
	}
	return path
}

func cp949(t *testing.T, s string) []byte {
	t.Helper()
	b, err := korean.EUCKR.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode as CP949: %v", err)
	}
	return b
}

func TestRows(t *testing.T) {
	t.Parallel()
	const sheet = "이름,휴대전화\n홍길동,010-1234-5678\n"
	want := [][]string{{"이름", "휴대전화"}, {"홍길동", "010-1234-5678"}}
	tests := []struct {
		name string
		data []byte
		want [][]string
	}{
		{"utf-8 without bom", []byte(sheet), want},
		{"utf-8 with bom", append([]byte("\uFEFF"), sheet...), want},
		{"cp949", cp949(t, sheet), want},
		// 똠 is outside EUC-KR's 2,350 Hangul: only CP949 encodes it.
		{"cp949 extension", cp949(t, "이름\n똠방각하\n"), [][]string{{"이름"}, {"똠방각하"}}},
		{"crlf", []byte("이름,휴대전화\r\n홍길동,010-1234-5678\r\n"), want},
		{"no final newline", []byte(strings.TrimSuffix(sheet, "\n")), want},
		{"trailing blank lines dropped", []byte(sheet + "\n\n\r\n"), want},
		{"empty file", nil, nil},
		{"blank lines mid-file keep their row numbers",
			[]byte("h\n\nx\n\n\ny\n"),
			[][]string{{"h"}, nil, {"x"}, nil, nil, {"y"}}},
		{"blank crlf lines", []byte("h\r\n\r\nx\r\n"), [][]string{{"h"}, nil, {"x"}}},
		{"blank lines above the header", []byte("\n\nh\nx\n"), [][]string{nil, nil, {"h"}, {"x"}}},
		{"a row of empty cells is a row", []byte("h\n,,\nx\n"), [][]string{{"h"}, {"", "", ""}, {"x"}}},
		{"quoted line breaks make one row, as in Excel",
			[]byte("h,note\n\"a\",\"line 1\nline 2\n\"\n\nb,c\n"),
			[][]string{{"h", "note"}, {"a", "line 1\nline 2\n"}, nil, {"b", "c"}}},
		{"quoted crlf line breaks",
			[]byte("h,note\r\na,\"line 1\r\nline 2\"\r\n\r\nb,c\r\n"),
			[][]string{{"h", "note"}, {"a", "line 1\nline 2"}, nil, {"b", "c"}}},
		{"cr only (classic Mac OS)", []byte("이름,휴대전화\r홍길동,010-1234-5678\r"), want},
		{"a lone cr between two rows", []byte("h,p\na,1\rb,2\nc,3\n"), [][]string{{"h", "p"}, {"a", "1"}, {"b", "2"}, {"c", "3"}}},
		{"mixed lf, crlf and cr", []byte("h\r\na\nb\rc\r\n"), [][]string{{"h"}, {"a"}, {"b"}, {"c"}}},
		{"blank cr lines keep their row numbers", []byte("h\r\rx\r"), [][]string{{"h"}, nil, {"x"}}},
		{"quoted cr line break stays in its cell",
			[]byte("h,note\ra,\"line 1\rline 2\"\rb,c\r"),
			[][]string{{"h", "note"}, {"a", "line 1\nline 2"}, {"b", "c"}}},
		{"a line separator inside quotes is text", []byte("h\n\"a\u2028b\"\n"), [][]string{{"h"}, {"a\u2028b"}}},
		{"quoted quotes and commas", []byte("\"a,b\",\"say \"\"hi\"\"\"\n"), [][]string{{"a,b", `say "hi"`}}},
		{"ragged rows", []byte("a,b,c\nd\ne,f,g,h\n"), [][]string{{"a", "b", "c"}, {"d"}, {"e", "f", "g", "h"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := New(writeFile(t, "employees.csv", tt.data)).Rows(t.Context())
			if err != nil {
				t.Fatalf("Rows: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRowsErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name     string
		path     string
		maxSize  int64
		want     error
		wantText []string // the message must say these
	}{
		{"missing file", filepath.Join(dir, "nope.csv"), localfile.MaxSize, fs.ErrNotExist,
			[]string{filepath.Join(dir, "nope.csv"), "no such file"}},
		{"a directory", dir, localfile.MaxSize, localfile.ErrNotAFile, []string{dir}},
		{"too large", writeFile(t, "big.csv", []byte("0123456789\n")), 10, localfile.ErrTooLarge,
			[]string{"big.csv", "11 bytes", "limit is 10"}},
		{"utf-16", writeFile(t, "u16.csv", []byte{0xFF, 0xFE, 'a', 0, '\n', 0}), localfile.MaxSize, ErrUTF16,
			[]string{"u16.csv", "CSV UTF-8"}},
		{"bare quote", writeFile(t, "quote.csv", []byte("h\nok\n\nab\"c\n")), localfile.MaxSize, ErrMalformed,
			[]string{"quote.csv", "row 4", "line 4"}},
		{"rows run together by a line separator",
			writeFile(t, "ls.csv", []byte("h,p\na,010-1234-5678\u2028b,010-1234-5679\n")), localfile.MaxSize, ErrRowsRunTogether,
			[]string{"ls.csv", "line 2", "U+2028"}},
		{"unterminated quote after a multi-line row",
			writeFile(t, "open.csv", []byte("h\n\"a\nb\"\n\n\"010-1234-5678,x\n")), localfile.MaxSize, ErrMalformed,
			[]string{"open.csv", "row 4", "line 5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := New(tt.path)
			s.maxSize = tt.maxSize
			rows, err := s.Rows(t.Context())
			if !errors.Is(err, tt.want) {
				t.Fatalf("Rows = %q, %v; want error %v", rows, err, tt.want)
			}
			if rows != nil {
				t.Errorf("Rows returned %d rows with an error; want none", len(rows))
			}
			for _, w := range tt.wantText {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "1234") {
				t.Errorf("error %q quotes the file's content", err)
			}
		})
	}
}

func TestRowsMalformedIsAParseError(t *testing.T) {
	t.Parallel()
	_, err := New(writeFile(t, "bad.csv", []byte("a\"b\n"))).Rows(t.Context())
	if _, ok := errors.AsType[*stdcsv.ParseError](err); !ok {
		t.Errorf("Rows error %v: want a *csv.ParseError inside", err)
	}
}

func TestRowsReadsTheFileAfresh(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "employees.csv", []byte("h\na\n"))
	s := New(path)
	if _, err := s.Rows(t.Context()); err != nil {
		t.Fatalf("first Rows: %v", err)
	}
	if err := os.WriteFile(path, []byte("h\nb\nc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := s.Rows(t.Context())
	if err != nil {
		t.Fatalf("second Rows: %v", err)
	}
	if diff := cmp.Diff([][]string{{"h"}, {"b"}, {"c"}}, got); diff != "" {
		t.Errorf("Rows after an edit (-want +got):\n%s", diff)
	}
}

func TestRowsCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := New(writeFile(t, "employees.csv", []byte("h\na\n"))).Rows(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Rows with a canceled context = %v; want context.Canceled", err)
	}
}

// TestLineEndingFiles reads one HR sheet saved with each kind of line break:
// every row is read, with its row number, and the quoted note keeps its
// line break.
func TestLineEndingFiles(t *testing.T) {
	t.Parallel()
	want, err := New("testdata/lf.csv").Rows(t.Context())
	if err != nil {
		t.Fatalf("lf.csv: %v", err)
	}
	if len(want) != 6 || want[3][7] != "두 줄\n메모" || want[5][0] != "이영희" {
		t.Fatalf("lf.csv read as %q", want)
	}
	for _, name := range []string{"crlf.csv", "cr.csv", "mixed.csv"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := New(filepath.Join("testdata", name)).Rows(t.Context())
			if err != nil {
				t.Fatalf("Rows: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s differs from lf.csv (-lf +%s):\n%s", name, name, diff)
			}
		})
	}
}

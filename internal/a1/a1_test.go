package a1_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/a1"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want a1.Range
	}{
		// A tab alone.
		{"직원목록", a1.Range{Tab: "직원목록", Cells: a1.Whole, Bare: true}},
		{"Sheet1", a1.Range{Tab: "Sheet1", Cells: a1.Whole, Bare: true}},
		{"'직원 목록'", a1.Range{Tab: "직원 목록", Cells: a1.Whole}},
		{"'직원!목록'", a1.Range{Tab: "직원!목록", Cells: a1.Whole}},
		{"'HR''s list'", a1.Range{Tab: "HR's list", Cells: a1.Whole}},
		{"  '직원 목록'  ", a1.Range{Tab: "직원 목록", Cells: a1.Whole}},
		// Cells alone: Bare, read as cells by ParseCells when no tab is so named.
		{"A1:F200", a1.Range{Tab: "A1:F200", Cells: a1.Whole, Bare: true}},
		// A tab and cells.
		{"직원목록!A:Z", a1.Range{Tab: "직원목록", Cells: a1.Area{FirstCol: 1, LastCol: 26, FirstRow: 1}}},
		{"'직원 목록'!A:Z", a1.Range{Tab: "직원 목록", Cells: a1.Area{FirstCol: 1, LastCol: 26, FirstRow: 1}}},
		{"'It''s!here'!B5:C6", a1.Range{Tab: "It's!here", Cells: a1.Area{FirstCol: 2, LastCol: 3, FirstRow: 5, LastRow: 6}}},
		{"'a!b'!A1", a1.Range{Tab: "a!b", Cells: a1.Area{FirstCol: 1, LastCol: 1, FirstRow: 1, LastRow: 1}}},
		{"'x'' !y'!A2:F", a1.Range{Tab: "x' !y", Cells: a1.Area{FirstCol: 1, LastCol: 6, FirstRow: 2}}},
		{"My tab!A3:F", a1.Range{Tab: "My tab", Cells: a1.Area{FirstCol: 1, LastCol: 6, FirstRow: 3}}},
		{"a!b!C1:D2", a1.Range{Tab: "a!b", Cells: a1.Area{FirstCol: 3, LastCol: 4, FirstRow: 1, LastRow: 2}}},
		{"Sheet1!$B$12:F", a1.Range{Tab: "Sheet1", Cells: a1.Area{FirstCol: 2, LastCol: 6, FirstRow: 12}}},
		{"Sheet1!4:9", a1.Range{Tab: "Sheet1", Cells: a1.Area{FirstCol: 1, FirstRow: 4, LastRow: 9}}},
		{"Sheet1!F10:B3", a1.Range{Tab: "Sheet1", Cells: a1.Area{FirstCol: 2, LastCol: 6, FirstRow: 3, LastRow: 10}}},
		{"'인사팀 명단 (2026)'!a2:zz", a1.Range{Tab: "인사팀 명단 (2026)", Cells: a1.Area{FirstCol: 1, LastCol: 702, FirstRow: 2}}},
	}
	for _, tt := range tests {
		got, err := a1.Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", "   ",
		"'unterminated!A1", "'It's'!A1", "''!A1", "''", "'x'A1",
		"Sheet1!", "!A:Z", "Sheet1!A0:B2", "Sheet1!A1B:C3", "Sheet1!:B2", "Sheet1!A1:",
		"Sheet1!A1:B2:C3", "Sheet1!B", "Sheet1!3", "Sheet1!AAAA1", "Sheet1!A-1", "Sheet1!A+1",
		"'직원 목록'!가1",
	} {
		if got, err := a1.Parse(in); !errors.Is(err, a1.ErrSyntax) {
			t.Errorf("Parse(%q) = %+v, %v; want ErrSyntax", in, got, err)
		}
	}
}

func TestParseCells(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want a1.Area
	}{
		{"B3", a1.Area{FirstCol: 2, LastCol: 2, FirstRow: 3, LastRow: 3}},
		{"A1:F200", a1.Area{FirstCol: 1, LastCol: 6, FirstRow: 1, LastRow: 200}},
		{"A:Z", a1.Area{FirstCol: 1, LastCol: 26, FirstRow: 1}},
		{"A2:F", a1.Area{FirstCol: 1, LastCol: 6, FirstRow: 2}},
		{"1:200", a1.Area{FirstCol: 1, FirstRow: 1, LastRow: 200}},
		{"$A$1:$XFD$1048576", a1.Area{FirstCol: 1, LastCol: 16384, FirstRow: 1, LastRow: 1048576}},
		{"ZZZ1", a1.Area{FirstCol: 18278, LastCol: 18278, FirstRow: 1, LastRow: 1}},
	}
	for _, tt := range tests {
		got, err := a1.ParseCells(tt.in)
		if err != nil {
			t.Errorf("ParseCells(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseCells(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	for _, in := range []string{"직원목록", "Sheet1", "AB", "", ":", "A1:B2:C3"} {
		if got, err := a1.ParseCells(in); !errors.Is(err, a1.ErrSyntax) {
			t.Errorf("ParseCells(%q) = %+v, %v; want ErrSyntax", in, got, err)
		}
	}
}

// TestQuoteParses: every name Quote writes, Parse reads back as the same
// tab, whatever it contains.
func TestQuoteParses(t *testing.T) {
	t.Parallel()
	for _, tab := range []string{"Sheet1", "직원 목록", "HR's list", "''", "a!b", "'!'", " 앞뒤 공백 ", "A1:B2"} {
		for _, cells := range []string{"", "!A:Z"} {
			in := a1.Quote(tab) + cells
			got, err := a1.Parse(in)
			if err != nil || got.Tab != tab || got.Bare {
				t.Errorf("Parse(%q) = %+v, %v; want tab %q", in, got, err, tab)
			}
		}
	}
	if got, want := a1.Quote("HR's list"), "'HR''s list'"; got != want {
		t.Errorf("Quote(HR's list) = %q, want %q", got, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"직원목록!A:Z", "'It''s!here'!B5:C6", "A1:F200", "'x", "Sheet1!$B$12:F"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := a1.Parse(s)
		if err != nil {
			return
		}
		if r.Tab == "" {
			t.Fatalf("Parse(%q) = %+v: no tab and no error", s, r)
		}
		c := r.Cells
		if c.FirstCol < 1 || c.FirstRow < 1 || c.LastCol != 0 && c.LastCol < c.FirstCol || c.LastRow != 0 && c.LastRow < c.FirstRow {
			t.Fatalf("Parse(%q) = %+v: not a rectangle", s, r)
		}
	})
}

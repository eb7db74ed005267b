package roster

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSpreadMerges: a status or leave-date cell merged down over several
// rows holds its value in its top-left cell only, as Sheets and xlsx return
// it; it applies to every row it covers.
func TestSpreadMerges(t *testing.T) {
	t.Parallel()
	rows := [][]string{
		{"명단"}, // 1: title, merged A1:E1
		{"성명", "연락처", "", "재직여부", "퇴사일"},               // 2: 연락처 merged C2:D2... and 재직여부 merged D2:D3
		{"", "사내전화", "휴대전화"},                           // 3
		{"A", "", "010-1111-1111", "퇴사", ""},           // 4: 퇴사 merged D4:D6
		{"B", "", "010-2222-2222"},                     // 5
		{"C", "", "010-3333-3333", "", ""},             // 6
		{"D", "", "010-4444-4444", "재직", "2026-01-31"}, // 7: the date merged E7:E8
		{"E", "", "010-5555-5555", "재직"},               // 8
		{"F", "", "010-6666-6666", "재직"},               // 9: 인사팀 merged A9:A10 (a name column: not spread)
		{"", "", "010-7777-7777", "재직"},                // 10
		{},                                             // 11: blank, though inside the merge D11:D12
		{"G", "", "010-8888-8888", "재직"},               // 12
	}
	merges := []Merge{
		{Row: 0, Col: 0, LastRow: 0, LastCol: 4},
		{Row: 1, Col: 1, LastRow: 1, LastCol: 2},
		{Row: 1, Col: 3, LastRow: 2, LastCol: 3},
		{Row: 3, Col: 3, LastRow: 5, LastCol: 3},
		{Row: 6, Col: 4, LastRow: 7, LastCol: 4},
		{Row: 8, Col: 0, LastRow: 9, LastCol: 0},
		{Row: 9, Col: 3, LastRow: 11, LastCol: 3},
		{Row: 40, Col: 3, LastRow: 50, LastCol: 3}, // beyond the rows: trailing blank rows are dropped
		{Row: 3, Col: 9, LastRow: 5, LastCol: 9},   // beyond the columns
	}
	spread := SpreadMerges(rows, merges, 0)
	got, err := ParseRoster(spread, now)
	if err != nil {
		t.Fatalf("ParseRoster: %v", err)
	}
	employees, problems := rowsOf(got)
	if want := []int{9, 10, 12}; !cmp.Equal(employees, want) || len(problems) != 0 || got.Left != 5 {
		t.Errorf("employees at rows %v, problems at %v, %d left; want %v, none, 5 left", employees, problems, got.Left, want)
	}
	if len(spread[10]) != 0 {
		t.Errorf("blank row 11 became %q", spread[10])
	}
	if spread[9][0] != "" {
		t.Errorf("a merged name was spread: %q", spread[9][0])
	}
	// Without the merges, rows 5, 6 and 8 would be employees: the bug.
	plain, err := ParseRoster(rows, now)
	if err != nil {
		t.Fatalf("ParseRoster: %v", err)
	}
	if e, _ := rowsOf(plain); len(e) == len(employees) {
		t.Errorf("the test proves nothing: employees %v with and without merges", e)
	}
}

// FuzzSpreadMerges: any block, in or out of the sheet, neither panics nor
// changes the rows it was given, and spreads into status and leave-date
// columns only.
func FuzzSpreadMerges(f *testing.F) {
	f.Add("이름,휴대전화,재직여부\nA,010-1111-1111,퇴사\nB,010-2222-2222,\n", 1, 2, 2, 2)
	f.Add("이름,휴대전화,퇴사일\nA,010-1111-1111,2025-01-01\nB,010-2222-2222\n", -1, -5, 99, 16383)
	f.Fuzz(func(t *testing.T, text string, row, col, lastRow, lastCol int) {
		var rows [][]string
		for line := range strings.SplitSeq(text, "\n") {
			rows = append(rows, strings.Split(line, ","))
		}
		before := fmt.Sprint(rows)
		got := SpreadMerges(rows, []Merge{{Row: row, Col: col, LastRow: lastRow, LastCol: lastCol}}, 0)
		if fmt.Sprint(rows) != before {
			t.Fatal("SpreadMerges changed the rows it was given")
		}
		if len(got) != len(rows) {
			t.Fatalf("%d rows, want %d", len(got), len(rows))
		}
		for i := range rows {
			for j := range max(len(rows[i]), len(got[i])) {
				var was, is string
				if j < len(rows[i]) {
					was = rows[i][j]
				}
				if j < len(got[i]) {
					is = got[i][j]
				}
				if was != is && (j < col || j > lastCol || i < row || i > lastRow) {
					t.Fatalf("cell (%d,%d) changed outside the block", i, j)
				}
			}
		}
	})
}

package sheets_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/sheets"
	"github.com/rollcall/rollcall/internal/sheets/sheetstest"
)

// layoutNow is the tests' clock: 2026-10-31 in Seoul.
var layoutNow = time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)

// readRoster reads the fake's sheet through the real client and the roster,
// and returns the employees' rows and the roster.
func readRoster(t *testing.T, f *sheetstest.Server, ref sheets.Ref, rangeA1 string) ([]int, roster.Roster) {
	t.Helper()
	rows, err := newSource(t, ref, rangeA1, fast(f)).Rows(context.Background())
	if err != nil {
		t.Fatalf("Rows: %v", err)
	}
	r, err := roster.ParseRoster(rows, layoutNow)
	if err != nil {
		t.Fatalf("ParseRoster: %v", err)
	}
	var got []int
	for _, e := range r.Employees {
		got = append(got, e.Row)
	}
	return got, r
}

// mergedStatus is HR's tab with 퇴사 merged down over three leavers' rows
// (D4:D6), a leave date merged over two (E7:E8) and a department merged
// over three (B4:B6), as Google Sheets keeps them: the value in the
// top-left cell only, the blocks in the sheet's metadata.
func mergedStatus(id int64) sheetstest.Tab {
	return sheetstest.Tab{ID: id, Title: "2026 명단", Rows: sheetstest.TextRows(
		[]string{"2026년 임직원 명단"},
		[]string{"성명", "부서", "휴대전화", "재직여부", "퇴사일"},
		[]string{"A", "인사팀", "010-1111-1111", "재직"},
		[]string{"B", "개발팀", "010-2222-2222", "퇴사"},
		[]string{"C", "", "010-3333-3333"},
		[]string{"D", "", "010-4444-4444"},
		[]string{"E", "영업팀", "010-5555-5555", "재직", "2026. 1. 31"},
		[]string{"F", "", "010-6666-6666", "재직"},
		[]string{"G", "총무팀", "010-7777-7777", "재직"},
	), Merges: []sheetstest.Merge{
		{Row: 1, Col: 1, LastRow: 1, LastCol: 5},
		{Row: 4, Col: 4, LastRow: 6, LastCol: 4},
		{Row: 4, Col: 2, LastRow: 6, LastCol: 2},
		{Row: 7, Col: 5, LastRow: 8, LastCol: 5},
	}}
}

func TestMergedStatusCells(t *testing.T) {
	t.Parallel()
	f := sheetstest.NewServer(t)
	f.SetSheet(sheetID, sheetstest.Tab{ID: 5, Title: "안내", Rows: sheetstest.TextRows([]string{"읽어 주세요"})}, mergedStatus(staffGID))
	for _, tt := range []struct {
		name    string
		ref     sheets.Ref
		rangeA1 string
	}{
		{"the tab of the gid", sheets.Ref{SpreadsheetID: sheetID, GID: staffGID, HasGID: true}, ""},
		{"a range of the tab", sheets.Ref{SpreadsheetID: sheetID}, "'2026 명단'!A1:E20"},
		{"a range right of column A", sheets.Ref{SpreadsheetID: sheetID}, "2026 명단!C2:E"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, r := readRoster(t, f, tt.ref, tt.rangeA1)
			if want := []int{3, 9}; !cmp.Equal(got, want) || r.Left != 5 || len(r.Problems) != 0 {
				t.Errorf("employees at rows %v, %d left, problems %+v; want %v, 5 left, none", got, r.Left, r.Problems, want)
			}
		})
	}
}

// TestHiddenFirstTab: last year's list, archived in a hidden tab in front
// of this year's, is not "the first tab"; #gid= or a range that names it
// reads it.
func TestHiddenFirstTab(t *testing.T) {
	t.Parallel()
	f := sheetstest.NewServer(t)
	f.SetSheet(sheetID,
		sheetstest.Tab{ID: 11, Title: "2025 명단(보관)", Hidden: true,
			Rows: sheetstest.TextRows([]string{"이름", "휴대전화"}, []string{"작년퇴사", "010-1111-1111"})},
		sheetstest.Tab{ID: 22, Title: "2026 명단",
			Rows: sheetstest.TextRows([]string{"이름", "휴대전화"}, []string{"올해입사", "010-2222-2222"})},
	)
	for _, tt := range []struct {
		name    string
		ref     sheets.Ref
		rangeA1 string
		want    string
	}{
		{"the first tab", sheets.Ref{SpreadsheetID: sheetID}, "", "+821022222222"},
		{"a range without a tab", sheets.Ref{SpreadsheetID: sheetID}, "A1:B10", "+821022222222"},
		{"the hidden tab's gid", sheets.Ref{SpreadsheetID: sheetID, GID: 11, HasGID: true}, "", "+821011111111"},
		{"a range of the hidden tab", sheets.Ref{SpreadsheetID: sheetID}, "'2025 명단(보관)'!A:B", "+821011111111"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, r := readRoster(t, f, tt.ref, tt.rangeA1)
			if len(r.Employees) != 1 || r.Employees[0].Phone != tt.want {
				t.Errorf("employees %+v, want %s", r.Employees, tt.want)
			}
		})
	}
}

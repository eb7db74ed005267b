package xlsx

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"

	"github.com/rollcall/rollcall/internal/roster"
)

var ignoreReason = cmpopts.IgnoreFields(roster.Problem{}, "Reason")

// layoutNow is the tests' clock: 2026-10-31 in Seoul.
var layoutNow = time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)

// saveWorkbook lets build shape a new workbook, saves it and returns its path.
func saveWorkbook(t *testing.T, build func(f *excelize.File, must func(error))) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	build(f, must)
	path := filepath.Join(t.TempDir(), "명단.xlsx")
	must(f.SaveAs(path))
	return path
}

func setRows(f *excelize.File, must func(error), tab string, rows [][]any) {
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		must(err)
		must(f.SetSheetRow(tab, cell, &row))
	}
}

// employeeRows reads a workbook through the source and the roster.
func employeeRows(t *testing.T, path, sheet string) ([]int, roster.Roster) {
	t.Helper()
	rows, err := New(path, sheet).Rows(t.Context())
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

// TestMergedStatusCells: 퇴사 merged down over three leavers' rows marks all
// three, though the file keeps it in the top-left cell only; so does a
// merged leave date. A merged department is not spread.
func TestMergedStatusCells(t *testing.T) {
	t.Parallel()
	path := saveWorkbook(t, func(f *excelize.File, must func(error)) {
		setRows(f, must, "Sheet1", [][]any{
			{"2026년 임직원 명단"},
			{"성명", "부서", "휴대전화", "재직여부", "퇴사일"},
			{"A", "인사팀", "010-1111-1111", "재직"},
			{"B", "개발팀", "010-2222-2222", "퇴사"},
			{"C", nil, "010-3333-3333"},
			{"D", nil, "010-4444-4444"},
			{"E", "영업팀", "010-5555-5555", "재직", "2026-01-31"},
			{"F", nil, "010-6666-6666", "재직"},
			{"G", "총무팀", "010-7777-7777", "재직"},
		})
		must(f.MergeCell("Sheet1", "A1", "E1"))
		must(f.MergeCell("Sheet1", "D4", "D6"))
		must(f.MergeCell("Sheet1", "B4", "B6"))
		must(f.MergeCell("Sheet1", "E7", "E8"))
	})
	got, r := employeeRows(t, path, "")
	if want := []int{3, 9}; !cmp.Equal(got, want) || r.Left != 5 || len(r.Problems) != 0 {
		t.Errorf("employees at rows %v, %d left, problems %+v; want %v, 5 left, none", got, r.Left, r.Problems, want)
	}
	// A range that starts right of column A keeps the merges in place.
	got, r = employeeRows(t, path, "Sheet1!C2:E9")
	if want := []int{3, 9}; !cmp.Equal(got, want) || r.Left != 5 {
		t.Errorf("range C2:E9: employees at rows %v, %d left; want %v, 5 left", got, r.Left, want)
	}
}

// TestHiddenFirstTab: an archived tab hidden in front of this year's list
// is not "the first tab"; naming it reads it.
func TestHiddenFirstTab(t *testing.T) {
	t.Parallel()
	path := saveWorkbook(t, func(f *excelize.File, must func(error)) {
		must(f.SetSheetName("Sheet1", "2025 명단(보관)"))
		setRows(f, must, "2025 명단(보관)", [][]any{{"이름", "휴대전화"}, {"작년퇴사", "010-1111-1111"}})
		_, err := f.NewSheet("2026 명단")
		must(err)
		setRows(f, must, "2026 명단", [][]any{{"이름", "휴대전화"}, {"올해입사", "010-2222-2222"}})
		f.SetActiveSheet(1)
		must(f.SetSheetVisible("2025 명단(보관)", false))
	})
	for _, tt := range []struct {
		sheet, want string
	}{
		{"", "+821022222222"},
		{"A1:B10", "+821022222222"},
		{"2025 명단(보관)", "+821011111111"},
		{"'2025 명단(보관)'!A:B", "+821011111111"},
	} {
		_, r := employeeRows(t, path, tt.sheet)
		if len(r.Employees) != 1 || r.Employees[0].Phone != tt.want {
			t.Errorf("sheet %q: employees %+v, want %s", tt.sheet, r.Employees, tt.want)
		}
	}
}

// TestFormulaPhoneWithoutValue: a workbook written by a program keeps a
// phone's formula but not its result; the problem says so.
func TestFormulaPhoneWithoutValue(t *testing.T) {
	t.Parallel()
	path := saveWorkbook(t, func(f *excelize.File, must func(error)) {
		setRows(f, must, "Sheet1", [][]any{
			{"이름", "휴대전화", "국번", "번호", "재직여부"},
			{"A", nil, "010", "1111-1111", "재직"},
			{"B", "010-2222-2222", nil, nil, "재직"},
			{"C", nil, nil, nil, "재직"}, // empty, no formula: the next row's is still shown
			{nil, nil, "010", "3333-3333"},
		})
		must(f.SetCellFormula("Sheet1", "B2", `C2&"-"&D2`))
		must(f.SetCellFormula("Sheet1", "A5", `"이름"&C5`))
		must(f.SetCellFormula("Sheet1", "B5", `C5&"-"&D5`))
	})
	got, r := employeeRows(t, path, "")
	want := []roster.Problem{{Row: 2, Code: roster.ProblemFormulaWithoutValue}, {Row: 4, Code: roster.ProblemMissingPhone},
		{Row: 5, Code: roster.ProblemFormulaWithoutValue}}
	if diff := cmp.Diff(want, r.Problems, ignoreReason); diff != "" || !cmp.Equal(got, []int{3}) {
		t.Errorf("employees at rows %v; problems (-want +got):\n%s", got, diff)
	}
}

// TestSecondTableInWorkbook: a second table below the list (퇴사자 명단
// with its own header) is not read with the first table's columns.
func TestSecondTableInWorkbook(t *testing.T) {
	t.Parallel()
	path := saveWorkbook(t, func(f *excelize.File, must func(error)) {
		setRows(f, must, "Sheet1", [][]any{
			{"이름", "휴대전화", "부서"},
			{"A", "010-1111-1111", "인사팀"},
			{},
			{"퇴사자 명단"},
			{"성명", "퇴사일", "연락처"},
			{"C", "2025-03-31", "010-3333-3333"},
		})
	})
	got, r := employeeRows(t, path, "")
	if !cmp.Equal(got, []int{2}) || len(r.Problems) != 2 || r.Problems[1].Code != roster.ProblemSecondTable ||
		r.Problems[1].Row != 5 || r.Problems[1].LastRow != 6 {
		t.Errorf("employees at rows %v, problems %+v; want [2] and second_table rows 5-6", got, r.Problems)
	}
}

package xlsx

import (
	"flag"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"

	"github.com/rollcall/rollcall/internal/roster"
)

var update = flag.Bool("update", false, "rewrite testdata/hr.xlsx")

// writeHRWorkbook writes a workbook shaped as HR keeps one: a title row, a
// blank row, 연락처 merged over 사내전화 | 휴대전화, phones stored as
// numbers, leave dates as date cells, and a hidden row.
func writeHRWorkbook(t *testing.T, path string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const tab = "Sheet1"
	rows := [][]any{
		{"2026년 임직원 명단"},
		{},
		{"성명", "소속", "직책", "연락처", nil, "재직여부", "퇴사일"},
		{nil, nil, nil, "사내전화", "휴대전화"},
		{"홍길동", "인사팀", "대리", "02-123-4567", 1012345678, "재직"},
		{"김철수", "개발팀", "과장", nil, 1022223333, "퇴사"},
		{"이영희", "영업팀", "사원", nil, 1033334444, "재직", 46022.0}, // 2025-12-31
		{"박민수", "총무팀", "주임", nil, 1044445555, "재직", 73050.0}, // 2099-12-31
		{"최숨김", "재무팀", "사원", nil, 1055556666, "재직"},          // hidden
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(tab, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.MergeCell(tab, "A1", "G1"))
	must(f.MergeCell(tab, "D3", "E3"))
	for _, col := range []string{"A", "B", "C", "F", "G"} {
		must(f.MergeCell(tab, col+"3", col+"4"))
	}
	phone, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("000-0000-0000")})
	must(err)
	must(f.SetCellStyle(tab, "E5", "E9", phone))
	day, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("m/d/yy")})
	must(err)
	must(f.SetCellStyle(tab, "G5", "G9", day))
	must(f.SetRowVisible(tab, 9, false))
	must(f.SaveAs(path))
}

func ptr[T any](v T) *T { return &v }

func TestHRWorkbook(t *testing.T) {
	t.Parallel()
	const path = "testdata/hr.xlsx"
	if *update {
		writeHRWorkbook(t, path)
	}
	rows, err := New(path, "").Rows(t.Context())
	if err != nil {
		t.Fatalf("Rows: %v", err)
	}
	got, err := roster.ParseRoster(rows, time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("ParseRoster: %v", err)
	}
	want := roster.Roster{
		Employees: []roster.Employee{
			{Phone: "+821012345678", Name: "홍길동", Department: "인사팀", Position: "대리", Row: 5},
			{Phone: "+821044445555", Name: "박민수", Department: "총무팀", Position: "주임", Row: 8},
			{Phone: "+821055556666", Name: "최숨김", Department: "재무팀", Position: "사원", Row: 9}, // hidden rows are read
		},
		Rows: 5, Left: 2,
		IgnoredColumns: []string{"사내전화"},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("roster of %s (-want +got):\n%s", path, diff)
	}
	if rows[6][6] != "2025-12-31" {
		t.Errorf("the leave-date cell reads %q, want 2025-12-31 (a date cell in ISO form)", rows[6][6])
	}
}

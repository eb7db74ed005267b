// Package examples_test checks the example employee list shipped in the
// repository: `rollcall serve` reads it on a fresh checkout, and the README's
// demo numbers depend on what it holds.
package examples_test

import (
	"flag"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"

	"github.com/rollcall/rollcall/internal/csv"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/xlsx"
)

var update = flag.Bool("update", false, "rewrite employees.xlsx from employees.csv")

// The README's demo numbers.
const (
	demoEmployee = "+821012345678" // 010-1234-5678, 홍길동 of 인사팀
	demoStranger = "+821099990000" // 010-9999-0000, nobody
)

// wantRoster is what the example list says, row numbers as Excel shows them.
// Its leave dates are long past (2025, early 2026) or far ahead (2099), so
// the roster does not change with the day the test runs.
var wantRoster = roster.Roster{
	Employees: []roster.Employee{
		// Rows 1-3: the title, a blank row and the header.
		{Phone: demoEmployee, Name: "홍길동", Department: "인사팀", Position: "대리", Email: "gildong.hong@example.com", Row: 4},
		{Phone: "+821000000002", Name: "김하늘", Department: "개발팀", Position: "과장", Email: "haneul.kim@example.com", Row: 5},
		{Phone: "+821000000003", Name: "이도윤", Department: "영업팀", Position: "사원", Email: "doyun.lee@example.co.kr", Row: 6},
		{Phone: "+821000000004", Name: "박서아", Department: "디자인팀", Position: "주임", Email: "seoa.park@example.com", Row: 7},
		{Phone: "+821000000005", Name: "최준우", Department: "재무팀", Position: "차장", Email: "junwoo.choi@example.com", Row: 8},
		{Phone: "+821000000006", Name: "정유나", Department: "개발팀", Position: "사원", Email: "yuna.jung@example.com", Row: 9},
		// Row 10 is blank.
		{Phone: "+821000000007", Name: "강지호", Department: "마케팅팀", Position: "대리", Email: "jiho.kang@example.co.kr", Row: 11},
		{Phone: "+821000000008", Name: "조은별", Department: "고객지원팀", Position: "사원", Email: "eunbyeol.jo@example.com", Row: 12},
		// Row 13 has left (퇴사), row 14 is an office line, row 15 repeats row 5's phone.
		{Phone: "+821000000012", Name: "한서준", Department: "경영지원팀", Position: "팀장", Email: "seojun.han@example.co.kr", Row: 16},
		// Row 17 left on 2026-01-31; row 18 leaves on 2099-12-31.
		{Phone: "+821000000014", Name: "오민재", Department: "개발팀", Position: "대리", Email: "minjae.oh@example.com", Row: 18},
	},
	Rows: 14,
	Left: 2,
	Problems: []roster.Problem{
		{Row: 14, Code: roster.ProblemInvalidPhone},
		{Row: 15, Code: roster.ProblemDuplicatePhone},
	},
}

func readCSV(t *testing.T) [][]string {
	t.Helper()
	rows, err := csv.New("employees.csv").Rows(t.Context())
	if err != nil {
		t.Fatalf("employees.csv: Rows: %v", err)
	}
	return rows
}

func parse(t *testing.T, name string, rows [][]string) roster.Roster {
	t.Helper()
	r, err := roster.ParseRoster(rows, time.Now())
	if err != nil {
		t.Fatalf("%s: ParseRoster: %v", name, err)
	}
	return r
}

func TestExampleCSV(t *testing.T) {
	t.Parallel()
	got := parse(t, "employees.csv", readCSV(t))
	if diff := cmp.Diff(wantRoster, got, cmpopts.IgnoreFields(roster.Problem{}, "Reason")); diff != "" {
		t.Errorf("ParseRoster(employees.csv) (-want +got):\n%s", diff)
	}
	for _, e := range got.Employees {
		if e.Phone == demoStranger {
			t.Errorf("row %d: the README's stranger is an employee", e.Row)
		}
	}
}

func TestExampleXLSXMatchesCSV(t *testing.T) {
	t.Parallel()
	if *update {
		writeXLSX(t, readCSV(t))
	}
	fromCSV := parse(t, "employees.csv", readCSV(t))
	xlsxRows, err := xlsx.New("employees.xlsx", "").Rows(t.Context())
	if err != nil {
		t.Fatalf("employees.xlsx: Rows: %v", err)
	}
	fromXLSX := parse(t, "employees.xlsx", xlsxRows)
	if diff := cmp.Diff(fromCSV, fromXLSX); diff != "" {
		t.Errorf("employees.xlsx differs from employees.csv (-csv +xlsx):\n%s", diff)
	}
	if len(fromXLSX.Employees) == 0 {
		t.Error("employees.xlsx has no employees")
	}
	// The tab is named, as the README's ROLLCALL_SHEET_RANGE example names it.
	byTab, err := xlsx.New("employees.xlsx", "직원목록!A:G").Rows(t.Context())
	if err != nil {
		t.Fatalf("employees.xlsx 직원목록!A:G: Rows: %v", err)
	}
	if diff := cmp.Diff(fromXLSX, parse(t, "employees.xlsx 직원목록!A:G", byTab)); diff != "" {
		t.Errorf("employees.xlsx by range differs from its first tab (-first tab +range):\n%s", diff)
	}
}

// writeXLSX writes employees.xlsx as Excel users keep the same list: the
// title merged across the table, phones typed as numbers with a
// 000-0000-0000 format, leave dates as date cells, and one hidden row
// (rollcall reads hidden rows like any other).
func writeXLSX(t *testing.T, rows [][]string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const tab = "직원목록"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", tab))
	phone, err := f.NewStyle(&excelize.Style{CustomNumFmt: new("000-0000-0000")})
	must(err)
	day, err := f.NewStyle(&excelize.Style{CustomNumFmt: new("m/d/yy")})
	must(err)
	for i, row := range rows {
		for j, v := range row {
			cell, err := excelize.CoordinatesToCellName(j+1, i+1)
			must(err)
			switch {
			case j == 3 && strings.Contains(v, ","): // "1,000,000,006": a number cell
				n, err := strconv.Atoi(strings.ReplaceAll(v, ",", ""))
				must(err)
				must(f.SetCellValue(tab, cell, n))
				must(f.SetCellStyle(tab, cell, cell, phone))
			case j == 6 && i > 2 && v != "":
				d, err := time.Parse("2006-01-02", v)
				must(err)
				serial := d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24 // Excel's day count
				must(f.SetCellValue(tab, cell, serial))
				must(f.SetCellStyle(tab, cell, cell, day))
			case v != "":
				must(f.SetCellValue(tab, cell, v))
			}
		}
	}
	must(f.MergeCell(tab, "A1", "G1"))
	must(f.SetRowVisible(tab, len(rows), false))
	must(f.SaveAs("employees.xlsx"))
}

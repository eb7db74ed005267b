// Package examples_test checks the example employee list shipped in the
// repository: `rollcall serve` reads it on a fresh checkout, and the README's
// demo numbers depend on what it holds.
package examples_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rollcall/rollcall/internal/csv"
	"github.com/rollcall/rollcall/internal/directory"
	"github.com/rollcall/rollcall/internal/xlsx"
)

// The README's demo numbers.
const (
	demoEmployee = "+821012345678" // 010-1234-5678, 홍길동 of 인사팀
	demoStranger = "+821099990000" // 010-9999-0000, nobody
)

// wantRoster is what the example list says, row numbers as Excel shows them.
var wantRoster = directory.Roster{
	Employees: []directory.Employee{
		{Phone: demoEmployee, Name: "홍길동", Department: "인사팀", Position: "대리", Email: "gildong.hong@example.com", Row: 2},
		{Phone: "+821000000002", Name: "김하늘", Department: "개발팀", Position: "과장", Email: "haneul.kim@example.com", Row: 3},
		{Phone: "+821000000003", Name: "이도윤", Department: "영업팀", Position: "사원", Email: "doyun.lee@example.co.kr", Row: 4},
		{Phone: "+821000000004", Name: "박서아", Department: "디자인팀", Position: "주임", Email: "seoa.park@example.com", Row: 5},
		{Phone: "+821000000005", Name: "최준우", Department: "재무팀", Position: "차장", Email: "junwoo.choi@example.com", Row: 6},
		{Phone: "+821000000006", Name: "정유나", Department: "개발팀", Position: "사원", Email: "yuna.jung@example.com", Row: 7},
		// Row 8 is blank.
		{Phone: "+821000000007", Name: "강지호", Department: "마케팅팀", Position: "대리", Email: "jiho.kang@example.co.kr", Row: 9},
		{Phone: "+821000000008", Name: "조은별", Department: "고객지원팀", Position: "사원", Email: "eunbyeol.jo@example.com", Row: 10},
		// Row 11 has left (퇴사), row 12 is an office line, row 13 repeats row 3's phone.
		{Phone: "+821000000012", Name: "한서준", Department: "경영지원팀", Position: "팀장", Email: "seojun.han@example.co.kr", Row: 14},
	},
	Rows: 12,
	Left: 1,
	Problems: []directory.Problem{
		{Row: 12, Code: directory.ProblemInvalidPhone},
		{Row: 13, Code: directory.ProblemDuplicatePhone},
	},
}

func TestExampleCSV(t *testing.T) {
	t.Parallel()
	rows, err := csv.New("employees.csv").Rows(t.Context())
	if err != nil {
		t.Fatalf("Rows: %v", err)
	}
	got, err := directory.ParseRoster(rows)
	if err != nil {
		t.Fatalf("ParseRoster: %v", err)
	}
	if diff := cmp.Diff(wantRoster, got, cmpopts.IgnoreFields(directory.Problem{}, "Reason")); diff != "" {
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
	read := func(name string, rows [][]string, err error) directory.Roster {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: Rows: %v", name, err)
		}
		r, err := directory.ParseRoster(rows)
		if err != nil {
			t.Fatalf("%s: ParseRoster: %v", name, err)
		}
		return r
	}
	csvRows, csvErr := csv.New("employees.csv").Rows(t.Context())
	fromCSV := read("employees.csv", csvRows, csvErr)
	xlsxRows, xlsxErr := xlsx.New("employees.xlsx", "").Rows(t.Context())
	fromXLSX := read("employees.xlsx", xlsxRows, xlsxErr)
	if diff := cmp.Diff(fromCSV, fromXLSX); diff != "" {
		t.Errorf("employees.xlsx differs from employees.csv (-csv +xlsx):\n%s", diff)
	}
	if len(fromXLSX.Employees) == 0 {
		t.Error("employees.xlsx has no employees")
	}
	// The tab is named, as the README's ROLLCALL_SHEET_RANGE example names it.
	byTab, err := xlsx.New("employees.xlsx", "직원목록!A:F").Rows(t.Context())
	if diff := cmp.Diff(fromXLSX, read("employees.xlsx 직원목록!A:F", byTab, err)); diff != "" {
		t.Errorf("employees.xlsx by range differs from its first tab (-first tab +range):\n%s", diff)
	}
}

package roster

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// now is the tests' clock: 2026-10-31 09:00 in Seoul.
var now = time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)

var ignoreReason = cmpopts.IgnoreFields(Problem{}, "Reason")

func TestParseRoster(t *testing.T) {
	t.Parallel()
	rows := [][]string{
		{},         // 1: blank rows above the header count
		{"", "  "}, // 2
		{" Name ", "E-Mail", "사번", "MOBILE", "Dept", "Title", "Status"},  // 3: header, any case and spacing
		{"홍길동", "gd@example.com", "1", "010-1234-5678", "인사팀", "대리", ""}, // 4
		{}, // 5: a blank row in the middle is skipped, not the end
		{"김철수", "", "2", "+82 10-2222-3333", "개발팀"},       // 6: ragged row
		{"이영희", "", "3", "02-123-4567", "", "", ""},       // 7: landline
		{"박민수", "", "4", "", "", "", ""},                  // 8: no phone
		{"홍길동2", "", "5", "01012345678", "", "", ""},      // 9: duplicate of row 4
		{"최퇴사", "", "6", "010-4444-5555", "", "", "LEFT"}, // 10: has left
		{"정재직", "", "7", "010-6666-7777", "", "", "휴직"},   // 11: on leave is employed
	}
	got, err := ParseRoster(rows, now)
	if err != nil {
		t.Fatalf("ParseRoster: %v", err)
	}
	want := Roster{
		Employees: []Employee{
			{Phone: "+821012345678", Name: "홍길동", Department: "인사팀", Position: "대리", Email: "gd@example.com", Row: 4},
			{Phone: "+821022223333", Name: "김철수", Department: "개발팀", Row: 6},
			{Phone: "+821066667777", Name: "정재직", Row: 11},
		},
		Rows: 7,
		Left: 1,
		Problems: []Problem{
			{Row: 7, Code: ProblemInvalidPhone},
			{Row: 8, Code: ProblemMissingPhone},
			{Row: 9, Code: ProblemDuplicatePhone},
		},
		IgnoredColumns: []string{"사번"},
	}
	if diff := cmp.Diff(want, got, ignoreReason); diff != "" {
		t.Errorf("ParseRoster (-want +got):\n%s", diff)
	}
	for _, p := range got.Problems {
		if p.Reason == "" {
			t.Errorf("row %d: problem without a reason for HR", p.Row)
		}
	}
}

// rowsOf returns the employees' rows and the problems' rows of a roster.
func rowsOf(r Roster) (employees, problems []int) {
	for _, e := range r.Employees {
		employees = append(employees, e.Row)
	}
	for _, p := range r.Problems {
		problems = append(problems, p.Row)
	}
	return employees, problems
}

func TestRowNumbersAndProblems(t *testing.T) {
	t.Parallel()
	got, err := ParseRoster([][]string{
		{"2026년 임직원 명단"}, // 1
		{},               // 2
		{"성명", "연락처", "", "재직여부", "퇴사일"},             // 3
		{"", "사내전화", "휴대전화"},                         // 4
		{"A", "", "1,012,345,678", "재직", ""},         // 5: a number cell
		{"B", "", "1.01235E+09", "재직", ""},           // 6: lossy
		{"C", "", "010-2222-3333", "퇴사", ""},         // 7: left
		{"D", "", "010.4444.5555", "재직", "미정"},       // 8: bad leave date
		{"E", "", "", "재직", ""},                      // 9: no phone
		{"F", "", "010-1234-5678", "재직", ""},         // 10: duplicate of row 5
		{"G", "", "010-6666-7777", "", "2099-01-01"}, // 11
	}, now)
	if err != nil {
		t.Fatalf("ParseRoster: %v", err)
	}
	want := Roster{
		Employees: []Employee{{Phone: "+821012345678", Name: "A", Row: 5}, {Phone: "+821066667777", Name: "G", Row: 11}},
		Rows:      7,
		Left:      1,
		Problems: []Problem{
			{Row: 6, Code: ProblemInvalidPhone},
			{Row: 8, Code: ProblemBadLeaveDate},
			{Row: 9, Code: ProblemMissingPhone},
			{Row: 10, Code: ProblemDuplicatePhone},
		},
		IgnoredColumns: []string{"사내전화"},
	}
	if diff := cmp.Diff(want, got, ignoreReason); diff != "" {
		t.Errorf("ParseRoster (-want +got):\n%s", diff)
	}
}

func TestParseRosterHeaderOnlyIsEmptyNotError(t *testing.T) {
	t.Parallel()
	got, err := ParseRoster([][]string{{"이름", "휴대전화"}}, now)
	if err != nil || len(got.Employees) != 0 || got.Rows != 0 {
		t.Errorf("ParseRoster(header only) = %+v, %v; want an empty roster", got, err)
	}
}

func FuzzParseRoster(f *testing.F) {
	f.Add("2026년 명단\n\n성명,연락처,,퇴사일\n,사내전화,휴대전화\nA,,010-1234-5678,2026. 1. 5\n")
	f.Add("이름,휴대전화,재직여부\nB,1,012,345,678,퇴사(2025)\n")
	f.Add("HP\n1.01235E+09\n\n\n")
	f.Fuzz(func(t *testing.T, text string) {
		var rows [][]string
		for line := range strings.SplitSeq(text, "\n") {
			rows = append(rows, strings.Split(line, ","))
		}
		got, err := ParseRoster(rows, now)
		if err != nil {
			if len(got.Employees) != 0 {
				t.Fatalf("an error with employees: %+v", got)
			}
			return
		}
		seen := map[string]bool{}
		for _, e := range got.Employees {
			if seen[e.Phone] || e.Row < 1 || e.Row > len(rows) {
				t.Fatalf("employee %+v: duplicate or outside the sheet", e)
			}
			seen[e.Phone] = true
		}
	})
}

func TestEmployeeHash(t *testing.T) {
	t.Parallel()
	base := Employee{Phone: "+821012345678", Name: "홍길동", Department: "인사팀", Position: "대리", Email: "a@example.com", Row: 2}
	changes := []func(*Employee){
		func(e *Employee) { e.Name = "홍길순" },
		func(e *Employee) { e.Department = "" },
		func(e *Employee) { e.Position = "과장" },
		func(e *Employee) { e.Email = "b@example.com" },
		func(e *Employee) { e.Name, e.Department = "홍길동인", "사팀" }, // same concatenation
	}
	for i, change := range changes {
		e := base
		change(&e)
		if e.Hash() == base.Hash() {
			t.Errorf("change %d: hash unchanged", i)
		}
	}
	moved := base
	moved.Row = 3
	if moved.Hash() != base.Hash() {
		t.Error("a moved row changed the hash; a move is not a change")
	}
}

package directory

import (
	"errors"
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

func TestHeaderRow(t *testing.T) {
	t.Parallel()
	blank := func(n int) [][]string { return make([][]string, n) }
	tests := []struct {
		name          string
		rows          [][]string
		wantEmployees []int
	}{
		{"title row and a blank row above",
			[][]string{{"2026년 임직원 명단"}, {}, {"성명", "휴대폰 번호"}, {"A", "010-1234-5678"}}, []int{4}},
		{"a note above the header",
			[][]string{{"※ 매월 1일 갱신"}, {"작성: 인사팀", "2026.10.01"}, {"이름", "연락처"}, {"A", "010-1234-5678"}}, []int{4}},
		{"header on row 20",
			append(append(blank(18), []string{"제목"}), []string{"이름", "휴대전화"}, []string{"A", "010-1234-5678"}), []int{21}},
		{"an office-line header alone is no header",
			[][]string{{"이름", "사내전화"}, {"A", "02-123-4567"}, {"이름", "휴대전화"}, {"A", "010-1234-5678"}}, []int{4}},
		{"notes and totals after the list",
			[][]string{{"이름", "휴대전화"}, {"A", "010-1234-5678"}, {}, {"합계: 1명"}}, []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRoster(tt.rows, now)
			if err != nil {
				t.Fatalf("ParseRoster: %v", err)
			}
			if e, _ := rowsOf(got); !cmp.Equal(e, tt.wantEmployees) {
				t.Errorf("employees at rows %v, want %v", e, tt.wantEmployees)
			}
		})
	}
}

func TestNoHeader(t *testing.T) {
	t.Parallel()
	blank := make([][]string, 20)
	tests := []struct {
		name     string
		rows     [][]string
		want     error
		wantRow  int
		wantText []string // the error must say these
		notText  []string // and never these
	}{
		{"nothing", nil, ErrNoHeader, 0, nil, nil},
		{"only blanks", [][]string{{}, {" ", ""}}, ErrNoHeader, 0, nil, nil},
		{"no phone column", [][]string{{}, {"이름", "부서"}, {"A", "B"}}, ErrNoPhoneColumn, 2,
			[]string{`"이름", "부서"`, "ROLLCALL_SHEET_RANGE"}, nil},
		{"header below row 20", append(append(blank, []string{"이름", "휴대전화"}), []string{"A", "010-1234-5678"}),
			ErrNoPhoneColumn, 21, []string{`"이름", "휴대전화"`, "ROLLCALL_SHEET_RANGE"}, nil},
		{"a sheet without a header row names no employee's cells",
			[][]string{{"홍길동", "010-1234-5678", "gd@example.com"}}, ErrNoPhoneColumn, 1,
			[]string{"looks like an employee's", "ROLLCALL_SHEET_RANGE"}, []string{"홍길동", "5678", "gd@"}},
		{"a long title is shortened", [][]string{{strings.Repeat("가", 100)}}, ErrNoPhoneColumn, 1,
			[]string{strings.Repeat("가", 20) + "…"}, []string{strings.Repeat("가", 21)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRoster(tt.rows, now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseRoster error = %v, want %v", err, tt.want)
			}
			if se, ok := errors.AsType[*SheetError](err); tt.wantRow != 0 && (!ok || se.Row != tt.wantRow) {
				t.Errorf("error %v: want row %d", err, tt.wantRow)
			}
			for _, w := range tt.wantText {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			for _, w := range tt.notText {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error %q says %q", err, w)
				}
			}
			if len(got.Employees) != 0 {
				t.Errorf("an unusable sheet gave employees %+v", got.Employees)
			}
			// Without a phone column, HR reads the same in the report.
			if errors.Is(tt.want, ErrNoPhoneColumn) &&
				(len(got.Problems) != 1 || got.Problems[0].Row != tt.wantRow || got.Problems[0].Code != ProblemMissingPhoneColumn || got.Problems[0].Reason == "") {
				t.Errorf("problems %+v: want one %s at row %d", got.Problems, ProblemMissingPhoneColumn, tt.wantRow)
			}
		})
	}
}

func TestTwoRowHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rows [][]string
		want []Employee
	}{
		{"연락처 merged over 사내전화 | 휴대전화", [][]string{
			{"성명", "소속", "연락처", ""},
			{"", "", "사내전화", "휴대전화"},
			{"A", "B", "02-123-4567", "010-1234-5678"},
		}, []Employee{{Phone: "+821012345678", Name: "A", Department: "B", Row: 3}}},
		{"upper labels stand where the lower cell is empty", [][]string{
			{"성명", "연락처", "", "비고"},
			{"", "휴대폰", "E-mail"},
			{"A", "010-1234-5678", "a@example.com", "x"},
		}, []Employee{{Phone: "+821012345678", Name: "A", Email: "a@example.com", Row: 3}}},
		{"a row with a phone number is data, not a header", [][]string{
			{"이름", "휴대전화", "상태"},
			{"상태", "010-1234-5678", ""},
		}, []Employee{{Phone: "+821012345678", Name: "상태", Row: 2}}},
		{"a row with no known header is data", [][]string{
			{"이름", "휴대전화"},
			{"홍길동", ""},
			{"김철수", "010-1234-5678"},
		}, []Employee{{Phone: "+821012345678", Name: "김철수", Row: 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRoster(tt.rows, now)
			if err != nil {
				t.Fatalf("ParseRoster: %v", err)
			}
			if diff := cmp.Diff(tt.want, got.Employees); diff != "" {
				t.Errorf("employees (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHeaderAliases(t *testing.T) {
	t.Parallel()
	tests := map[Field][]string{
		FieldPhone: {"휴대전화", "휴대전화번호", "휴대폰", "휴대폰번호", "핸드폰", "핸드폰번호", "휴대번호", "이동전화",
			"모바일", "연락처(휴대폰)", "HP", "H.P", "mobile", "Mobile Phone", "cell", "cellphone", "cell phone",
			"전화번호", "연락처", "phone", "Phone Number", "TEL", "휴대폰 번호", "휴대폰_번호", "[휴대전화]"},
		FieldName:       {"이름", "성명", "성함", "직원명", "사원명", "임직원명", "name", "Full Name", "employee name"},
		FieldDepartment: {"부서", "부서명", "소속", "소속부서", "팀", "팀명", "department", "Dept.", "team"},
		FieldPosition:   {"직급", "직위", "직책", "호칭", "position", "title", "job title", "rank"},
		FieldEmail:      {"이메일", "이메일주소", "메일", "전자우편", "email", "E-mail", "mail", "e_mail"},
		FieldStatus:     {"재직상태", "재직여부", "재직구분", "근무상태", "상태", "status", "Employment Status"},
		FieldLeaveDate:  {"퇴사일", "퇴사일자", "퇴직일", "퇴직일자", "termination date", "End Date"},
	}
	for field, headers := range tests {
		for _, h := range headers {
			t.Run(h, func(t *testing.T) {
				t.Parallel()
				labels := []string{"x", h}
				if field != FieldPhone {
					labels = append(labels, "휴대전화")
				}
				cols, _ := findColumns(labels)
				if i, ok := cols[field]; !ok || i != 1 {
					t.Errorf("header %q: columns %v, want field %d at column 1", h, cols, field)
				}
			})
		}
	}
	// Brackets fold away, their content does not.
	if _, ok := aliasOf("퇴사일자(예정)"); ok {
		t.Error("an unknown header matched an alias")
	}
}

func TestPhoneColumnChoice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header []string
		row    []string
		want   string // "" means no employee
	}{
		{"mobile beats a generic column to its left", []string{"전화번호", "휴대폰"}, []string{"02-123-4567", "010-1234-5678"}, "+821012345678"},
		{"mobile beats a generic column to its right", []string{"HP", "TEL"}, []string{"010-1234-5678", "02-123-4567"}, "+821012345678"},
		{"an office line is never the phone", []string{"사내전화", "연락처"}, []string{"010-9999-9999", "010-1234-5678"}, "+821012345678"},
		{"office lines by every name", []string{"내선", "내선번호", "회사전화", "직통", "직통번호", "유선전화", "Office Phone", "extension", "phone"},
			[]string{"010-9999-9991", "010-9999-9992", "010-9999-9993", "010-9999-9994", "010-9999-9995", "010-9999-9996", "010-9999-9997", "010-9999-9998", "010-1234-5678"},
			"+821012345678"},
		{"two mobile columns: the leftmost", []string{"휴대폰", "핸드폰"}, []string{"010-1234-5678", "010-9999-9999"}, "+821012345678"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRoster([][]string{tt.header, tt.row}, now)
			if err != nil {
				t.Fatalf("ParseRoster: %v", err)
			}
			if len(got.Employees) != 1 || got.Employees[0].Phone != tt.want {
				t.Errorf("employees %+v, want one with %s", got.Employees, tt.want)
			}
		})
	}
}

func TestIgnoredColumns(t *testing.T) {
	t.Parallel()
	got, err := ParseRoster([][]string{
		{"연번", "성명", "연락처", ""},
		{"", "", "사내전화", "휴대전화"},
		{"", "", "", "", "비고"}, // not a header row: its cells are data
		{"1", "A", "02-123-4567", "010-1234-5678", "메모 내용"},
	}, now)
	if err != nil {
		t.Fatalf("ParseRoster: %v", err)
	}
	if diff := cmp.Diff([]string{"연번", "사내전화"}, got.IgnoredColumns); diff != "" {
		t.Errorf("ignored columns (-want +got):\n%s", diff)
	}
}

func TestStatusWords(t *testing.T) {
	t.Parallel()
	left := []string{"퇴사", "퇴직", "퇴사자", "퇴직자", "정년퇴직", "명예퇴직", "권고사직", "사직", "해고", "면직",
		"계약만료", "계약종료", "left", "Resigned", "TERMINATED", " inactive ", "retired", "Former",
		"퇴 사", "퇴사(2025.3.1)", "퇴사 [자진]", "퇴사（전출）"}
	employed := []string{"", "재직", "휴직", "육아휴직", "파견", "퇴사예정", "active", "재직(파견)", "-"}
	for _, tt := range []struct {
		statuses []string
		left     bool
	}{{left, true}, {employed, false}} {
		for _, status := range tt.statuses {
			got, err := ParseRoster([][]string{{"휴대전화", "재직여부"}, {"010-1234-5678", status}}, now)
			if err != nil {
				t.Fatalf("ParseRoster: %v", err)
			}
			if (got.Left == 1) != tt.left || (len(got.Employees) == 0) != tt.left {
				t.Errorf("status %q: left=%d employees=%d, want left=%v", status, got.Left, len(got.Employees), tt.left)
			}
		}
	}
}

func TestLeaveDates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cell string
		want string // "employee", "left" or a problem code
	}{
		{"", "employee"},
		{"2026-10-30", "left"}, // yesterday
		{"2026-10-31", "left"}, // today: the last day is over at the first sync of it
		{"2026-11-01", "employee"},
		{"2099-12-31", "employee"},
		{"2026.10.31", "left"},
		{"2026. 10. 31.", "left"},
		{"2026. 10. 31", "left"},
		{"2026. 11. 1", "employee"}, // how Sheets shows 2026-11-01 in Korean
		{"2026. 1. 5", "left"},
		{"2026/10/31", "left"},
		{"20261031", "left"},
		{"20261101", "employee"},
		{" 2026-11-01 ", "employee"},
		{"미정", ProblemBadLeaveDate},
		{"2026-02-30", ProblemBadLeaveDate},
		{"2026-13-01", ProblemBadLeaveDate},
		{"2026-10/31", ProblemBadLeaveDate},
		{"10/31/2026", ProblemBadLeaveDate},
		{"46326", ProblemBadLeaveDate}, // a date serial shown as a number
		{"2026-10-31 18:00", ProblemBadLeaveDate},
	}
	for _, tt := range tests {
		t.Run(tt.cell, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRoster([][]string{{"휴대전화", "퇴사일"}, {"010-1234-5678", tt.cell}}, now)
			if err != nil {
				t.Fatalf("ParseRoster: %v", err)
			}
			var outcome string
			switch {
			case len(got.Employees) == 1:
				outcome = "employee"
			case got.Left == 1:
				outcome = "left"
			case len(got.Problems) == 1:
				outcome = got.Problems[0].Code
			}
			if outcome != tt.want {
				t.Errorf("leave date %q: %+v, want %s", tt.cell, got, tt.want)
			}
		})
	}
}

func TestLeaveDateIsSeoulsDay(t *testing.T) {
	t.Parallel()
	rows := [][]string{{"휴대전화", "퇴사일"}, {"010-1234-5678", "2026-11-01"}}
	tests := []struct {
		now  time.Time
		left bool
	}{
		{time.Date(2026, 10, 31, 14, 59, 59, 0, time.UTC), false}, // 23:59:59 on the 31st in Seoul
		{time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC), true},    // midnight of the 1st in Seoul
		{time.Date(2026, 10, 31, 12, 0, 0, 0, time.FixedZone("PDT", -7*3600)), true},
	}
	for _, tt := range tests {
		got, err := ParseRoster(rows, tt.now)
		if err != nil {
			t.Fatalf("ParseRoster: %v", err)
		}
		if (got.Left == 1) != tt.left {
			t.Errorf("at %v: left=%d, want %v", tt.now, got.Left, tt.left)
		}
	}
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
		func(e *Employee) { e.Row = 3 },
		func(e *Employee) { e.Name, e.Department = "홍길동인", "사팀" }, // same concatenation
	}
	for i, change := range changes {
		e := base
		change(&e)
		if e.Hash() == base.Hash() {
			t.Errorf("change %d: hash unchanged", i)
		}
	}
}

func TestRowsRunTogether(t *testing.T) {
	t.Parallel()
	// A CR-only file read by a reader that does not know CR: one long row.
	glued := [][]string{{"이름", "휴대전화", "상태\r홍길동", "010-1234-5678", "재직\r김철수", "010-2222-3333", ""}}
	got, err := ParseRoster(glued, now)
	if !errors.Is(err, ErrRowsRunTogether) {
		t.Fatalf("ParseRoster error = %v, want ErrRowsRunTogether", err)
	}
	if strings.Contains(err.Error(), "홍길동") || strings.Contains(err.Error(), "5678") {
		t.Errorf("error %q quotes the sheet", err)
	}
	if len(got.Employees) != 0 || got.Rows != 0 {
		t.Errorf("roster %+v from an unreadable sheet", got)
	}
}

func TestIgnoredColumnsNeverQuoteData(t *testing.T) {
	t.Parallel()
	got, err := ParseRoster([][]string{
		{"휴대전화", "a@example.com", "주민번호 9001011234567", strings.Repeat("메모", 30), "사번\r홍길동", "비고\n(선택)"},
	}, now)
	if err != nil {
		t.Fatalf("ParseRoster: %v", err)
	}
	want := []string{"column 2", "column 3", "column 4", "column 5", "비고\n(선택)"}
	if diff := cmp.Diff(want, got.IgnoredColumns); diff != "" {
		t.Errorf("ignored columns (-want +got):\n%s", diff)
	}
}

func TestHeaderWithAnExampleNumberIsAHeader(t *testing.T) {
	t.Parallel()
	got, err := ParseRoster([][]string{{"이름", "휴대폰", "비고(예: 010-1234-5678)", "메모\n예: 010-1234-5678"}, {"A", "010-2222-3333"}}, now)
	if err != nil || len(got.Employees) != 1 {
		t.Errorf("ParseRoster = %+v, %v; want one employee", got, err)
	}
}

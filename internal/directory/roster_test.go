package directory

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

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
	got, err := ParseRoster(rows)
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
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Problem{}, "Reason")); diff != "" {
		t.Errorf("ParseRoster (-want +got):\n%s", diff)
	}
	for _, p := range got.Problems {
		if p.Reason == "" {
			t.Errorf("row %d: problem without a reason for HR", p.Row)
		}
	}
}

func TestParseRosterHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header []string
		want   Employee
	}{
		{"korean", []string{"성명", "부서", "직위", "핸드폰", "이메일", "재직상태"},
			Employee{Name: "A", Department: "B", Position: "C", Email: "E"}},
		{"english", []string{"name", "department", "position", "phone", "email", "status"},
			Employee{Name: "A", Department: "B", Position: "C", Email: "E"}},
		{"spaces inside", []string{"이 름", "부 서", "직 급", "휴대 전화", "e-mail", "재직 상태"},
			Employee{Name: "A", Department: "B", Position: "C", Email: "E"}},
		{"mobile beats a generic phone column", []string{"이름", "x", "y", "전화번호", "z", "w", "휴대폰"},
			Employee{Name: "A"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			row := []string{"A", "B", "C", "not a phone", "E", ""}
			if len(tt.header) == 7 { // the mobile column is the last one
				row = []string{"A", "B", "C", "02-123-4567", "E", "", "010-1234-5678"}
			} else {
				row[3] = "010-1234-5678"
			}
			got, err := ParseRoster([][]string{tt.header, row})
			if err != nil {
				t.Fatalf("ParseRoster: %v", err)
			}
			tt.want.Phone, tt.want.Row = "+821012345678", 2
			if diff := cmp.Diff([]Employee{tt.want}, got.Employees); diff != "" {
				t.Errorf("employees (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRosterStatus(t *testing.T) {
	t.Parallel()
	for status, left := range map[string]bool{
		"퇴사": true, "퇴직": true, "left": true, "Resigned": true, "TERMINATED": true, " inactive ": true,
		"": false, "재직": false, "active": false, "휴직": false, "퇴사예정": false,
	} {
		got, err := ParseRoster([][]string{{"phone", "status"}, {"010-1234-5678", status}})
		if err != nil {
			t.Fatalf("ParseRoster: %v", err)
		}
		if (got.Left == 1) != left || (len(got.Employees) == 0) != left {
			t.Errorf("status %q: left=%d employees=%d, want left=%v", status, got.Left, len(got.Employees), left)
		}
	}
}

func TestParseRosterUnusableSheets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		rows    [][]string
		want    error
		wantRow int
	}{
		{"nothing", nil, ErrNoHeader, 0},
		{"only blanks", [][]string{{}, {" ", ""}}, ErrNoHeader, 0},
		{"no phone column", [][]string{{}, {"이름", "부서"}, {"A", "B"}}, ErrNoPhoneColumn, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRoster(tt.rows)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseRoster error = %v, want %v", err, tt.want)
			}
			if se, ok := errors.AsType[*SheetError](err); tt.wantRow != 0 && (!ok || se.Row != tt.wantRow) {
				t.Errorf("error %v: want row %d", err, tt.wantRow)
			}
			// Without a phone column, HR reads the same in the report.
			if errors.Is(tt.want, ErrNoPhoneColumn) &&
				(len(got.Problems) != 1 || got.Problems[0].Row != tt.wantRow || got.Problems[0].Code != ProblemMissingPhoneColumn || got.Problems[0].Reason == "") {
				t.Errorf("problems %+v: want one %s at row %d", got.Problems, ProblemMissingPhoneColumn, tt.wantRow)
			}
		})
	}
}

func TestParseRosterHeaderOnlyIsEmptyNotError(t *testing.T) {
	t.Parallel()
	got, err := ParseRoster([][]string{{"이름", "휴대전화"}})
	if err != nil || len(got.Employees) != 0 || got.Rows != 0 {
		t.Errorf("ParseRoster(header only) = %+v, %v; want an empty roster", got, err)
	}
}

func TestEmployeeHash(t *testing.T) {
	t.Parallel()
	base := Employee{Phone: "+821012345678", Name: "홍길동", Department: "인사팀", Position: "대리", Email: "a@example.com", Row: 2}
	if base.Hash() != base.Hash() {
		t.Fatal("Hash is not stable")
	}
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

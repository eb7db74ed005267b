package roster

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

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

func TestHeaderWithAnExampleNumberIsAHeader(t *testing.T) {
	t.Parallel()
	got, err := ParseRoster([][]string{{"이름", "휴대폰", "비고(예: 010-1234-5678)", "메모\n예: 010-1234-5678"}, {"A", "010-2222-3333"}}, now)
	if err != nil || len(got.Employees) != 1 {
		t.Errorf("ParseRoster = %+v, %v; want one employee", got, err)
	}
}

// TestSecondTable: a header row below the list (a second table, such as
// last year's leavers) ends the list; its rows are reported once, not read
// with the first table's columns.
func TestSecondTable(t *testing.T) {
	t.Parallel()
	got, err := ParseRoster([][]string{
		{"2026년 임직원 명단"},                           // 1
		{"이름", "휴대전화", "부서"},                       // 2
		{"A", "010-1111-1111", "인사팀"},              // 3
		{"B", "010-2222-2222", "개발팀"},              // 4
		{},                                         // 5
		{"퇴사자 명단"},                                 // 6: its title is a row of the list, a note
		{"성명", "퇴사일", "연락처", "비고"},                 // 7: the second header
		{"C", "2025-03-31", "010-3333-3333", "자진"}, // 8
		{"D", "2025-06-30", "010-4444-4444"},       // 9
		{},                                         // 10
		{"합계: 2명"},                                 // 11
	}, now)
	if err != nil {
		t.Fatalf("ParseRoster: %v", err)
	}
	want := Roster{
		Employees: []Employee{
			{Phone: "+821011111111", Name: "A", Department: "인사팀", Row: 3},
			{Phone: "+821022222222", Name: "B", Department: "개발팀", Row: 4},
		},
		Rows:     3,
		Problems: []Problem{{Row: 6, Code: ProblemMissingPhone}, {Row: 7, LastRow: 11, Code: ProblemSecondTable}},
	}
	if diff := cmp.Diff(want, got, ignoreReason); diff != "" {
		t.Errorf("ParseRoster (-want +got):\n%s", diff)
	}
	if r := got.Problems[1].Reason; !strings.Contains(r, "7") || !strings.Contains(r, "11") {
		t.Errorf("reason %q does not give the rows 7 to 11", r)
	}
}

// TestNotASecondTable: rows that only mention a header word are data.
func TestNotASecondTable(t *testing.T) {
	t.Parallel()
	got, err := ParseRoster([][]string{
		{"이름", "휴대전화", "직책"},
		{"연락처", "010-1111-1111", "HP"}, // a phone number: an employee's row
		{"B", "010-2222-2222", "사원"},
	}, now)
	if err != nil || len(got.Employees) != 2 || len(got.Problems) != 0 {
		t.Errorf("ParseRoster = %+v, %v; want two employees", got, err)
	}
}

// TestReadHeader: the header row, each field read with its column and
// header text (every status and leave-date column), the columns ignored,
// ParseRoster's errors.
func TestReadHeader(t *testing.T) {
	t.Parallel()
	rows := [][]string{
		{"2026 임직원 명단"},
		{},
		{"성명", "부서", " 휴대폰 번호 ", "사내전화", "재직여부", "퇴사일", "비고", "재직상태"},
		{"가", "인사팀", "010-0000-0001", "02-000-0000", "Y", "", "", "재직"},
	}
	got, err := ReadHeader(rows)
	if err != nil {
		t.Fatal(err)
	}
	want := Header{Row: 3, Columns: []Column{
		{FieldPhone, "C", "휴대폰 번호"},
		{FieldName, "A", "성명"},
		{FieldDepartment, "B", "부서"},
		{FieldStatus, "E", "재직여부"},
		{FieldStatus, "H", "재직상태"},
		{FieldLeaveDate, "F", "퇴사일"},
	}, Ignored: []string{"사내전화", "비고"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadHeader (-want +got):\n%s", diff)
	}
	if _, err := ReadHeader([][]string{{"이름", "부서"}}); !errors.Is(err, ErrNoPhoneColumn) {
		t.Errorf("ReadHeader without a phone header = %v, want ErrNoPhoneColumn", err)
	}
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 701: "ZZ", 702: "AAA"} {
		if got := columnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}

package roster

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

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
		FieldStatus: {"재직상태", "재직여부", "재직구분", "근무상태", "고용상태", "상태", "status", "Employment Status",
			"퇴사여부", "퇴직여부", "재직여부\u200b", "\ufeff재직여부", "재직\u00a0여부", "ＳＴＡＴＵＳ"},
		FieldLeaveDate: {"퇴사일", "퇴사일자", "퇴사날짜", "퇴사예정일", "퇴직일", "퇴직일자", "퇴직날짜", "퇴직예정일",
			"termination date", "End Date", "퇴사(예정)일", "퇴사 날짜", "\u1110\u116C\u1109\u1161\u110B\u1175\u11AF"},
	}
	for field, headers := range tests {
		for _, h := range headers {
			t.Run(h, func(t *testing.T) {
				t.Parallel()
				labels := []string{"x", h}
				if field != FieldPhone {
					labels = append(labels, "휴대전화")
				}
				cols, _, err := findColumns(labels, 1)
				if err != nil {
					t.Fatalf("header %q: %v", h, err)
				}
				if i := cols.index(field); i != 1 {
					t.Errorf("header %q: columns %+v, want field %d at column 1", h, cols, field)
				}
			})
		}
	}
	// Brackets fold away, their content does not.
	if _, ok := aliasOf("퇴사일자(비고)"); ok {
		t.Error("an unknown header matched an alias")
	}
}

// TestUnreadableLeavingHeaderFailsTheSync: a column about leaving or
// employment that rollcall cannot read would keep every leaver in it, so
// the sheet is refused, naming the column, instead of being read without it.
func TestUnreadableLeavingHeaderFailsTheSync(t *testing.T) {
	t.Parallel()
	for _, header := range []string{"퇴사구분", "퇴직사유", "재직현황", "근무상태(비고)", "고용상태 확인", "퇴사여부(Y/N)", "최종 퇴사 처리"} {
		t.Run(header, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRoster([][]string{
				{"2026 명단"},
				{"이름", "휴대전화", "부서", header},
				{"A", "010-1234-5678", "인사팀", "퇴사"},
			}, now)
			if !errors.Is(err, ErrUnreadableStatusColumn) {
				t.Fatalf("ParseRoster error = %v, want ErrUnreadableStatusColumn", err)
			}
			if se, ok := errors.AsType[*SheetError](err); !ok || se.Row != 2 {
				t.Errorf("error %v: want it at row 2", err)
			}
			if !strings.Contains(err.Error(), header) || !strings.Contains(err.Error(), "column 4") {
				t.Errorf("error %q does not name the column %q (column 4)", err, header)
			}
			if len(got.Employees) != 0 || len(got.Problems) != 1 || got.Problems[0].Code != ProblemUnreadableStatusColumn ||
				got.Problems[0].Row != 2 || strings.Contains(got.Problems[0].Reason, header) {
				t.Errorf("roster %+v: want no employee and one %s problem at row 2 that names the column by number",
					got, ProblemUnreadableStatusColumn)
			}
		})
	}
	// Words that only look alike are other columns.
	for _, header := range []string{"입사일", "비고", "재택근무", "상태메모"} {
		if _, err := ParseRoster([][]string{{"휴대전화", header}, {"010-1234-5678", "x"}}, now); err != nil {
			t.Errorf("header %q: %v", header, err)
		}
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

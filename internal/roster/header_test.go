package roster

import (
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

package roster

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadHeader: the header row, each field read with its column and
// header text (every status and leave-date column), ParseRoster's errors.
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
	}}
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

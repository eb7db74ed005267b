package roster

import (
	"testing"
)

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

package roster

import (
	"testing"
)

// statusOutcome parses one row under header and says what became of it:
// "employee", "left", or the code of its problem.
func statusOutcome(t *testing.T, header, status string) string {
	t.Helper()
	got, err := ParseRoster([][]string{{"휴대전화", header}, {"010-1234-5678", status}}, now)
	if err != nil {
		t.Fatalf("ParseRoster(%q under %q): %v", status, header, err)
	}
	switch {
	case len(got.Employees) == 1 && got.Left == 0 && len(got.Problems) == 0:
		return "employee"
	case len(got.Employees) == 0 && got.Left == 1 && len(got.Problems) == 0:
		return "left"
	case len(got.Employees) == 0 && got.Left == 0 && len(got.Problems) == 1:
		if got.Problems[0].Reason == "" || got.Problems[0].Row != 2 {
			t.Errorf("status %q: problem %+v without a reason or at the wrong row", status, got.Problems[0])
		}
		return got.Problems[0].Code
	}
	t.Fatalf("status %q under %q: roster %+v", status, header, got)
	return ""
}

// TestStatusWords holds the status column to CONTRACT.md section 4's word
// lists, under a plain status header.
func TestStatusWords(t *testing.T) {
	t.Parallel()
	decomposed := "\u1110\u116C\u1109\u1161" // 퇴사 in conjoining jamo, as macOS may write it
	left := []string{"퇴사", "퇴직", "퇴사자", "퇴직자", "퇴사처리", "퇴직처리", "정년퇴직", "명예퇴직", "권고사직",
		"사직", "해고", "면직", "계약만료", "계약종료", "left", "Resigned", "TERMINATED", " inactive ", "retired",
		"Former", "퇴 사", "퇴사.", "퇴사 .", "(퇴사)", "[퇴사]", "（퇴사）", "【퇴사】", "퇴사(2025.3.1)", "퇴사 [자진]",
		"퇴사（전출）", "퇴사()", "퇴\u200b사", "\ufeff퇴사", "퇴사\u200b", decomposed, "ｌｅｆｔ", "퇴사\u00a0"}
	employed := []string{"", " ", "재직", "재직중", "근무", "근무중", "정규직", "계약직", "인턴", "수습", "파견", "촉탁",
		"임원", "휴직", "육아휴직", "병가", "출산휴가", "퇴사예정", "퇴사(예정)", "퇴사 예정", "퇴사 예정.", "active",
		"Employed", "재직(파견)", "휴직(육아)", "재직.", "(재직)", "재직\u200b"}
	unknown := []string{"-", "?", "N", "Y", "X", "O", "FALSE", "TRUE", "아니오", "예", "퇴사(", "퇴사)", "미정",
		"퇴직예정", "=IF(A2=\"\",\"\",\"퇴사\")", "퇴사 재직", "2025-12-31"}
	for _, tt := range []struct {
		statuses []string
		want     string
	}{{left, "left"}, {employed, "employee"}, {unknown, ProblemUnknownStatus}} {
		for _, status := range tt.statuses {
			for _, header := range []string{"재직상태", "상태", "Status", "근무상태", "고용상태", "재직구분"} {
				if got := statusOutcome(t, header, status); got != tt.want {
					t.Errorf("status %q under %q: %s, want %s", status, header, got, tt.want)
				}
			}
		}
	}
}

// TestYesNoStatus reads yes and no by the header's meaning: 재직여부 asks
// "employed?", 퇴사여부 and 퇴직여부 ask "left?".
func TestYesNoStatus(t *testing.T) {
	t.Parallel()
	yes := []string{"Y", "y", "O", "YES", "Yes", "TRUE", "true", "예", "네", "Y.", "(Y)", "Ｙ", "Y\u200b"}
	no := []string{"N", "n", "X", "x", "NO", "No", "FALSE", "False", "아니오", "아니요", "N.", "[N]", "Ｎ"}
	tests := []struct {
		header       string
		yesIs, noIs  string
		alsoLeft     []string
		alsoEmployed []string
	}{
		{"재직여부", "employee", "left", []string{"미재직", "퇴사"}, []string{"재직", "", "휴직"}},
		{"재직 여부", "employee", "left", []string{"미재직"}, nil},
		{"재직여부\u200b", "employee", "left", nil, nil},
		{"퇴사여부", "left", "employee", []string{"퇴사"}, []string{"재직", ""}},
		{"퇴직여부", "left", "employee", []string{"퇴직"}, []string{"재직"}},
	}
	for _, tt := range tests {
		for _, s := range yes {
			if got := statusOutcome(t, tt.header, s); got != tt.yesIs {
				t.Errorf("%q under %q: %s, want %s", s, tt.header, got, tt.yesIs)
			}
		}
		for _, s := range no {
			if got := statusOutcome(t, tt.header, s); got != tt.noIs {
				t.Errorf("%q under %q: %s, want %s", s, tt.header, got, tt.noIs)
			}
		}
		for _, s := range tt.alsoLeft {
			if got := statusOutcome(t, tt.header, s); got != "left" {
				t.Errorf("%q under %q: %s, want left", s, tt.header, got)
			}
		}
		for _, s := range tt.alsoEmployed {
			if got := statusOutcome(t, tt.header, s); got != "employee" {
				t.Errorf("%q under %q: %s, want employee", s, tt.header, got)
			}
		}
	}
	// 미재직 answers 재직여부 only; under 퇴사여부 it is no yes or no.
	if got := statusOutcome(t, "퇴사여부", "미재직"); got != ProblemUnknownStatus {
		t.Errorf("미재직 under 퇴사여부: %s, want %s", got, ProblemUnknownStatus)
	}
}

// TestUnknownStatusIsNotAnEmployee: a sheet whose statuses rollcall cannot
// read keeps nobody, says so row by row, and keeps counting rows.
func TestUnknownStatusIsNotAnEmployee(t *testing.T) {
	t.Parallel()
	got, err := ParseRoster([][]string{
		{"이름", "휴대전화", "재직여부"},
		{"A", "010-1111-1111", "재직"},
		{"B", "010-2222-2222", "N"},
		{"C", "010-3333-3333", "휴가"},
		{"D", "010-4444-4444", "Y"},
	}, now)
	if err != nil {
		t.Fatalf("ParseRoster: %v", err)
	}
	if e, p := rowsOf(got); len(e) != 2 || e[0] != 2 || e[1] != 5 || len(p) != 1 || p[0] != 4 {
		t.Errorf("employees at rows %v, problems at rows %v; want [2 5], [4]", e, p)
	}
	if got.Rows != 4 || got.Left != 1 || got.Problems[0].Code != ProblemUnknownStatus {
		t.Errorf("roster %+v: want 4 rows, 1 left, one unknown_status", got)
	}
}

package roster

import (
	"testing"
	"time"
)

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
		{"9999-12-31", "employee"},          // "no end date", as some HR systems export it
		{"1900-01-00", ProblemBadLeaveDate}, // Excel's day 0: no day at all
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

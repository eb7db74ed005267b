package config

import (
	"strings"
	"testing"
)

func TestLoadFeedbackTab(t *testing.T) {
	t.Parallel()
	const sheetURL = "https://docs.google.com/spreadsheets/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/edit#gid=0"
	tests := []struct {
		name    string
		vars    map[string]string
		want    string // the loaded tab, when no problem
		wantErr string // in the error, "" for none
	}{
		{"unset", map[string]string{"ROLLCALL_SOURCE": sheetURL}, "", ""},
		{"a Google Sheet", map[string]string{"ROLLCALL_SOURCE": sheetURL, "ROLLCALL_FEEDBACK_TAB": " 동기화 결과 "}, "동기화 결과", ""},
		{"a CSV file", map[string]string{"ROLLCALL_SOURCE": "staff.csv", "ROLLCALL_FEEDBACK_TAB": "결과"},
			"", "ROLLCALL_FEEDBACK_TAB: a feedback tab needs a Google Sheets source; ROLLCALL_SOURCE is a csv file"},
		{"the roster's own tab", map[string]string{"ROLLCALL_SOURCE": sheetURL, "ROLLCALL_SHEET_RANGE": "'직원 목록'!A:Z", "ROLLCALL_FEEDBACK_TAB": "직원 목록"},
			"", "ROLLCALL_FEEDBACK_TAB: \"직원 목록\" is the tab ROLLCALL_SHEET_RANGE reads"},
		{"the roster's own tab, quoted with a bang", map[string]string{"ROLLCALL_SOURCE": sheetURL, "ROLLCALL_SHEET_RANGE": "'직원!목록'", "ROLLCALL_FEEDBACK_TAB": "직원!목록"},
			"", "ROLLCALL_FEEDBACK_TAB: \"직원!목록\" is the tab ROLLCALL_SHEET_RANGE reads"},
		{"the roster's own tab, unquoted", map[string]string{"ROLLCALL_SOURCE": sheetURL, "ROLLCALL_SHEET_RANGE": "직원목록", "ROLLCALL_FEEDBACK_TAB": "직원목록"},
			"", "ROLLCALL_FEEDBACK_TAB: \"직원목록\" is the tab ROLLCALL_SHEET_RANGE reads"},
		{"another tab whose name is in the range's", map[string]string{"ROLLCALL_SOURCE": sheetURL, "ROLLCALL_SHEET_RANGE": "'결과!직원'!A:Z", "ROLLCALL_FEEDBACK_TAB": "직원"},
			"직원", ""},
		{"too long", map[string]string{"ROLLCALL_SOURCE": sheetURL, "ROLLCALL_FEEDBACK_TAB": strings.Repeat("결", 101)},
			"", "ROLLCALL_FEEDBACK_TAB: a tab name is at most 100 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(env(tt.vars))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("Load: %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || c.Source.FeedbackTab != tt.want {
				t.Errorf("Load: tab %q, %v; want %q", c.Source.FeedbackTab, err, tt.want)
			}
		})
	}
}

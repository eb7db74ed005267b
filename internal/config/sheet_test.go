package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const sheetID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"

func TestParseSheet(t *testing.T) {
	t.Parallel()
	base := "https://docs.google.com/spreadsheets/d/" + sheetID
	tests := []struct {
		in   string
		want SheetRef
	}{
		{base + "/edit#gid=0", SheetRef{SpreadsheetID: sheetID, GID: 0, HasGID: true}},
		{base + "/edit#gid=1386834576", SheetRef{SpreadsheetID: sheetID, GID: 1386834576, HasGID: true}},
		{base + "/edit?gid=123#gid=123", SheetRef{SpreadsheetID: sheetID, GID: 123, HasGID: true}},
		{base + "/edit?gid=1#gid=2", SheetRef{SpreadsheetID: sheetID, GID: 2, HasGID: true}},
		{base + "/edit?gid=9", SheetRef{SpreadsheetID: sheetID, GID: 9, HasGID: true}},
		{base + "/edit#gid=5&range=A1:C3", SheetRef{SpreadsheetID: sheetID, GID: 5, HasGID: true}},
		{"https://docs.google.com/spreadsheets/u/0/d/" + sheetID + "/edit#gid=7", SheetRef{SpreadsheetID: sheetID, GID: 7, HasGID: true}},
		{"https://docs.google.com/spreadsheets/u/1/d/" + sheetID + "/", SheetRef{SpreadsheetID: sheetID}},
		{"https://docs.google.com/a/example.co.kr/spreadsheets/d/" + sheetID + "/edit", SheetRef{SpreadsheetID: sheetID}},
		{base, SheetRef{SpreadsheetID: sheetID}},
		{base + "/", SheetRef{SpreadsheetID: sheetID}},
		{base + "/edit", SheetRef{SpreadsheetID: sheetID}},
		{base + "/edit?usp=sharing", SheetRef{SpreadsheetID: sheetID}},
		{base + "/edit?usp=drive_link&ouid=1049&rtpof=true&sd=true", SheetRef{SpreadsheetID: sheetID}},
		{base + "/htmlview", SheetRef{SpreadsheetID: sheetID}},
		{"http://docs.google.com/spreadsheets/d/" + sheetID + "/edit#gid=0", SheetRef{SpreadsheetID: sheetID, HasGID: true}},
		{"DOCS.google.com/spreadsheets/d/" + sheetID + "/edit#gid=3", SheetRef{SpreadsheetID: sheetID, GID: 3, HasGID: true}},
		{"  " + base + "/edit#gid=0\n", SheetRef{SpreadsheetID: sheetID, HasGID: true}},
		{sheetID, SheetRef{SpreadsheetID: sheetID}},
		{" " + sheetID + " ", SheetRef{SpreadsheetID: sheetID}},
		{"0AqSs84LBQ21-dFZfblMwUlBPOVpPUUpTY0dGNEhUN0E", SheetRef{SpreadsheetID: "0AqSs84LBQ21-dFZfblMwUlBPOVpPUUpTY0dGNEhUN0E"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			c, err := Load(env(map[string]string{"ROLLCALL_SOURCE": tt.in}))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if diff := cmp.Diff(tt.want, c.Source.Sheet); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSheetRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, wantInMessage string
	}{
		{"https://example.com/spreadsheets/d/" + sheetID + "/edit", "not docs.google.com"},
		{"https://docs.google.com.evil.example/spreadsheets/d/" + sheetID, "not docs.google.com"},
		{"ftp://docs.google.com/spreadsheets/d/" + sheetID, "scheme"},
		{"https://docs.google.com/document/d/" + sheetID + "/edit", "/spreadsheets/"},
		{"https://docs.google.com/spreadsheets/", "/d/"},
		{"https://docs.google.com/spreadsheets/d/", "/d/"},
		{"https://docs.google.com/spreadsheets/d/e/2PACX-1vQ/pubhtml", "published"},
		{"https://docs.google.com/spreadsheets/d/" + sheetID + "/edit#gid=abc", "gid"},
		{"https://docs.google.com/spreadsheets/d/" + sheetID + "/edit#gid=-1", "gid"},
		{"https://docs.google.com/spreadsheets/d/" + sheetID + "/edit#gid=", "gid"},
		{"https://docs.google.com/spreadsheets/d/bad.id/edit", "letters, digits"},
		{"https://docs.google.com/spreadsheets/d/" + strings.Repeat("a", 129), "characters long"},
		{"short", "neither a Google Sheets URL or spreadsheet id"},
		{"employees", "neither a Google Sheets URL or spreadsheet id"},
		{sheetID + "!", "neither a Google Sheets URL or spreadsheet id"},
		{"직원목록직원목록직원목록직원목록직원목록직원목록", "neither a Google Sheets URL or spreadsheet id"},
		{"%zz://docs.google.com", "cannot be parsed"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			_, err := Load(env(map[string]string{"ROLLCALL_SOURCE": tt.in}))
			if err == nil || !strings.Contains(err.Error(), "ROLLCALL_SOURCE: ") {
				t.Fatalf("Load: %v; want an error naming ROLLCALL_SOURCE", err)
			}
			if !strings.Contains(err.Error(), tt.wantInMessage) {
				t.Errorf("error %q does not say %q", err, tt.wantInMessage)
			}
		})
	}
}

// TestIsSheet: what ROLLCALL_SOURCE reads as a Google Sheet, rather than a
// file, even when it then says what is wrong with it.
func TestIsSheet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"https://docs.google.com/spreadsheets/d/" + sheetID + "/edit#gid=0", true},
		{"docs.google.com/spreadsheets/d/" + sheetID, true},
		{sheetID, true},
		{"https://example.com/not-a-sheet", true}, // meant as a sheet; parseSheet says what is wrong
		{"examples/employees.csv", false},
		{"employees.csv", false},
		{"./hr/Employees.XLSX", false},
		{`C:\hr\list.xlsx`, false},
		{"https://example.com/export.csv", false},
		{"employees", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			c, err := Load(env(map[string]string{"ROLLCALL_SOURCE": tt.in}))
			got := c.Source.Kind == SourceSheets
			if err != nil {
				got = !strings.Contains(err.Error(), "neither")
			}
			if got != tt.want {
				t.Errorf("ROLLCALL_SOURCE=%q read as a sheet: %v (%v), want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

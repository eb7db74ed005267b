package main

// Issue 19's status and layout findings, end to end: HR's sheets shaped as
// the issue found them, synced by `rollcall sync` into the bolt store, asked
// by `rollcall check`.

import (
	"slices"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/sheets/sheetstest"
)

// 홍길동's row of the example sheet, up to his status.
const hongRow = "홍길동,인사팀,대리,010-1234-5678,gildong.hong@example.com,"

// TestSyncStatusFailsClosed: a leaver's status that rollcall cannot read,
// or reads only by its header's meaning, never keeps them verified.
func TestSyncStatusFailsClosed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		edit      func(string) string
		wantCode  string // the problem 홍길동's row 4 gets, if any
		wantError bool   // the sync fails, nothing changed
	}{
		{"N under 재직여부", func(s string) string { return strings.Replace(s, hongRow+"재직,", hongRow+"N,", 1) }, "", false},
		{"FALSE (a checkbox) under 재직여부", func(s string) string { return strings.Replace(s, hongRow+"재직,", hongRow+"FALSE,", 1) }, "", false},
		{"[퇴사]", func(s string) string { return strings.Replace(s, hongRow+"재직,", hongRow+"[퇴사],", 1) }, "", false},
		{"퇴사 with a zero-width space", func(s string) string {
			return strings.Replace(s, hongRow+"재직,", hongRow+"퇴\u200b사,", 1)
		}, "", false},
		{"퇴사 in decomposed Hangul", func(s string) string {
			return strings.Replace(s, hongRow+"재직,", hongRow+"\u1110\u116c\u1109\u1161,", 1)
		}, "", false},
		{"a status no list holds", func(s string) string { return strings.Replace(s, hongRow+"재직,", hongRow+"휴가,", 1) },
			roster.ProblemUnknownStatus, false},
		{"Y under 퇴사여부", func(s string) string {
			s = strings.Replace(s, ",재직여부,", ",퇴사여부,", 1)
			for _, w := range []string{"재직,", "육아휴직,", "퇴사예정,"} {
				s = strings.ReplaceAll(s, ","+w, ",N,")
			}
			return strings.Replace(s, hongRow+"N,", hongRow+"Y,", 1)
		}, "", false},
		{"Y under 퇴사여부 written with a zero-width space", func(s string) string {
			s = strings.Replace(s, ",재직여부,", ",퇴사\u200b여부,", 1)
			return strings.Replace(s, hongRow+"재직,", hongRow+"Y,", 1)
		}, "", false},
		{"a leave date under 퇴사날짜", func(s string) string {
			s = strings.Replace(s, ",퇴사일\r\n", ",퇴사날짜\r\n", 1)
			return strings.Replace(s, hongRow+"재직,", hongRow+"재직,2026-01-01", 1)
		}, "", false},
		{"a column about leaving rollcall cannot read", func(s string) string {
			return strings.Replace(s, ",재직여부,", ",퇴사구분,", 1)
		}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			if code, r := syncJSON(t, e); code != 0 || r.Added != 10 {
				t.Fatalf("first sync: exit %d, report %+v; want 10 added", code, r)
			}
			e.rewriteSheet(t, tt.edit)
			code, r := syncJSON(t, e)
			if tt.wantError {
				if code != 1 || r.Deleted != 0 || !strings.Contains(r.Error, "퇴사구분") || !strings.Contains(r.Error, "column 6") {
					t.Errorf("sync: exit %d, report %+v; want exit 1 naming column 6 (퇴사구분), nothing deleted", code, r)
				}
				if !e.isEmployee(t, "010-1234-5678") {
					t.Error("a failed sync deleted an employee")
				}
				return
			}
			if code != 0 || r.Deleted != 1 {
				t.Errorf("sync: exit %d, report %+v; want 홍길동 deleted", code, r)
			}
			codes := map[int]string{}
			for _, p := range r.Problems {
				codes[p.Row] = p.Code
			}
			if codes[4] != tt.wantCode {
				t.Errorf("problems %+v: row 4 has %q, want %q", r.Problems, codes[4], tt.wantCode)
			}
			if e.isEmployee(t, "010-1234-5678") {
				t.Error("홍길동 has left but is still an employee")
			}
			if !e.isEmployee(t, "010-0000-0002") {
				t.Error("김하늘, employed, is no longer an employee")
			}
			if slices.Contains(r.IgnoredColumns, "퇴사날짜") {
				t.Errorf("ignored columns %q", r.IgnoredColumns)
			}
		})
	}
}

// TestSyncReadsHRsLayout is issue 19's layouts, end to end through the real
// Sheets client: last year's list archived in a hidden tab in front, 퇴사
// merged down over three leavers' rows, and a second table (퇴사자 명단,
// with its own header) below this year's list.
func TestSyncReadsHRsLayout(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	fake := sheetstest.NewServer(t)
	e.vars["ROLLCALL_SOURCE"] = "https://docs.google.com/spreadsheets/d/" + sheetID + "/edit" // no #gid=: the first tab
	e.vars["ROLLCALL_SHEETS_ENDPOINT"] = fake.Endpoint()
	fake.SetSheet(sheetID,
		sheetstest.Tab{ID: 0, Title: "2025 명단(보관)", Hidden: true, Rows: sheetstest.TextRows(
			[]string{"성명", "휴대전화", "재직여부"},
			[]string{"작년퇴사", "010-9000-0001", "재직"},
		)},
		sheetstest.Tab{ID: staffGID, Title: "2026 명단", Rows: sheetstest.TextRows(
			[]string{"2026년 임직원 명단"},                       // 1
			[]string{"성명", "부서", "휴대전화", "재직여부"},           // 2
			[]string{"홍길동", "인사팀", "010-1234-5678", "재직"},  // 3
			[]string{"김퇴사", "개발팀", "010-2000-0001", "퇴사"},  // 4: 퇴사 merged D4:D6
			[]string{"이퇴사", "개발팀", "010-2000-0002"},        // 5
			[]string{"박퇴사", "개발팀", "010-2000-0003"},        // 6
			[]string{"올해입사", "영업팀", "010-3000-0001", "재직"}, // 7
			[]string{},         // 8
			[]string{"퇴사자 명단"}, // 9
			[]string{"성명", "부서", "휴대전화", "퇴사일"},                   // 10: a second table
			[]string{"최작년", "총무팀", "010-4000-0001", "2025-12-31"}, // 11
		), Merges: []sheetstest.Merge{{Row: 1, Col: 1, LastRow: 1, LastCol: 4}, {Row: 4, Col: 4, LastRow: 6, LastCol: 4}}},
	)
	code, r := syncJSON(t, e)
	if code != 0 || r.Employees != 2 || r.Left != 3 {
		t.Fatalf("sync: exit %d, report %+v; want 2 employees, 3 left", code, r)
	}
	var second []roster.Problem
	for _, p := range r.Problems {
		if p.Code == roster.ProblemSecondTable {
			second = append(second, p)
		}
	}
	if len(second) != 1 || second[0].Row != 10 || second[0].LastRow != 11 {
		t.Errorf("problems %+v: want one second_table, rows 10 to 11", r.Problems)
	}
	for phone, want := range map[string]bool{
		"010-1234-5678": true,  // this year's list
		"010-3000-0001": true,  // this year's hire
		"010-2000-0001": false, // 퇴사
		"010-2000-0002": false, // under the merged 퇴사
		"010-2000-0003": false, // under the merged 퇴사
		"010-9000-0001": false, // only in the hidden archive
		"010-4000-0001": false, // only in the second table
	} {
		if got := e.isEmployee(t, phone); got != want {
			t.Errorf("check %s: employee=%v, want %v", phone, got, want)
		}
	}
}

package main

// Issue 19's status findings, end to end: HR's example sheet edited as the
// issue found it, synced by `rollcall sync` into the bolt store, asked by
// `rollcall check`.

import (
	"slices"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/roster"
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

package main

// Issue 9's safety cases and acceptance, end to end: HR's sheet as HR
// writes it, read by `rollcall sync` into the bolt store.

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/sheets/sheetstest"
)

// rewriteSheet replaces the example sheet with edit(its text).
func (e *testEnv) rewriteSheet(t *testing.T, edit func(string) string) {
	t.Helper()
	if err := os.WriteFile(e.sheet, []byte(edit(mustRead(t, e.sheet))), 0o600); err != nil {
		t.Fatal(err)
	}
}

// isEmployee asks `rollcall check` about a phone number.
func (e *testEnv) isEmployee(t *testing.T, phone string) bool {
	t.Helper()
	code, out, errOut := e.run(t, "check", phone)
	if code != 0 && code != 1 {
		t.Fatalf("check %s: exit %d %q %q", phone, code, out, errOut)
	}
	return code == 0
}

func TestSyncKeepsEveryoneWhateverTheLineBreaks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(string) string
	}{
		{"a lone CR between two rows", func(s string) string {
			s = strings.ReplaceAll(s, "\r\n", "\n")
			return strings.Replace(s, "재직,\n김하늘", "재직,\r김하늘", 1)
		}},
		{"CR only", func(s string) string { return strings.ReplaceAll(s, "\r\n", "\r") }},
		{"LF only", func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }},
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
			if code != 0 || r.Unchanged != 10 || r.Added+r.Updated+r.Deleted != 0 || r.Rows != 14 {
				t.Errorf("sync after re-saving: exit %d, report %+v; want 14 rows, 10 unchanged, nothing else", code, r)
			}
			for _, phone := range []string{"010-1234-5678", "010-0000-0002", "010-0000-0014"} {
				if !e.isEmployee(t, phone) {
					t.Errorf("%s is no longer an employee", phone)
				}
			}
		})
	}
}

func TestSyncRefusesRowsRunTogether(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	if code, _ := syncJSON(t, e); code != 0 {
		t.Fatalf("first sync exit %d", code)
	}
	// Rows glued by a Unicode line separator cannot be told apart.
	e.rewriteSheet(t, func(s string) string { return strings.Replace(s, "재직,\r\n김하늘", "재직,\u2028김하늘", 1) })
	code, r := syncJSON(t, e, "--force")
	if code != 1 || r.Error == "" || r.Deleted != 0 {
		t.Errorf("sync of a file whose rows run together: exit %d, report %+v; want exit 1, an error, nothing deleted", code, r)
	}
	if !e.isEmployee(t, "010-0000-0002") || !e.isEmployee(t, "010-1234-5678") {
		t.Error("a failed read deleted an employee")
	}
}

func TestSyncReadsTheStatusColumnHRNamed(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	if code, r := syncJSON(t, e); code != 0 || r.Left != 2 {
		t.Fatalf("first sync: exit %d, report %+v; want 2 left", code, r)
	}
	// Row 13 is 퇴사 under 재직여부, row 17 left on 2026-01-31.
	for _, phone := range []string{"010-0000-0009", "010-0000-0013"} {
		if e.isEmployee(t, phone) {
			t.Errorf("%s has left but is an employee", phone)
		}
	}
	e.rewriteSheet(t, func(s string) string {
		return strings.Replace(s, "gildong.hong@example.com,재직,", "gildong.hong@example.com,퇴사,", 1)
	})
	if code, r := syncJSON(t, e); code != 0 || r.Deleted != 1 || r.Left != 3 {
		t.Errorf("sync after marking 홍길동 퇴사: exit %d, report %+v; want 1 deleted, 3 left", code, r)
	}
	if e.isEmployee(t, "010-1234-5678") {
		t.Error("a leaver marked 퇴사 under 재직여부 is still an employee")
	}
}

// TestSyncDryRunReadsHRsGoogleSheet is issue 9's acceptance: a Google Sheet
// with a title row, a two-row merged header, HR's header names, 퇴사 under
// 재직여부, leave dates (yesterday, today, tomorrow, 미정) and phones typed as
// numbers, read through the real Sheets client.
func TestSyncDryRunReadsHRsGoogleSheet(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	fake := sheetstest.NewServer(t)
	e.vars["ROLLCALL_SOURCE"] = sheetURL
	e.vars["ROLLCALL_SHEETS_ENDPOINT"] = fake.Endpoint()

	seoul := time.FixedZone("KST", 9*60*60)
	// The sheet's dates are relative to the day in Seoul; should that day
	// end during the sync, the sync is run again with the new dates.
	for attempt := 0; ; attempt++ {
		day := time.Now().In(seoul)
		shown := func(d time.Time) string { return d.Format("2006. 1. 2") } // Sheets' Korean date display
		fake.SetSheet(sheetID, hrSheet(shown(day.AddDate(0, 0, -1)), shown(day), shown(day.AddDate(0, 0, 1)))...)

		code, r := syncJSON(t, e, "--dry-run")
		if time.Now().In(seoul).YearDay() != day.YearDay() && attempt == 0 {
			continue
		}
		got := counts(r)
		want := reportCounts{
			Rows: 8, Employees: 2, Left: 3, Added: 2,
			ProblemRows:  []int{10, 11, 13},
			ProblemCodes: []string{"bad_leave_date", "invalid_phone", "missing_phone"},
		}
		if code != 0 {
			t.Fatalf("sync --dry-run: exit %d, report %+v", code, r)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
		if !slices.Equal(r.IgnoredColumns, []string{"사내전화"}) {
			t.Errorf("ignored columns %q, want [사내전화]", r.IgnoredColumns)
		}
		if code, _, _ := e.run(t, "check", "010-1234-5678"); code == 0 {
			t.Error("a dry run stored an employee")
		}
		// Applied, the rows the report named are the ones stored.
		if code, r := syncJSON(t, e); code != 0 || r.Added != 2 {
			t.Fatalf("sync: exit %d, report %+v; want 2 added", code, r)
		}
		for phone, want := range map[string]bool{
			"010-1234-5678": true,  // row 5, a number cell shown 1,012,345,678
			"010-2222-3333": false, // row 6, 퇴사
			"010-3333-4444": false, // row 7, left yesterday
			"010-4444-5555": false, // row 8, leaves today
			"010-5555-6666": true,  // row 9, leaves tomorrow
			"010-6666-7777": false, // row 10, 미정: fails closed
		} {
			if got := e.isEmployee(t, phone); got != want {
				t.Errorf("check %s: employee=%v, want %v", phone, got, want)
			}
		}
		return
	}
}

// hrSheet is the acceptance sheet: the employee tab (the URL's gid) after an
// instructions tab.
func hrSheet(yesterday, today, tomorrow string) []sheetstest.Tab {
	T, N := sheetstest.Text, sheetstest.Number
	row := func(name string, phone sheetstest.Cell, status, leave string) []sheetstest.Cell {
		return []sheetstest.Cell{T(name), T("개발팀"), T("사원"), T(""), phone, T(""), T(status), T(leave)}
	}
	rows := [][]sheetstest.Cell{
		{T("2026년 임직원 명단")}, // 1, merged across the table
		{},                  // 2
		{T("성명"), T("소속"), T("직책"), T("연락처"), T(""), T("이메일"), T("재직여부"), T("퇴사일")},                                   // 3
		{T(""), T(""), T(""), T("사내전화"), T("휴대전화")},                                                                   // 4
		{T("홍길동"), T("인사팀"), T("대리"), T("02-123-4567"), N(1012345678, "1,012,345,678"), T("gd@example.com"), T("재직")}, // 5
		row("김철수", N(1022223333, "1022223333"), "퇴사", ""),                                                             // 6
		row("이영희", T("010-3333-4444"), "재직", yesterday),                                                               // 7
		row("박민수", T("010-4444-5555"), "재직", today),                                                                   // 8
		row("최내일", T("010.5555.6666"), "퇴사예정", tomorrow),                                                              // 9
		row("정미정", T("010-6666-7777"), "재직", "미정"),                                                                    // 10
		row("한과학", N(1077778888, "1.07778E+09"), "재직", ""),                                                            // 11
		{},            // 12
		{T("합계: 7명")}, // 13, a total
	}
	merges := []sheetstest.Merge{{Row: 1, Col: 1, LastRow: 1, LastCol: 8}, {Row: 3, Col: 4, LastRow: 3, LastCol: 5}}
	for _, col := range []int{1, 2, 3, 6, 7, 8} {
		merges = append(merges, sheetstest.Merge{Row: 3, Col: col, LastRow: 4, LastCol: col})
	}
	return []sheetstest.Tab{
		{ID: 0, Title: "안내", Rows: sheetstest.TextRows([]string{"직원 명부는 '직원목록' 탭에 있습니다."})},
		{ID: staffGID, Title: staffTitle, Rows: rows, Merges: merges},
	}
}

package main

// Issue 14's acceptance: `rollcall sync` writes each result for HR into
// ROLLCALL_FEEDBACK_TAB of the Google Sheet (the real Sheets client against
// the wire-format fake), into a bolt store.

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/sheets/sheetstest"
)

const feedbackTab = "동기화 결과"

// hrRows are staffRows with row 2's phone unlike the example in the
// invalid-phone reason (010-1234-5678), so that finding a phone in the tab
// means a leak.
func hrRows() [][]string {
	rows := slices.Clone(staffRows)
	rows[0] = slices.Clone(rows[0])
	rows[0][3] = "010-2222-5678"
	return rows
}

// newFeedbackEnv reads the fake Google Sheet into a bolt store, with the
// feedback tab on.
func newFeedbackEnv(t *testing.T) (*testEnv, *sheetstest.Server) {
	t.Helper()
	e := newTestEnv(t)
	fake := sheetstest.NewServer(t)
	fake.SetSheet(sheetID, staffSheet(hrRows())...)
	e.vars["ROLLCALL_SOURCE"] = sheetURL
	e.vars["ROLLCALL_SHEETS_ENDPOINT"] = fake.Endpoint()
	e.vars["ROLLCALL_FEEDBACK_TAB"] = feedbackTab
	return e, fake
}

// tabText is the feedback tab's text, one line per row, cells joined by " | ".
func tabText(t *testing.T, fake *sheetstest.Server) string {
	t.Helper()
	tab, ok := fake.Tab(sheetID, feedbackTab)
	if !ok {
		t.Fatalf("no feedback tab; tabs %q", fake.Titles(sheetID))
	}
	var lines []string
	for _, row := range tab.Rows {
		var cells []string
		for _, c := range row {
			cells = append(cells, c.Formatted)
		}
		if line := strings.TrimRight(strings.Join(cells, " | "), " |"); line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

// feedbackOf is the report's feedback as JSON, for messages and compares.
func feedbackOf(r rostersync.Report) string {
	b, _ := json.Marshal(r.Feedback)
	return string(b)
}

func TestSyncWritesFeedbackForHR(t *testing.T) {
	t.Parallel()
	e, fake := newFeedbackEnv(t)

	// First sync: the tab is created, after HR's tabs, with the outcome,
	// the counts and the problem rows by number.
	code, r := syncJSON(t, e)
	if code != 0 || feedbackOf(r) != `{"written":true}` {
		t.Fatalf("first sync: exit %d, feedback %s; want 0, written", code, feedbackOf(r))
	}
	if diff := cmp.Diff([]string{"안내", staffTitle, feedbackTab}, fake.Titles(sheetID)); diff != "" {
		t.Errorf("tabs (-want +got):\n%s", diff)
	}
	text := tabText(t, fake)
	for _, want := range []string{
		"결과 | 완료", "현재 직원 수 | 5명", "추가 5명, 수정 0명, 삭제 0명", "확인할 행 | 2개",
		"행 | 코드 | 사유", "9 | invalid_phone | ", "10 | duplicate_phone | 3행과 휴대전화 번호가 같습니다",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the tab lacks %q:\n%s", want, text)
		}
	}
	for _, row := range hrRows() {
		for _, cell := range row {
			if len(cell) > 4 && strings.Contains(text, cell) { // names, phones, emails; not 재직
				t.Errorf("the tab shows the sheet's cell %q:\n%s", cell, text)
			}
		}
	}
	format := fake.Format(sheetID, feedbackTab)
	if format.FrozenRowCount == 0 || !format.IsBold(0, 0) || len(format.ColumnWidths) == 0 {
		t.Errorf("format %+v: want frozen rows, a bold title, fitted columns", format)
	}

	// Unchanged: no write at all, so no new revision.
	revisions := fake.Revisions(sheetID)
	code, r = syncJSON(t, e)
	if code != 0 || feedbackOf(r) != `{"written":false,"unchanged":true}` || fake.Revisions(sheetID) != revisions {
		t.Errorf("unchanged sync: exit %d, feedback %s, %d new revisions; want 0, unchanged, none",
			code, feedbackOf(r), fake.Revisions(sheetID)-revisions)
	}

	// HR fixes the office line on row 9: the problem goes, the tab is rewritten.
	fixed := hrRows()
	fixed[7] = []string{"장하린", "총무팀", "사원", "010-0000-0011", "harin.jang@example.com", "재직"}
	fake.SetTab(sheetID, staffSheet(fixed)[1])
	code, r = syncJSON(t, e)
	text = tabText(t, fake)
	if code != 0 || !r.Feedback.Written || fake.Revisions(sheetID) == revisions ||
		strings.Contains(text, "invalid_phone") || !strings.Contains(text, "추가 1명") {
		t.Errorf("sync after a fix: exit %d, feedback %s; tab:\n%s\nwant it rewritten: 1 added, no invalid_phone", code, feedbackOf(r), text)
	}

	// A dry run writes nothing, even one the brake refuses.
	revisions = fake.Revisions(sheetID)
	fake.SetTab(sheetID, staffSheet(hrRows()[:1])[1])
	if code, r = syncJSON(t, e, "--dry-run"); code != 3 || r.Feedback != nil || fake.Revisions(sheetID) != revisions {
		t.Errorf("dry run: exit %d, feedback %s, %d new revisions; want 3 and none", code, feedbackOf(r), fake.Revisions(sheetID)-revisions)
	}

	// The brake refuses deleting 5 of 6: the tab says 거부 and why.
	code, r = syncJSON(t, e)
	text = tabText(t, fake)
	if code != 3 || !r.Feedback.Written || !strings.Contains(text, "결과 | 거부: 삭제 예정 5명: 현재 인원의 83.3%, 한도 20%") ||
		!strings.Contains(text, "현재 직원 수 | 6명") {
		t.Errorf("refused sync: exit %d, feedback %s; tab:\n%s\nwant exit 3 and 거부 with the figures", code, feedbackOf(r), text)
	}

	// HR's tabs never received a write.
	for _, w := range fake.Writes(sheetID) {
		if diff := cmp.Diff([]string{feedbackTab}, w.Tabs); diff != "" {
			t.Errorf("%s wrote outside the feedback tab (-want +got):\n%s", w.Method, diff)
		}
	}
}

func TestSyncFeedbackOnViewerShare(t *testing.T) {
	t.Parallel()
	e, fake := newFeedbackEnv(t)
	fake.ShareAsViewer(sheetID)

	code, out, logs := e.run(t, "sync", "--json")
	var r rostersync.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("sync --json printed %q: %v", out, err)
	}
	if code != 0 || r.Added != 5 || r.Feedback == nil || r.Feedback.Written || r.Feedback.Error == "" {
		t.Errorf("sync as Viewer: exit %d, added %d, feedback %s; want exit 0, 5 added, written false with the error",
			code, r.Added, feedbackOf(r))
	}
	if fix := "as Editor, or unset ROLLCALL_FEEDBACK_TAB"; !strings.Contains(logs, fix) {
		t.Errorf("the log does not say %q:\n%s", fix, logs)
	}
	if fake.Revisions(sheetID) != 0 {
		t.Errorf("%d revisions of a Viewer's spreadsheet", fake.Revisions(sheetID))
	}
	for _, pii := range []string{"홍길동", "010-2222-5678", "gildong.hong@example.com"} {
		if strings.Contains(logs, pii) {
			t.Errorf("the log shows %q", pii)
		}
	}
}

func TestFeedbackTabNeedsGoogleSheets(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t) // a CSV file
	e.vars["ROLLCALL_FEEDBACK_TAB"] = feedbackTab
	code, _, stderr := e.run(t, "sync")
	if code != 2 || !strings.Contains(stderr, "ROLLCALL_FEEDBACK_TAB") {
		t.Errorf("sync with a feedback tab on a CSV source: exit %d, stderr %q; want 2 naming ROLLCALL_FEEDBACK_TAB", code, stderr)
	}
}

// TestSyncFeedbackOnFirestore: the last change shown after an unchanged sync
// comes from Firestore's sync history, so that sync writes nothing.
func TestSyncFeedbackOnFirestore(t *testing.T) {
	t.Parallel()
	g := newGoogleEnv(t)
	g.sheets.SetSheet(sheetID, staffSheet(hrRows())...)
	g.vars["ROLLCALL_FEEDBACK_TAB"] = feedbackTab

	if code, r := syncJSON(t, g.testEnv); code != 0 || feedbackOf(r) != `{"written":true}` {
		t.Fatalf("first sync: exit %d, feedback %s; want written", code, feedbackOf(r))
	}
	first := tabText(t, g.sheets)
	revisions := g.sheets.Revisions(sheetID)
	code, r := syncJSON(t, g.testEnv)
	if code != 0 || feedbackOf(r) != `{"written":false,"unchanged":true}` || g.sheets.Revisions(sheetID) != revisions {
		t.Errorf("unchanged sync: exit %d, feedback %s, %d new revisions; want unchanged, none",
			code, feedbackOf(r), g.sheets.Revisions(sheetID)-revisions)
	}
	if got := tabText(t, g.sheets); got != first || !strings.Contains(got, "추가 5명") {
		t.Errorf("the tab after an unchanged sync:\n%s\nwant as before, with the first sync's 추가 5명", got)
	}
}

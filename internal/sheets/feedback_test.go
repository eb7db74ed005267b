package sheets_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/sheets"
	"github.com/rollcall/rollcall/internal/sheets/sheetstest"
)

const (
	feedbackTab = "rollcall 결과"
	account     = "rollcall-sync@example-project.iam.gserviceaccount.com"
)

// newFeedback returns the writer of feedbackTab in f's spreadsheet.
func newFeedback(t *testing.T, f *sheetstest.Server) *sheets.Feedback {
	t.Helper()
	opts := fast(f)
	opts.FeedbackTab, opts.Account = feedbackTab, account
	fb := newSource(t, sheets.Ref{SpreadsheetID: sheetID}, "", opts).Feedback()
	if fb == nil {
		t.Fatal("Feedback() = nil with a FeedbackTab")
	}
	return fb
}

// doneRun is a done sync at the given minute of 2026-12-04 08:00 UTC
// (17:00 in Seoul) that added added employees and found two problem rows.
func doneRun(minute, added int) rostersync.FeedbackRun {
	r := rostersync.Report{
		Rows: 7, Employees: 5, Added: added, Unchanged: 5 - added,
		StartedAt:  time.Date(2026, 12, 4, 8, minute, 0, 0, time.UTC),
		DurationMS: 1500,
		Problems: []roster.Problem{
			{Row: 10, Code: roster.ProblemDuplicatePhone, Reason: "3행과 휴대전화 번호가 같습니다. 먼저 나온 3행만 반영했습니다."},
			{Row: 9, Code: roster.ProblemInvalidPhone, Reason: "휴대전화 번호로 읽을 수 없습니다. 010-1234-5678 처럼 적어 주세요."},
		},
	}
	run := rostersync.FeedbackRun{Report: r, MaxDeletePercent: 20, Employees: 5}
	if added > 0 {
		run.LastChange = &r
	}
	return run
}

// shown returns the tab's text as HR sees it.
func shown(t *testing.T, f *sheetstest.Server, title string) [][]string {
	t.Helper()
	tab, ok := f.Tab(sheetID, title)
	if !ok {
		t.Fatalf("no tab %q; tabs: %q", title, f.Titles(sheetID))
	}
	// As values.get answers: trailing empty cells and rows left out.
	var rows [][]string
	for _, r := range tab.Rows {
		var row []string
		for _, c := range r {
			row = append(row, c.Formatted)
		}
		for len(row) > 0 && row[len(row)-1] == "" {
			row = row[:len(row)-1]
		}
		rows = append(rows, row)
	}
	for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
		rows = rows[:len(rows)-1]
	}
	return rows
}

func TestFeedbackCreatesTabOnceAndRewritesOnlyChanges(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	fb := newFeedback(t, f)
	ctx := context.Background()

	written, err := fb.Write(ctx, doneRun(0, 5))
	if err != nil || !written {
		t.Fatalf("first Write = %v, %v; want written", written, err)
	}
	want := [][]string{
		{"직원 명단 동기화 결과 (rollcall)"},
		{"기준 시각", "2026-12-04 17:00 (한국 시간)"},
		{"결과", "완료"},
		{"현재 직원 수", "5명"},
		{"마지막 변경", "2026-12-04 17:00 (한국 시간): 추가 5명, 수정 0명, 삭제 0명"},
		{"확인할 행", "2개: 아래 표의 행을 고쳐 주세요. 고친 결과는 다음 동기화 때 반영됩니다."},
		nil,
		{"행", "코드", "사유"},
		{"9", "invalid_phone", "휴대전화 번호로 읽을 수 없습니다. 010-1234-5678 처럼 적어 주세요."},
		{"10", "duplicate_phone", "3행과 휴대전화 번호가 같습니다. 먼저 나온 3행만 반영했습니다."},
	}
	if diff := cmp.Diff(want, shown(t, f, feedbackTab)); diff != "" {
		t.Errorf("the tab (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"안내", "직원 목록", "HR's copy", feedbackTab}, f.Titles(sheetID)); diff != "" {
		t.Errorf("tabs (-want +got):\n%s", diff)
	}
	format := f.Format(sheetID, feedbackTab)
	if format.FrozenRowCount != 8 || !format.IsBold(0, 0) || !format.IsBold(7, 2) || format.IsBold(8, 0) {
		t.Errorf("format %+v: want 8 frozen rows, a bold title and header, plain problem rows", format)
	}
	if w := format.ColumnWidths; len(w) != 3 || w[2] <= w[1] || w[0] < 60 {
		t.Errorf("column widths %v: want A to C fitted, the reasons widest", w)
	}
	revisions := f.Revisions(sheetID)
	for _, w := range f.Writes(sheetID) {
		if diff := cmp.Diff([]string{feedbackTab}, w.Tabs); diff != "" {
			t.Errorf("%s touched other tabs (-want +got):\n%s", w.Method, diff)
		}
	}

	// The next syncs change nothing: no write, "기준 시각" stays.
	for minute := 15; minute <= 30; minute += 15 {
		run := doneRun(minute, 0)
		run.LastChange = doneRun(0, 5).LastChange // from the history
		written, err = fb.Write(ctx, run)
		if err != nil || written {
			t.Errorf("unchanged Write at minute %d = %v, %v; want not written", minute, written, err)
		}
	}
	if got := f.Revisions(sheetID); got != revisions {
		t.Errorf("unchanged syncs made %d new revisions, want 0", got-revisions)
	}

	// HR fixes row 9: the tab is rewritten, since the new time.
	run := doneRun(45, 0)
	run.LastChange = doneRun(0, 5).LastChange
	run.Report.Problems = run.Report.Problems[:1]
	if written, err = fb.Write(ctx, run); err != nil || !written {
		t.Fatalf("Write after a fix = %v, %v; want written", written, err)
	}
	got := shown(t, f, feedbackTab)
	if got[1][1] != "2026-12-04 17:45 (한국 시간)" || len(got) != 9 || got[8][0] != "10" {
		t.Errorf("tab after a fix:\n%q\nwant since 17:45 and only row 10 listed", got)
	}
}

// TestFeedbackKeepsLastChangeTheHistoryForgot: once the last change has
// left the store's history, the tab's own line stands, unrewritten.
func TestFeedbackKeepsLastChangeTheHistoryForgot(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	fb := newFeedback(t, f)
	ctx := context.Background()
	if _, err := fb.Write(ctx, doneRun(0, 5)); err != nil {
		t.Fatal(err)
	}
	before := f.Revisions(sheetID)
	if written, err := fb.Write(ctx, doneRun(30, 0)); err != nil || written {
		t.Errorf("Write without a last change = %v, %v; want the tab kept", written, err)
	}
	if got := f.Revisions(sheetID); got != before {
		t.Errorf("%d new revisions, want 0", got-before)
	}
}

func TestFeedbackOutcomes(t *testing.T) {
	t.Parallel()
	refused := doneRun(0, 0)
	refused.Report.Refused = true
	refused.Report.Deleted, refused.Report.Unchanged = 34, 102
	refused.Err = rostersync.ErrRefused
	noHeader := doneRun(0, 0)
	noHeader.Err = fmt.Errorf("%w: %w", rostersync.ErrRead, roster.ErrNoHeader)
	noPhone := doneRun(0, 0)
	noPhone.Err = fmt.Errorf("%w: %w", rostersync.ErrRead, &roster.SheetError{Row: 1, Err: roster.ErrNoPhoneColumn})
	storeDown := doneRun(0, 0)
	storeDown.Err = errors.New("apply the sync: firestore: unavailable")
	storeDown.Report.Error = storeDown.Err.Error()
	cutShort := storeDown
	cutShort.Report.Landed = rostersync.LandedPart
	notRecorded := storeDown
	notRecorded.Report.Landed = rostersync.LandedAll
	tests := []struct {
		name string
		run  rostersync.FeedbackRun
		want string
	}{
		{"refused by the brake", refused, "거부: 삭제 예정 34명: 현재 인원의 25%, 한도 20%."},
		{"empty sheet", noHeader, "실패: 시트가 비어 있습니다."},
		{"no phone column", noPhone, "실패: 시트를 직원 명단으로 읽지 못했습니다. 머리글 행에 '휴대전화' 열이 있는지"},
		{"the store failed", storeDown, "실패: rollcall이 명단을 저장하지 못했습니다(시트의 문제가 아닙니다). 명단은 바뀌지 않았습니다."},
		{"the apply was cut short", cutShort, "실패: 명단의 변경 중 일부만 저장되었을 수 있습니다"},
		{"the run was not recorded", notRecorded, "실패: 명단은 시트대로 저장되었지만"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			if written, err := newFeedback(t, f).Write(context.Background(), tt.run); err != nil || !written {
				t.Fatalf("Write = %v, %v", written, err)
			}
			got := shown(t, f, feedbackTab)[2]
			if got[0] != "결과" || !strings.HasPrefix(got[1], tt.want) {
				t.Errorf("outcome line %q, want it to start with %q", got, tt.want)
			}
			if strings.Contains(strings.Join(shown(t, f, feedbackTab)[2], " "), "firestore") {
				t.Errorf("the outcome shows an internal error to HR: %q", got)
			}
		})
	}
}

func TestFeedbackViewerShare(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.ShareAsViewer(sheetID)
	written, err := newFeedback(t, f).Write(context.Background(), doneRun(0, 5))
	if written || !errors.Is(err, sheets.ErrForbidden) {
		t.Fatalf("Write as Viewer = %v, %v; want ErrForbidden", written, err)
	}
	want := "share the spreadsheet with " + account + " as Editor, or unset ROLLCALL_FEEDBACK_TAB"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if got := f.Revisions(sheetID); got != 0 {
		t.Errorf("%d revisions, want 0", got)
	}
}

// TestSourceNeverReadsTheFeedbackTab: HR dragged the feedback tab first.
func TestSourceNeverReadsTheFeedbackTab(t *testing.T) {
	t.Parallel()
	f := sheetstest.NewServer(t)
	f.SetSheet(sheetID,
		sheetstest.Tab{ID: 5, Title: feedbackTab, Rows: sheetstest.TextRows([]string{"휴대전화"}, []string{"010-1111-2222"})},
		sheetstest.Tab{ID: staffGID, Title: "직원 목록", Rows: staff},
	)
	opts := fast(f)
	opts.FeedbackTab = feedbackTab
	rows, err := newSource(t, sheets.Ref{SpreadsheetID: sheetID}, "", opts).Rows(context.Background())
	if err != nil || len(rows) != len(staff) || rows[2][1] != "휴대전화" {
		t.Errorf("Rows of the first tab = %q, %v; want HR's tab, not the feedback tab", rows, err)
	}
	_, err = newSource(t, sheets.Ref{SpreadsheetID: sheetID, GID: 5, HasGID: true}, "", opts).Rows(context.Background())
	if err == nil || !strings.Contains(err.Error(), "feedback tab") {
		t.Errorf("Rows of the feedback tab's gid: error %v, want one naming the feedback tab", err)
	}
}

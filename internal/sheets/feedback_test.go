package sheets_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

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

// page is a feedback page of five labelled lines and a table of two rows;
// since stands for the line that changes. The text is the sync's; this
// only has to be shaped like it.
func page(since string) rostersync.FeedbackPage {
	return rostersync.FeedbackPage{HeaderRow: 8, Rows: [][]string{
		{"동기화 결과"},
		{"시각", since},
		{"결과", "완료"},
		{"직원", "5명"},
		{"변경", "없음"},
		{"행", "2개"},
		{},
		{"행", "코드", "사유"},
		{"9", "invalid_phone", "휴대전화 번호로 읽을 수 없습니다."},
		{"10", "duplicate_phone", "3행과 휴대전화 번호가 같습니다."},
	}}
}

// always answers p whatever the tab shows, and records what it was shown.
func always(p rostersync.FeedbackPage, seen *[][][]string) func([][]string) (rostersync.FeedbackPage, bool) {
	return func(shown [][]string) (rostersync.FeedbackPage, bool) {
		if seen != nil {
			*seen = append(*seen, shown)
		}
		return p, true
	}
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

func TestFeedbackCreatesTabOnceAndWritesThePage(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	fb := newFeedback(t, f)
	ctx := context.Background()

	var seen [][][]string
	first := page("2026-12-04 17:00 (한국 시간)")
	if written, err := fb.Write(ctx, always(first, &seen)); err != nil || !written {
		t.Fatalf("first Write = %v, %v; want written", written, err)
	}
	want := slices.Clone(first.Rows)
	want[6] = nil // as values.get answers an empty row
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
	for _, w := range f.Writes(sheetID) {
		if diff := cmp.Diff([]string{feedbackTab}, w.Tabs); diff != "" {
			t.Errorf("%s touched other tabs (-want +got):\n%s", w.Method, diff)
		}
	}

	// The page is handed what the tab shows; declined, nothing is written.
	revisions := f.Revisions(sheetID)
	keep := func(shown [][]string) (rostersync.FeedbackPage, bool) {
		seen = append(seen, shown)
		return rostersync.FeedbackPage{}, false
	}
	if written, err := fb.Write(ctx, keep); err != nil || written {
		t.Errorf("declined Write = %v, %v; want not written", written, err)
	}
	if got := f.Revisions(sheetID); got != revisions {
		t.Errorf("a declined page made %d new revisions, want 0", got-revisions)
	}
	if len(seen) != 2 || seen[0] != nil || !cmp.Equal(seen[1], first.Rows, cmpopts.EquateEmpty()) {
		t.Errorf("the page was shown %q; want nothing, then the tab", seen)
	}

	// A shorter page replaces the tab whole.
	next := page("2026-12-04 17:45 (한국 시간)")
	next.Rows = next.Rows[:9]
	if written, err := fb.Write(ctx, always(next, nil)); err != nil || !written {
		t.Fatalf("Write of a new page = %v, %v; want written", written, err)
	}
	if got := shown(t, f, feedbackTab); got[1][1] != "2026-12-04 17:45 (한국 시간)" || len(got) != 9 {
		t.Errorf("tab after a new page:\n%q\nwant since 17:45 and one table row", got)
	}
}

func TestFeedbackViewerShare(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.ShareAsViewer(sheetID)
	written, err := newFeedback(t, f).Write(context.Background(), always(page("2026-12-04 17:00 (한국 시간)"), nil))
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

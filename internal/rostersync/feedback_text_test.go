package rostersync

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/roster"
)

// doneRun is a done sync at the given minute of 2026-12-04 08:00 UTC
// (17:00 in Seoul) that added added employees and found two problem rows.
func doneRun(minute, added int) FeedbackRun {
	r := Report{
		Rows: 7, Employees: 5, Added: added, Unchanged: 5 - added,
		StartedAt:  time.Date(2026, 12, 4, 8, minute, 0, 0, time.UTC),
		DurationMS: 1500,
		Problems: []roster.Problem{
			{Row: 10, Code: roster.ProblemDuplicatePhone, Reason: "3행과 휴대전화 번호가 같습니다. 먼저 나온 3행만 반영했습니다."},
			{Row: 9, Code: roster.ProblemInvalidPhone, Reason: "휴대전화 번호로 읽을 수 없습니다. 010-1234-5678 처럼 적어 주세요."},
		},
	}
	run := FeedbackRun{Report: r, MaxDeletePercent: 20, Employees: 5}
	if added > 0 {
		run.LastChange = &r
	}
	return run
}

func TestFeedbackPageIsRewrittenOnlyForChanges(t *testing.T) {
	t.Parallel()
	page, ok := feedbackPage(doneRun(0, 5), nil)
	if !ok {
		t.Fatal("feedbackPage of a new tab: not written")
	}
	want := [][]string{
		{"직원 명단 동기화 결과 (rollcall)"},
		{"기준 시각", "2026-12-04 17:00 (한국 시간)"},
		{"결과", "완료"},
		{"현재 직원 수", "5명"},
		{"마지막 변경", "2026-12-04 17:00 (한국 시간): 추가 5명, 수정 0명, 삭제 0명"},
		{"확인할 행", "2개: 아래 표의 행을 고쳐 주세요. 고친 결과는 다음 동기화 때 반영됩니다."},
		{},
		{"행", "코드", "사유"},
		{"9", "invalid_phone", "휴대전화 번호로 읽을 수 없습니다. 010-1234-5678 처럼 적어 주세요."},
		{"10", "duplicate_phone", "3행과 휴대전화 번호가 같습니다. 먼저 나온 3행만 반영했습니다."},
	}
	if diff := cmp.Diff(want, page.Rows); diff != "" || page.HeaderRow != 8 {
		t.Errorf("the page, header row %d, want 8 (-want +got):\n%s", page.HeaderRow, diff)
	}
	shown := trimRows(page.Rows) // as a tab's reader returns them

	// The next syncs change nothing: no write, "기준 시각" stays.
	for minute := 15; minute <= 30; minute += 15 {
		run := doneRun(minute, 0)
		run.LastChange = doneRun(0, 5).LastChange // from the history
		if _, ok := feedbackPage(run, shown); ok {
			t.Errorf("unchanged run at minute %d: written, want the tab kept", minute)
		}
	}

	// HR fixes row 9: the tab is rewritten, since the new time.
	run := doneRun(45, 0)
	run.LastChange = doneRun(0, 5).LastChange
	run.Report.Problems = run.Report.Problems[:1]
	page, ok = feedbackPage(run, shown)
	if got := page.Rows; !ok || got[1][1] != "2026-12-04 17:45 (한국 시간)" || len(got) != 9 || got[8][0] != "10" {
		t.Errorf("page after a fix (written %v):\n%q\nwant since 17:45 and only row 10 listed", ok, got)
	}
}

// TestFeedbackPageKeepsLastChangeTheHistoryForgot: once the last change has
// left the store's history, the tab's own line stands, unrewritten.
func TestFeedbackPageKeepsLastChangeTheHistoryForgot(t *testing.T) {
	t.Parallel()
	page, _ := feedbackPage(doneRun(0, 5), nil)
	if _, ok := feedbackPage(doneRun(30, 0), page.Rows); ok {
		t.Error("a run without a last change rewrote the tab; want it kept")
	}
}

func TestFeedbackOutcomes(t *testing.T) {
	t.Parallel()
	refused := doneRun(0, 0)
	refused.Report.Refused = true
	refused.Report.Deleted, refused.Report.Unchanged = 34, 102
	refused.Err = ErrRefused
	noHeader := doneRun(0, 0)
	noHeader.Err = fmt.Errorf("%w: %w", ErrRead, roster.ErrNoHeader)
	noPhone := doneRun(0, 0)
	noPhone.Err = fmt.Errorf("%w: %w", ErrRead, &roster.SheetError{Row: 1, Err: roster.ErrNoPhoneColumn})
	statusColumn := doneRun(0, 0)
	statusColumn.Err = fmt.Errorf("%w: %w", ErrRead, &roster.SheetError{Row: 3, Err: roster.ErrUnreadableStatusColumn})
	storeDown := doneRun(0, 0)
	storeDown.Err = errors.New("apply the sync: firestore: unavailable")
	storeDown.Report.Error = storeDown.Err.Error()
	cutShort := storeDown
	cutShort.Report.Landed = LandedPart
	notRecorded := storeDown
	notRecorded.Report.Landed = LandedAll
	tests := []struct {
		name string
		run  FeedbackRun
		want string
	}{
		{"refused by the brake", refused, "거부: 삭제 예정 34명: 현재 인원의 25%, 한도 20%."},
		{"empty sheet", noHeader, "실패: 시트가 비어 있습니다."},
		{"no phone column", noPhone, "실패: 시트를 직원 명단으로 읽지 못했습니다. 머리글 행에 '휴대전화' 열이 있는지"},
		{"a status column rollcall cannot read", statusColumn, "실패: 퇴사·재직에 관한 열의 머리글을 읽을 수 없어"},
		{"the store failed", storeDown, "실패: rollcall이 명단을 저장하지 못했습니다(시트의 문제가 아닙니다). 명단은 바뀌지 않았습니다."},
		{"the apply was cut short", cutShort, "실패: 명단의 변경 중 일부만 저장되었을 수 있습니다"},
		{"the run was not recorded", notRecorded, "실패: 명단은 시트대로 저장되었지만"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page, ok := feedbackPage(tt.run, nil)
			if !ok {
				t.Fatal("not written")
			}
			got := page.Rows[2]
			if got[0] != "결과" || !strings.HasPrefix(got[1], tt.want) {
				t.Errorf("outcome line %q, want it to start with %q", got, tt.want)
			}
			if strings.Contains(strings.Join(got, " "), "firestore") {
				t.Errorf("the outcome shows an internal error to HR: %q", got)
			}
		})
	}
}

// TestFeedbackTellsRevokedBindings: a sync that gave bound phones to other
// people (or removed leavers) tells HR how many users must verify again,
// as a count only.
func TestFeedbackTellsRevokedBindings(t *testing.T) {
	t.Parallel()
	run := doneRun(0, 0)
	r := run.Report
	r.Updated, r.Unchanged, r.BindingsRevoked = 2, 3, 2
	run.Report, run.LastChange = r, &r
	page, _ := feedbackPage(run, nil)
	if got, want := page.Rows[4][1], "2026-12-04 17:00 (한국 시간): 추가 0명, 수정 2명, 삭제 0명, 카카오톡 인증 취소 2건"; got != want {
		t.Errorf("the last change = %q, want %q", got, want)
	}
}

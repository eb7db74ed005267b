package rostersync

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/rollcall/rollcall/internal/roster"
)

// Rows of the feedback tab (1-based; feedbackRows lays it out), and how
// many problems it lists: a new tab has 1,000 rows, a longer list helps nobody.
const (
	sinceRow         = 2
	lastChangeRow    = 5
	headerRow        = 8
	maxProblemsShown = 500
	labelLastChange  = "마지막 변경"
)

// feedbackPage is the tab for run, given what it shows now, and false when
// it already shows the run. "기준 시각" is when the result first stood: a
// run that changes nothing else leaves it, and the tab, as they are.
func feedbackPage(run FeedbackRun, shown [][]string) (FeedbackPage, bool) {
	keptSince, keptChange := cellAt(shown, sinceRow, 2), cellAt(shown, lastChangeRow, 2)
	if cellAt(shown, lastChangeRow, 1) != labelLastChange {
		keptChange = "" // not a tab of ours, or HR rearranged it
	}
	if keptSince != "" && sameRows(feedbackRows(run, keptSince, keptChange), shown) {
		return FeedbackPage{}, false
	}
	return FeedbackPage{Rows: feedbackRows(run, seoulTime(run.Report.Finished()), keptChange), HeaderRow: headerRow}, true
}

func seoulTime(t time.Time) string {
	return t.In(roster.Seoul).Format("2006-01-02 15:04") + " (한국 시간)"
}

// feedbackRows is the tab's text for run. lastChange, when not empty, is
// the tab's own line, kept for a history that no longer knows the last
// change. Only row numbers, codes, counts and fixed text appear: never a
// cell's content.
func feedbackRows(run FeedbackRun, since, lastChange string) [][]string {
	r := run.Report
	rows := [][]string{
		{"직원 명단 동기화 결과 (rollcall)"},
		{"기준 시각", since},
		{"결과", outcomeText(run)},
		{"현재 직원 수", strconv.Itoa(run.Employees) + "명"},
		{labelLastChange, lastChangeText(run.LastChange, lastChange)},
		{"확인할 행", problemsText(len(r.Problems))},
		{},
		{"행", "코드", "사유"},
	}
	problems := slices.Clone(r.Problems)
	slices.SortStableFunc(problems, func(a, b roster.Problem) int { return a.Row - b.Row })
	for i, p := range problems {
		if i == maxProblemsShown {
			rows = append(rows, []string{"", "", fmt.Sprintf("외 %d개: rollcall sync --json 보고서에서 전체를 볼 수 있습니다.", len(problems)-i)})
			break
		}
		rows = append(rows, []string{strconv.Itoa(p.Row), p.Code, p.Reason})
	}
	return rows
}

// outcomeText is the run's outcome in Korean, with a reason HR can act on.
func outcomeText(run FeedbackRun) string {
	r := run.Report
	switch {
	case r.Refused:
		stored := r.Unchanged + r.Updated + r.Deleted
		share := 0.0
		if stored > 0 {
			share = float64(r.Deleted) * 100 / float64(stored)
		}
		return fmt.Sprintf("거부: 삭제 예정 %d명: 현재 인원의 %s%%, 한도 %s%%. 명단에서 빠진 직원이 맞는지 확인해 주세요. "+
			"맞다면 운영 담당자가 강제 동기화(rollcall sync --force)를 실행해야 반영됩니다.",
			r.Deleted, percent(share), percent(run.MaxDeletePercent))
	case run.Err == nil && r.Error == "":
		return "완료"
	case errors.Is(run.Err, roster.ErrNoHeader):
		return "실패: 시트가 비어 있습니다. 직원 명단 탭에 머리글 행과 직원 행이 있는지 확인해 주세요. 명단은 바뀌지 않았습니다."
	case errors.Is(run.Err, roster.ErrUnreadableStatusColumn):
		return "실패: 퇴사·재직에 관한 열의 머리글을 읽을 수 없어 퇴사자를 가려낼 수 없습니다(아래 표). 명단은 바뀌지 않았습니다."
	case errors.Is(run.Err, ErrRead):
		return "실패: 시트를 직원 명단으로 읽지 못했습니다. 머리글 행에 '휴대전화' 열이 있는지 확인해 주세요(아래 표). 명단은 바뀌지 않았습니다."
	case r.Landed == LandedPart:
		return "실패: 명단의 변경 중 일부만 저장되었을 수 있습니다(시트의 문제가 아닙니다). 다음 동기화가 시트대로 바로잡으며, 계속되면 운영 담당자에게 알려 주세요."
	case r.Landed == LandedAll:
		return "실패: 명단은 시트대로 저장되었지만 동기화 기록을 남기지 못했습니다(시트의 문제가 아닙니다). 계속되면 운영 담당자에게 알려 주세요."
	default:
		return "실패: rollcall이 명단을 저장하지 못했습니다(시트의 문제가 아닙니다). 명단은 바뀌지 않았습니다. 다음 동기화 때 다시 시도하며, 계속되면 운영 담당자에게 알려 주세요."
	}
}

// percent shows a share with at most one decimal: 25, 20.5.
func percent(p float64) string {
	return strconv.FormatFloat(math.Round(p*10)/10, 'f', -1, 64)
}

func lastChangeText(last *Report, kept string) string {
	switch {
	case last != nil:
		text := fmt.Sprintf("%s: 추가 %d명, 수정 %d명, 삭제 %d명", seoulTime(last.Finished()), last.Added, last.Updated, last.Deleted)
		if last.BindingsRevoked > 0 {
			// Leavers', and those of a phone now another person's: they verify again.
			text += fmt.Sprintf(", 카카오톡 인증 취소 %d건", last.BindingsRevoked)
		}
		return text
	case kept != "":
		return kept
	default:
		return "기록 없음"
	}
}

func problemsText(n int) string {
	if n == 0 {
		return "없음"
	}
	return fmt.Sprintf("%d개: 아래 표의 행을 고쳐 주세요. 고친 결과는 다음 동기화 때 반영됩니다.", n)
}

// cellAt is the text at 1-based row r, column c, or "".
func cellAt(rows [][]string, r, c int) string {
	if r-1 < len(rows) && c-1 < len(rows[r-1]) {
		return rows[r-1][c-1]
	}
	return ""
}

// sameRows compares rows without their trailing empty cells and rows, as a
// tab's reader leaves them out.
func sameRows(a, b [][]string) bool {
	return slices.EqualFunc(trimRows(a), trimRows(b), slices.Equal[[]string])
}

func trimRows(rows [][]string) [][]string {
	out := make([][]string, 0, len(rows))
	for _, row := range rows {
		end := len(row)
		for end > 0 && row[end-1] == "" {
			end--
		}
		out = append(out, row[:end])
	}
	for len(out) > 0 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	return out
}

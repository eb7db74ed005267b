package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// sheetChecks reads the sheet once for the source, header and rows checks,
// planning as a dry run would but without its lease and run record.
func sheetChecks(ctx context.Context, s Setup) []Check {
	ctx, cancel := context.WithTimeout(ctx, sourceTimeout)
	defer cancel()
	// failed fails the source check; the header and rows are not checked.
	failed := func(err error, why string) []Check {
		return []Check{
			{Name: CheckSource, Status: Fail, Detail: s.Config.Source.Location + ": " + err.Error(),
				Fix: fixOf(err, "correct ROLLCALL_SOURCE (and ROLLCALL_SHEET_RANGE), then run rollcall doctor again")},
			{Name: CheckHeader, Status: Warn, Detail: "not checked: " + why, Fix: "fix the source first"},
			{Name: CheckRows, Status: Warn, Detail: "not checked: " + why, Fix: "fix the source first"},
		}
	}
	if s.SourceErr != nil {
		return failed(s.SourceErr, "the source could not be opened")
	}
	source := Check{Name: CheckSource, Status: OK, Detail: s.Config.Source.Location}
	if s.Sheet != nil {
		sh, err := s.Sheet(ctx)
		if err != nil {
			return failed(err, "the spreadsheet could not be read")
		}
		source.Detail = fmt.Sprintf("spreadsheet %q, reading %s; tabs: %s", sh.Title, sh.Read, quoteAll(sh.Tabs))
	}
	rows, err := s.Source.Rows(ctx)
	if err != nil {
		return failed(err, "the rows could not be read")
	}
	source.Detail += fmt.Sprintf("; %d rows read", len(rows))
	parsed, err := roster.ParseRoster(rows, s.Now())
	return []Check{source, headerCheck(rows), rowsCheck(ctx, s, parsed, err)}
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// headerCheck shows the header's row and the column each field is read from.
func headerCheck(rows [][]string) Check {
	h, err := roster.ReadHeader(rows)
	if err != nil {
		return Check{Name: CheckHeader, Status: Fail, Detail: err.Error(), Fix: headerFix(err)}
	}
	cols := make([]string, len(h.Columns))
	for i, c := range h.Columns {
		cols[i] = fmt.Sprintf("%s ← %s %q", c.Field, c.Letter, c.Header)
	}
	two := ""
	if h.TwoRows {
		two = " (two rows)"
	}
	detail := fmt.Sprintf("row %d%s: %s", h.Row, two, strings.Join(cols, ", "))
	if len(h.Ignored) > 0 {
		detail += "; ignored: " + quoteAll(h.Ignored)
	}
	c := Check{Name: CheckHeader, Status: OK, Detail: detail}
	if len(h.Columns) == 1 {
		c.Status, c.Fix = Warn, "only the phone column is read: add a 이름 (name) column so that the bot greets people by name"
	}
	return c
}

func headerFix(err error) string {
	switch {
	case errors.Is(err, roster.ErrNoPhoneColumn):
		return "head the phone column 휴대전화 or 휴대폰 번호 within the first 20 rows, or point ROLLCALL_SHEET_RANGE at the tab with the list"
	case errors.Is(err, roster.ErrUnreadableStatusColumn):
		return "name that column 재직상태, 재직여부, 퇴사여부 or 퇴사일, or rename it so that it does not speak of leaving"
	case errors.Is(err, roster.ErrNoHeader):
		return "the tab is empty: point ROLLCALL_SOURCE or ROLLCALL_SHEET_RANGE at the tab with the list"
	}
	return "correct the sheet as the detail says"
}

// rowsCheck counts the rows and plans against the store, brake included.
func rowsCheck(ctx context.Context, s Setup, parsed roster.Roster, err error) Check {
	if err != nil {
		return Check{Name: CheckRows, Status: Fail, Detail: "not read: " + err.Error(), Fix: headerFix(err)}
	}
	c := Check{Name: CheckRows, Status: OK,
		Detail: fmt.Sprintf("%d rows, %d employees, %d left", parsed.Rows, len(parsed.Employees), parsed.Left)}
	if len(parsed.Problems) > 0 {
		c.Detail += fmt.Sprintf(", %d problem rows: %s", len(parsed.Problems), problemList(parsed.Problems))
		c.Status, c.Fix = Warn, "correct the rows named in the sheet (rollcall sync --dry-run says why for each)"
	}
	if len(parsed.Employees) == 0 {
		c.Status, c.Fix = Fail, "the sheet lists no employee: point ROLLCALL_SOURCE or ROLLCALL_SHEET_RANGE at the list"
	}
	hashes, known := hashesOf(ctx, s)
	if !known {
		c.Detail += "; the plan against the store is not known (see store)"
		return c
	}
	plan, brake := rostersync.NewPlan(parsed.Employees, hashes), s.Config.Sync.MaxDeletePercent
	c.Detail += fmt.Sprintf("; a sync would add %d, update %d, delete %d, leave %d unchanged",
		len(plan.Added), len(plan.Updated), len(plan.Deleted), plan.Unchanged)
	if plan.TripsBrake(brake) {
		c.Detail += fmt.Sprintf(" (the deletion brake would refuse it: more than %g%% of %d)", brake, plan.Stored)
		if c.Status == OK {
			c.Status = Warn
		}
		c.Fix = "check the sheet: if the deletions are right, run rollcall sync --force once"
	}
	return c
}

// hashesOf reads the store's content hashes, if it can; a bolt file not made yet holds no one.
func hashesOf(ctx context.Context, s Setup) (map[string]string, bool) {
	if s.storeNotMade() {
		return map[string]string{}, true
	}
	if s.Store == nil {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	hashes, err := s.Store.Hashes(ctx)
	return hashes, err == nil
}

// maxProblemsShown bounds the problem rows one line names.
const maxProblemsShown = 20

func problemList(ps []roster.Problem) string {
	parts := make([]string, 0, min(len(ps), maxProblemsShown))
	for _, p := range ps[:min(len(ps), maxProblemsShown)] {
		parts = append(parts, fmt.Sprintf("row %d %s", p.Row, p.Code))
	}
	if len(ps) > maxProblemsShown {
		parts = append(parts, fmt.Sprintf("and %d more", len(ps)-maxProblemsShown))
	}
	return strings.Join(parts, ", ")
}

func feedbackCheck(ctx context.Context, s Setup) Check {
	ctx, cancel := context.WithTimeout(ctx, sourceTimeout)
	defer cancel()
	if err := s.CheckFeedback(ctx); err != nil {
		return Check{Name: CheckFeedback, Status: Fail, Detail: err.Error(),
			Fix: fixOf(err, "share the spreadsheet with rollcall's service account as Editor, or unset ROLLCALL_FEEDBACK_TAB")}
	}
	return Check{Name: CheckFeedback, Status: OK, Detail: fmt.Sprintf("rollcall may write tab %q (found without writing)", s.Config.Source.FeedbackTab)}
}

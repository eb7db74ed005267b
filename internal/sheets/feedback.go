package sheets

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"google.golang.org/api/googleapi"
	gsheets "google.golang.org/api/sheets/v4"

	"github.com/rollcall/rollcall/internal/a1"
	"github.com/rollcall/rollcall/internal/rostersync"
)

var _ rostersync.Feedback = (*Feedback)(nil)

// Feedback writes each sync's result into HR's feedback tab, only when what
// it shows changed, so that an unchanged sync makes no revision.
type Feedback struct {
	src *Source
	tab string
}

// Feedback returns the writer of Options.FeedbackTab, or nil without one.
func (s *Source) Feedback() *Feedback {
	if s.opts.FeedbackTab == "" {
		return nil
	}
	return &Feedback{src: s, tab: s.opts.FeedbackTab}
}

// Write hands page what the tab shows and, when page asks, writes the page
// it returns; it reports whether it wrote.
func (f *Feedback) Write(ctx context.Context, page func(shown [][]string) (rostersync.FeedbackPage, bool)) (bool, error) {
	_, tabs, err := f.src.metadata(ctx)
	if err != nil {
		return false, err
	}
	i := slices.IndexFunc(tabs, func(t *gsheets.Sheet) bool { return t.Properties.Title == f.tab })
	var shown [][]string
	if i >= 0 {
		vr, err := f.src.values(ctx, a1.Quote(f.tab))
		if err == nil {
			shown, _, err = toRows(vr)
		}
		if err != nil {
			return false, f.explain(ctx, "read", err)
		}
	}
	p, ok := page(shown)
	if !ok {
		return false, nil
	}
	var sheetID int64
	if i >= 0 {
		sheetID = tabs[i].Properties.SheetId
	} else if sheetID, err = f.addTab(ctx); err != nil {
		return false, f.explain(ctx, "create", err)
	}
	if err := f.replace(ctx, sheetID, p); err != nil {
		return false, f.explain(ctx, "write", err)
	}
	return true, nil
}

// addTab creates the tab, at the end so that HR's tabs keep their places.
func (f *Feedback) addTab(ctx context.Context) (int64, error) {
	res, err := f.batch(ctx, "batchUpdate addSheet", &gsheets.Request{
		AddSheet: &gsheets.AddSheetRequest{Properties: &gsheets.SheetProperties{Title: f.tab}},
	})
	if err != nil {
		return 0, err
	}
	if len(res.Replies) != 1 || res.Replies[0].AddSheet == nil || res.Replies[0].AddSheet.Properties == nil {
		return 0, errors.New("the API's answer has no new sheet")
	}
	return res.Replies[0].AddSheet.Properties.SheetId, nil
}

// batch runs one batchUpdate of reqs, with retries.
func (f *Feedback) batch(ctx context.Context, op string, reqs ...*gsheets.Request) (*gsheets.BatchUpdateSpreadsheetResponse, error) {
	return retry(ctx, f.src, op, func(ctx context.Context) (*gsheets.BatchUpdateSpreadsheetResponse, error) {
		req := &gsheets.BatchUpdateSpreadsheetRequest{Requests: reqs}
		return f.src.svc.Spreadsheets.BatchUpdate(f.src.ref.SpreadsheetID, req).Context(ctx).Do()
	})
}

// replace clears and formats the tab in one batch, then writes the values:
// a run cut short leaves a tab the next run rewrites whole.
func (f *Feedback) replace(ctx context.Context, sheetID int64, page rostersync.FeedbackPage) error {
	clearValues := &gsheets.Request{UpdateCells: &gsheets.UpdateCellsRequest{ // no rows: every value in the range goes
		Range: &gsheets.GridRange{SheetId: sheetID, ForceSendFields: []string{"SheetId"}}, Fields: "userEnteredValue",
	}}
	if _, err := f.batch(ctx, "batchUpdate", append(formatRequests(sheetID, page), clearValues)...); err != nil {
		return err
	}
	values := make([][]any, len(page.Rows))
	for i, row := range page.Rows {
		values[i] = make([]any, len(row))
		for j, cell := range row {
			values[i][j] = cell
		}
	}
	rangeA1 := a1.Quote(f.tab) + "!A1"
	vr := &gsheets.ValueRange{Range: rangeA1, MajorDimension: "ROWS", Values: values}
	_, err := retry(ctx, f.src, "values.update", func(ctx context.Context) (*gsheets.UpdateValuesResponse, error) {
		// RAW: a reason or a date is stored as the text it is, never parsed.
		return f.src.svc.Spreadsheets.Values.Update(f.src.ref.SpreadsheetID, rangeA1, vr).ValueInputOption("RAW").Context(ctx).Do()
	})
	return err
}

// formatRequests lay the tab out: a large bold title, bold labels and
// header, the rows down to the header frozen, columns A to C widened.
func formatRequests(sheetID int64, page rostersync.FeedbackPage) []*gsheets.Request {
	headerRow := int64(page.HeaderRow)
	bold := func(r1, r2, c1, c2 int64, size int64) *gsheets.Request {
		return &gsheets.Request{RepeatCell: &gsheets.RepeatCellRequest{
			Range: &gsheets.GridRange{SheetId: sheetID, StartRowIndex: r1, EndRowIndex: r2, StartColumnIndex: c1, EndColumnIndex: c2,
				ForceSendFields: []string{"SheetId", "StartRowIndex", "StartColumnIndex"}},
			Cell:   &gsheets.CellData{UserEnteredFormat: &gsheets.CellFormat{TextFormat: &gsheets.TextFormat{Bold: true, FontSize: size}}},
			Fields: "userEnteredFormat.textFormat.bold,userEnteredFormat.textFormat.fontSize",
		}}
	}
	reqs := []*gsheets.Request{
		{UpdateSheetProperties: &gsheets.UpdateSheetPropertiesRequest{
			Properties: &gsheets.SheetProperties{SheetId: sheetID, GridProperties: &gsheets.GridProperties{FrozenRowCount: headerRow},
				ForceSendFields: []string{"SheetId"}},
			Fields: "gridProperties.frozenRowCount",
		}},
		bold(0, 1, 0, 1, 14),                   // the title
		bold(1, headerRow-2, 0, 1, 10),         // the labels
		bold(headerRow-1, headerRow, 0, 3, 10), // the table's header
	}
	// Wide enough for the labels and row numbers, the problem codes, and the
	// reasons; the title and the summary's values overflow to the right.
	for col, px := range []int64{100, 170, 640} {
		reqs = append(reqs, &gsheets.Request{UpdateDimensionProperties: &gsheets.UpdateDimensionPropertiesRequest{
			Range: &gsheets.DimensionRange{SheetId: sheetID, Dimension: "COLUMNS", StartIndex: int64(col), EndIndex: int64(col) + 1,
				ForceSendFields: []string{"SheetId", "StartIndex"}},
			Properties: &gsheets.DimensionProperties{PixelSize: px},
			Fields:     "pixelSize",
		}})
	}
	return reqs
}

// CheckWrite asks, changing nothing, to delete a tab that cannot exist: a
// Viewer is refused (403), an Editor fails (400).
func (f *Feedback) CheckWrite(ctx context.Context) error {
	_, err := f.batch(ctx, "batchUpdate probe", &gsheets.Request{
		// No tab has a negative sheetId.
		DeleteSheet: &gsheets.DeleteSheetRequest{SheetId: -1, ForceSendFields: []string{"SheetId"}},
	})
	if gerr, ok := errors.AsType[*googleapi.Error](err); err == nil || ok && gerr.Code == http.StatusBadRequest {
		return nil
	}
	return f.explain(ctx, "write", err)
}

// explain says what to do about a failed call on the tab.
func (f *Feedback) explain(ctx context.Context, verb string, err error) error {
	what := fmt.Sprintf("%s the feedback tab %q of spreadsheet %s", verb, f.tab, f.src.ref.SpreadsheetID)
	return f.src.explain(ctx, what, err, "", true)
}

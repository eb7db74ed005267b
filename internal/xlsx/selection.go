package xlsx

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/rollcall/rollcall/internal/a1"
)

// parseSelection reads the sheet argument of New, in A1 notation as
// ROLLCALL_SHEET_RANGE writes it. "" selects the whole first tab.
func parseSelection(sheet string) (a1.Range, error) {
	if strings.TrimSpace(sheet) == "" {
		return a1.Range{Cells: a1.Whole}, nil
	}
	r, err := a1.Parse(sheet)
	if err == nil {
		err = inExcel(r.Cells)
	}
	if err != nil {
		return a1.Range{}, fmt.Errorf("%w %q: %w", ErrBadRange, sheet, err)
	}
	return r, nil
}

// inExcel checks that an area lies within Excel's grid: columns up to XFD,
// rows up to 1,048,576.
func inExcel(c a1.Area) error {
	if max(c.FirstCol, c.LastCol) > excelize.MaxColumns {
		return errors.New("a column past XFD, Excel's last")
	}
	if max(c.FirstRow, c.LastRow) > excelize.TotalRows {
		return fmt.Errorf("a row past %d, Excel's last", excelize.TotalRows)
	}
	return nil
}

// resolve picks the tab and area a selection means among tabs, visible
// first: a bare word is a tab or else cells of the first tab. Names match
// exactly or else, as in Excel, without regard to case.
func resolve(tabs []string, sel a1.Range) (string, a1.Area, error) {
	if len(tabs) == 0 {
		return "", a1.Area{}, errors.New("the workbook has no tabs")
	}
	if sel.Tab == "" {
		return tabs[0], sel.Cells, nil
	}
	i := slices.Index(tabs, sel.Tab)
	if i < 0 {
		i = slices.IndexFunc(tabs, func(tab string) bool { return strings.EqualFold(tab, sel.Tab) })
	}
	if i >= 0 {
		return tabs[i], sel.Cells, nil
	}
	if cells, err := a1.ParseCells(sel.Tab); sel.Bare && err == nil {
		if err := inExcel(cells); err != nil {
			return "", a1.Area{}, fmt.Errorf("%w %q: %w", ErrBadRange, sel.Tab, err)
		}
		return tabs[0], cells, nil
	}
	quoted := make([]string, len(tabs))
	for i, tab := range tabs {
		quoted[i] = strconv.Quote(tab)
	}
	return "", a1.Area{}, fmt.Errorf("%w %q; the workbook's tabs are %s", ErrTabNotFound, sel.Tab, strings.Join(quoted, ", "))
}

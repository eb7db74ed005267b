package xlsx

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/rollcall/rollcall/internal/a1"
)

// selection is what the sheet argument of New asks for: a tab and an area of
// it, in A1 notation as ROLLCALL_SHEET_RANGE writes them ("직원목록",
// "직원목록!A:Z", "'My tab'!A1:F200", "A1:F200").
type selection struct {
	// tab is the tab the argument names, unquoted ("'My tab'",
	// "직원목록!A:Z"); "" when it names none or is bare.
	tab string
	// bare is an argument without "!": the name of a tab or, when no tab is
	// so named, a range of the first tab. Only the workbook can tell.
	bare string
	area area
}

// area is a rectangle of a sheet, in 1-based inclusive coordinates. A zero
// lastCol or lastRow means the area runs to the end of the sheet that way.
type area struct {
	firstCol, lastCol int
	firstRow, lastRow int
}

// wholeSheet is the area of a selection that names no range.
var wholeSheet = area{firstCol: 1, firstRow: 1}

// parseSelection reads the sheet argument of New. "" selects the whole first
// tab.
func parseSelection(s string) (selection, error) {
	if strings.TrimSpace(s) == "" {
		return selection{area: wholeSheet}, nil
	}
	r, err := a1.Parse(s)
	if err != nil {
		return selection{}, fmt.Errorf("%w %q: %w", ErrBadRange, s, err)
	}
	if r.Bare {
		return selection{bare: r.Tab, area: wholeSheet}, nil
	}
	a, err := excelArea(r.Cells)
	if err != nil {
		return selection{}, fmt.Errorf("%w %q: %w", ErrBadRange, s, err)
	}
	return selection{tab: r.Tab, area: a}, nil
}

// excelArea is an A1 area within Excel's grid: columns up to XFD, rows up
// to 1,048,576.
func excelArea(c a1.Area) (area, error) {
	if max(c.FirstCol, c.LastCol) > excelize.MaxColumns {
		return area{}, errors.New("a column past XFD, Excel's last")
	}
	if max(c.FirstRow, c.LastRow) > excelize.TotalRows {
		return area{}, fmt.Errorf("a row past %d, Excel's last", excelize.TotalRows)
	}
	return area{firstCol: c.FirstCol, lastCol: c.LastCol, firstRow: c.FirstRow, lastRow: c.LastRow}, nil
}

// resolve picks the tab and area a selection means in a workbook whose tabs
// are tabs, in workbook order. Tab names match exactly or, as in Excel,
// without regard to case.
func resolve(tabs []string, sel selection) (string, area, error) {
	if len(tabs) == 0 {
		return "", area{}, errors.New("the workbook has no tabs")
	}
	switch {
	case sel.tab != "":
		if tab, ok := findTab(tabs, sel.tab); ok {
			return tab, sel.area, nil
		}
		return "", area{}, tabNotFound(tabs, sel.tab)
	case sel.bare != "":
		if tab, ok := findTab(tabs, sel.bare); ok {
			return tab, wholeSheet, nil
		}
		if cells, err := a1.ParseCells(sel.bare); err == nil {
			a, err := excelArea(cells)
			if err != nil {
				return "", area{}, fmt.Errorf("%w %q: %w", ErrBadRange, sel.bare, err)
			}
			return tabs[0], a, nil
		}
		return "", area{}, tabNotFound(tabs, sel.bare)
	default:
		return tabs[0], sel.area, nil
	}
}

func findTab(tabs []string, name string) (string, bool) {
	for _, tab := range tabs {
		if tab == name {
			return tab, true
		}
	}
	for _, tab := range tabs {
		if strings.EqualFold(tab, name) {
			return tab, true
		}
	}
	return "", false
}

func tabNotFound(tabs []string, name string) error {
	quoted := make([]string, len(tabs))
	for i, tab := range tabs {
		quoted[i] = strconv.Quote(tab)
	}
	return fmt.Errorf("%w %q; the workbook's tabs are %s", ErrTabNotFound, name, strings.Join(quoted, ", "))
}

package xlsx

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// selection is what the sheet argument of New asks for: a tab and an area of
// it, as ROLLCALL_SHEET_RANGE writes them ("직원목록", "직원목록!A:Z",
// "'My tab'!A1:F200", "A1:F200").
type selection struct {
	// tab is the tab named before a "!", unquoted; "" when there is none.
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
	s = strings.TrimSpace(s)
	if s == "" {
		return selection{area: wholeSheet}, nil
	}
	// A tab name may contain "!" but a range may not: split at the last one.
	i := strings.LastIndex(s, "!")
	if i < 0 {
		return selection{bare: s, area: wholeSheet}, nil
	}
	tab := unquoteTab(s[:i])
	if tab == "" {
		return selection{}, fmt.Errorf("%w %q: no tab name before the '!'", ErrBadRange, s)
	}
	a, err := parseArea(s[i+1:])
	if err != nil {
		return selection{}, fmt.Errorf("%w %q: %w", ErrBadRange, s, err)
	}
	return selection{tab: tab, area: a}, nil
}

// unquoteTab removes the single quotes around a tab name in A1 notation
// ('My tab'), where a quote inside is doubled.
func unquoteTab(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	return s
}

// errAreaSyntax explains the A1 forms parseArea reads.
var errAreaSyntax = errors.New("want a cell or a range like A1, A1:F200, A:Z, A2:F or 1:200")

// parseArea reads an A1 range: a cell ("B3"), two corners ("A1:F200"), whole
// columns ("A:Z"), columns from a row on ("A2:F") or whole rows ("1:200").
// Corners may be given in either order; "$" marks are ignored.
func parseArea(s string) (area, error) {
	if strings.Count(s, ":") > 1 {
		return area{}, errAreaSyntax
	}
	from, to, pair := strings.Cut(s, ":")
	start, err := parseCorner(from)
	if err != nil {
		return area{}, err
	}
	if !pair {
		if start.col == 0 || start.row == 0 {
			return area{}, errAreaSyntax
		}
		return area{firstCol: start.col, lastCol: start.col, firstRow: start.row, lastRow: start.row}, nil
	}
	end, err := parseCorner(to)
	if err != nil {
		return area{}, err
	}
	if start.col != 0 && end.col != 0 && start.col > end.col {
		start.col, end.col = end.col, start.col
	}
	if start.row != 0 && end.row != 0 && start.row > end.row {
		start.row, end.row = end.row, start.row
	}
	return area{
		firstCol: max(start.col, 1), lastCol: end.col,
		firstRow: max(start.row, 1), lastRow: end.row,
	}, nil
}

// corner is one end of an A1 range; a zero col or row was left out.
type corner struct{ col, row int }

// parseCorner reads "B3", "B" or "3", with or without "$" marks.
func parseCorner(s string) (corner, error) {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "$", ""))
	letters := strings.IndexFunc(s, func(r rune) bool { return r < 'A' || r > 'Z' })
	if letters < 0 {
		letters = len(s)
	}
	colName, rowText := s[:letters], s[letters:]
	if colName == "" && rowText == "" {
		return corner{}, errAreaSyntax
	}
	var c corner
	if colName != "" {
		col, err := excelize.ColumnNameToNumber(colName)
		if err != nil {
			return corner{}, fmt.Errorf("column %q: %w", colName, err)
		}
		c.col = col
	}
	if rowText != "" {
		row, err := strconv.Atoi(rowText)
		if err != nil || row < 1 || row > excelize.TotalRows {
			return corner{}, fmt.Errorf("row %q: %w", rowText, errAreaSyntax)
		}
		c.row = row
	}
	return c, nil
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
		if a, err := parseArea(sel.bare); err == nil {
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

// Package xlsx reads HR's employee list from an .xlsx workbook as HR sees it
// in Excel, rows keeping the sheet's numbers, hidden rows included.
package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/rollcall/rollcall/internal/a1"
	"github.com/rollcall/rollcall/internal/localfile"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// maxUnzippedSize keeps a zip bomb from filling memory or disk.
const maxUnzippedSize = 512 << 20

// Errors Rows returns, wrapped with the path, besides localfile's and the
// operating system's; compare with errors.Is.
var (
	// ErrTabNotFound: no tab of the configured name; the error lists them.
	ErrTabNotFound = errors.New("no tab named")
	// ErrBadRange: the configured range is not A1 notation.
	ErrBadRange = errors.New("bad sheet range")
)

// Source is an employee list kept in an .xlsx workbook, opened afresh on
// every call because HR edits it in place.
type Source struct {
	path    string
	sheet   string
	maxSize int64
}

var _ rostersync.Source = (*Source)(nil)

// New returns a Source reading the workbook at path: the first visible tab
// when sheet is "", else a tab or an A1 range; Rows reports a missing file.
func New(path, sheet string) *Source {
	return &Source{path: path, sheet: sheet, maxSize: localfile.MaxSize}
}

// Rows reads the selected cells whole or not at all, as Excel shows them but
// dates as ISO dates; rows[i] is row i+1, from the range's first column.
func (s *Source) Rows(ctx context.Context) (rows [][]string, err error) {
	defer func() {
		if err != nil {
			rows, err = nil, fmt.Errorf("read workbook %s: %w", s.path, err)
		}
	}()
	data, err := localfile.Read(s.path, s.maxSize)
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzippedSize})
	if err != nil {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, excelize.ErrWorkbookFileFormat) {
			// An .xls, a .csv renamed, or a password-protected workbook.
			err = fmt.Errorf("not an .xlsx workbook, or one protected by a password: %w", err)
		}
		if f != nil {
			// OpenReader can fail after extracting parts to temporary files.
			err = errors.Join(err, f.Close())
		}
		return nil, fmt.Errorf("open: %w", err)
	}
	defer func() {
		// Close removes the temporary files excelize keeps for big sheets.
		if cerr := f.Close(); cerr != nil && err == nil {
			rows, err = nil, fmt.Errorf("close: %w", cerr)
		}
	}()
	tab, a, err := s.resolve(f)
	if err != nil {
		return nil, err
	}
	rows, err = readArea(ctx, f, tab, a)
	if err == nil {
		err = showPhoneFormulas(f, tab, a, rows)
	}
	if err != nil {
		return nil, fmt.Errorf("tab %q: %w", tab, err)
	}
	merges, err := mergesIn(f, tab)
	if err != nil {
		return nil, fmt.Errorf("tab %q: merged cells: %w", tab, err)
	}
	logging.FromContext(ctx).DebugContext(ctx, "read xlsx workbook", "path", s.path, "tab", tab, "rows", len(rows))
	return roster.SpreadMerges(rows, merges, a.FirstCol-1), nil
}

// resolve picks the tab and area the sheet names: visible tabs first, so that
// "the first tab" is one HR can see; a name matches as in Excel, case aside;
// a bare word naming no tab is cells of the first tab.
func (s *Source) resolve(f *excelize.File) (string, a1.Area, error) {
	var visible, hidden []string
	for _, tab := range f.GetSheetList() {
		ok, err := f.GetSheetVisible(tab)
		if err != nil {
			return "", a1.Area{}, fmt.Errorf("tab %q: %w", tab, err)
		}
		if ok {
			visible = append(visible, tab)
		} else {
			hidden = append(hidden, tab)
		}
	}
	tabs := append(visible, hidden...)
	if len(tabs) == 0 {
		return "", a1.Area{}, errors.New("the workbook has no tabs")
	}
	if s.sheet == "" {
		return tabs[0], a1.Whole, nil
	}
	sel, err := a1.Parse(s.sheet)
	if err != nil {
		return "", a1.Area{}, fmt.Errorf("%w %q: %w", ErrBadRange, s.sheet, err)
	}
	i := slices.Index(tabs, sel.Tab)
	if i < 0 {
		i = slices.IndexFunc(tabs, func(tab string) bool { return strings.EqualFold(tab, sel.Tab) })
	}
	tab, a := "", sel.Cells
	if i >= 0 {
		tab = tabs[i]
	} else if cells, err := a1.ParseCells(sel.Tab); sel.Bare && err == nil {
		tab, a = tabs[0], cells
	} else {
		quoted := make([]string, len(tabs))
		for i, tab := range tabs {
			quoted[i] = strconv.Quote(tab)
		}
		return "", a1.Area{}, fmt.Errorf("%w %q; the workbook's tabs are %s", ErrTabNotFound, sel.Tab, strings.Join(quoted, ", "))
	}
	if max(a.FirstCol, a.LastCol) > excelize.MaxColumns {
		return "", a1.Area{}, fmt.Errorf("%w %q: a column past XFD, Excel's last", ErrBadRange, s.sheet)
	}
	if max(a.FirstRow, a.LastRow) > excelize.TotalRows {
		return "", a1.Area{}, fmt.Errorf("%w %q: a row past %d, Excel's last", ErrBadRange, s.sheet, excelize.TotalRows)
	}
	return tab, a, nil
}

// mergesIn lists a tab's merged blocks.
func mergesIn(f *excelize.File, tab string) ([]roster.Merge, error) {
	cells, err := f.GetMergeCells(tab, true)
	if err != nil {
		return nil, err
	}
	merges := make([]roster.Merge, 0, len(cells))
	for _, mc := range cells {
		a, err := a1.ParseCells(mc[0]) // its reference: "B2:D4"
		if err != nil {
			return nil, err
		}
		merges = append(merges, roster.Merge{Row: a.FirstRow - 1, Col: a.FirstCol - 1, LastRow: a.LastRow - 1, LastCol: a.LastCol - 1})
	}
	return merges, nil
}

// readArea reads every row, hidden ones too: excelize's GetRows would stop
// silently at a cell it cannot read.
func readArea(ctx context.Context, f *excelize.File, tab string, a a1.Area) (rows [][]string, err error) {
	props, err := f.GetWorkbookProps()
	if err != nil {
		return nil, err
	}
	d := &dates{f: f, tab: tab, date1904: props.Date1904 != nil && *props.Date1904, styles: map[int]bool{}}
	it, err := f.Rows(tab)
	if err != nil {
		return nil, err
	}
	rawIt, err := f.Rows(tab)
	if err != nil {
		return nil, errors.Join(err, it.Close())
	}
	defer func() {
		if err = errors.Join(err, it.Close(), rawIt.Close()); err != nil {
			rows = nil
		}
	}()

	lastUsed := 0 // rows[:lastUsed] ends with the last row that has text
	// Next yields every row number in turn, blank ones included.
	for n := 1; it.Next() && rawIt.Next() && (a.LastRow == 0 || n <= a.LastRow); n++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cells, err := it.Columns()
		raw, rawErr := rawIt.Columns(excelize.Options{RawCellValue: true})
		if err = errors.Join(err, rawErr); err != nil {
			return nil, fmt.Errorf("row %d: %w", n, err)
		}
		if n < a.FirstRow {
			rows = append(rows, nil) // kept so that rows[i] is row i+1
			continue
		}
		if err := d.render(n, cells, raw); err != nil {
			return nil, fmt.Errorf("row %d: %w", n, err)
		}
		// Only the cells in the area's columns.
		if a.FirstCol > len(cells) {
			cells = nil
		} else if a.LastCol != 0 && a.LastCol < len(cells) {
			cells = cells[a.FirstCol-1 : a.LastCol]
		} else {
			cells = cells[a.FirstCol-1:]
		}
		rows = append(rows, cells)
		if hasText(cells) {
			lastUsed = len(rows)
		}
	}
	if err := errors.Join(it.Error(), rawIt.Error()); err != nil {
		return nil, err
	}
	if lastUsed == 0 {
		return nil, nil
	}
	return rows[:lastUsed], nil
}

// showPhoneFormulas shows an empty phone cell holding a formula as the formula,
// for the roster to tell HR; only empty ones, as each look parses the sheet again.
func showPhoneFormulas(f *excelize.File, tab string, a a1.Area, rows [][]string) error {
	col, first, ok := roster.PhoneColumn(rows)
	if !ok {
		return nil
	}
	for i := first; i < len(rows); i++ {
		if !hasText(rows[i]) || (col < len(rows[i]) && rows[i][col] != "") {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(a.FirstCol+col, i+1)
		if err != nil {
			return err
		}
		formula, err := f.GetCellFormula(tab, cell)
		if err != nil {
			return err
		}
		if formula == "" {
			continue
		}
		for len(rows[i]) <= col {
			rows[i] = append(rows[i], "")
		}
		rows[i][col] = "=" + formula
	}
	return nil
}

func hasText(cells []string) bool {
	return slices.ContainsFunc(cells, func(c string) bool { return c != "" })
}

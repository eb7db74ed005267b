// Package xlsx reads HR's employee list from an Excel workbook (.xlsx): the
// first visible tab, a named tab (hidden or not), or an A1 range of one
// (ROLLCALL_SHEET_RANGE). Cells come back as the text HR sees in Excel (date
// cells as ISO dates, merged status and leave-date cells in every row they
// cover), and rows keep the sheet's own row numbers, hidden ones included,
// so that a problem reported at row 7 is on row 7 of HR's screen.
package xlsx

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/xuri/excelize/v2"

	"github.com/rollcall/rollcall/internal/a1"
	"github.com/rollcall/rollcall/internal/localfile"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// maxUnzippedSize bounds what the workbook may expand to, so that a zip bomb
// renamed .xlsx cannot fill memory or disk.
const maxUnzippedSize = 512 << 20

// ctxCheckEvery is how many rows Rows reads between checks of its context.
const ctxCheckEvery = 1024

// Errors Rows returns, wrapped with the path, besides localfile's and the
// operating system's; compare with errors.Is.
var (
	// ErrTabNotFound means the workbook has no tab of the configured name;
	// the error lists the tabs it has.
	ErrTabNotFound = errors.New("no tab named")
	// ErrBadRange means the configured range is not A1 notation.
	ErrBadRange = errors.New("bad sheet range")
)

// Source is an employee list kept in an .xlsx workbook. It opens the file
// afresh on every call, because HR edits it in place.
type Source struct {
	path    string
	sheet   string
	maxSize int64
}

var _ rostersync.Source = (*Source)(nil)

// New returns a Source reading the workbook at path. sheet selects what to
// read: "" is the whole first visible tab; otherwise a tab name ("직원목록"),
// or an A1 range of a tab ("직원목록!A:Z", "'My tab'!A1:F200") or of the
// first visible tab ("A1:F200"). New touches nothing: a missing file or tab is reported by Rows.
func New(path, sheet string) *Source {
	return &Source{path: path, sheet: sheet, maxSize: localfile.MaxSize}
}

// Rows returns the selected cells as the text Excel shows (a phone typed as
// the number 1012345678 is "1012345678"; one formatted 000-0000-0000 is
// "010-1234-5678"), except date cells, which read as ISO dates
// ("2026-10-31") whatever their display format. Hidden rows are read. rows[i] is the sheet's row i+1: rows above a range's
// first row and blank rows inside it are empty, and trailing blank rows are
// dropped. Row j's cells start at the range's first column. The workbook is
// read whole or not at all.
func (s *Source) Rows(ctx context.Context) ([][]string, error) {
	rows, tab, err := s.read(ctx)
	if err != nil {
		return nil, fmt.Errorf("read workbook %s: %w", s.path, err)
	}
	logging.FromContext(ctx).DebugContext(ctx, "read xlsx workbook", "path", s.path, "tab", tab, "rows", len(rows))
	return rows, nil
}

func (s *Source) read(ctx context.Context) (rows [][]string, tab string, err error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	sel, err := parseSelection(s.sheet)
	if err != nil {
		return nil, "", err
	}
	if err := localfile.Check(s.path, s.maxSize); err != nil {
		return nil, "", err
	}
	f, err := excelize.OpenFile(s.path, excelize.Options{UnzipSizeLimit: maxUnzippedSize})
	if err != nil {
		err = localfile.WithoutPath(err)
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, excelize.ErrWorkbookFileFormat) {
			// An .xls, a .csv renamed, or a password-protected workbook.
			err = fmt.Errorf("not an .xlsx workbook, or one protected by a password: %w", err)
		}
		if f != nil {
			// OpenFile can fail after extracting parts to temporary files.
			err = errors.Join(err, f.Close())
		}
		return nil, "", fmt.Errorf("open: %w", err)
	}
	defer func() {
		// Close removes the temporary files excelize keeps for big sheets.
		if cerr := f.Close(); cerr != nil && err == nil {
			rows, err = nil, fmt.Errorf("close: %w", cerr)
		}
	}()
	tabs, err := visibleFirst(f)
	if err != nil {
		return nil, "", err
	}
	tab, a, err := resolve(tabs, sel)
	if err != nil {
		return nil, "", err
	}
	rows, err = readArea(ctx, f, tab, a)
	if err != nil {
		return nil, "", fmt.Errorf("tab %q: %w", tab, err)
	}
	if err := showPhoneFormulas(f, tab, a, rows); err != nil {
		return nil, "", fmt.Errorf("tab %q: %w", tab, err)
	}
	merges, err := mergesIn(f, tab, a)
	if err != nil {
		return nil, "", fmt.Errorf("tab %q: merged cells: %w", tab, err)
	}
	return roster.SpreadMerges(rows, merges), tab, nil
}

// visibleFirst lists the workbook's tabs with the visible ones first, each
// group in workbook order, so that "the first tab" is the first one HR can
// see: an archived list hidden in front of this year's is not the roster
// (CONTRACT.md section 4, "The tab"). A hidden tab is still found by name.
func visibleFirst(f *excelize.File) ([]string, error) {
	var visible, hidden []string
	for _, tab := range f.GetSheetList() {
		ok, err := f.GetSheetVisible(tab)
		if err != nil {
			return nil, fmt.Errorf("tab %q: %w", tab, err)
		}
		if ok {
			visible = append(visible, tab)
		} else {
			hidden = append(hidden, tab)
		}
	}
	return append(visible, hidden...), nil
}

// mergesIn lists a tab's merged blocks in the coordinates of the rows
// readArea returns for area a: rows keep the sheet's row numbers, columns
// start at the area's first one. A block whose top-left cell lies left of
// the area is left out: its value was not read.
func mergesIn(f *excelize.File, tab string, a a1.Area) ([]roster.Merge, error) {
	cells, err := f.GetMergeCells(tab, true)
	if err != nil {
		return nil, err
	}
	merges := make([]roster.Merge, 0, len(cells))
	for _, mc := range cells {
		c1, r1, err := excelize.CellNameToCoordinates(mc.GetStartAxis())
		if err != nil {
			return nil, err
		}
		c2, r2, err := excelize.CellNameToCoordinates(mc.GetEndAxis())
		if err != nil {
			return nil, err
		}
		if c1 < a.FirstCol {
			continue
		}
		merges = append(merges, roster.Merge{Row: r1 - 1, Col: c1 - a.FirstCol, LastRow: r2 - 1, LastCol: c2 - a.FirstCol})
	}
	return merges, nil
}

// readArea reads one area of a tab, row by row, every row (hidden ones
// too: hiding a row does not make a leaver). It does not use excelize's
// GetRows, which stops silently at a cell it cannot read and returns the
// rows before it as if they were the whole sheet. A second pass over the
// stored values finds the date cells.
func readArea(ctx context.Context, f *excelize.File, tab string, a a1.Area) (rows [][]string, err error) {
	d, err := newDates(f, tab)
	if err != nil {
		return nil, err
	}
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
	for n := 1; it.Next() && rawIt.Next(); n++ {
		if a.LastRow != 0 && n > a.LastRow {
			break
		}
		if n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		cells, err := it.Columns()
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", n, err)
		}
		raw, err := rawIt.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", n, err)
		}
		if n < a.FirstRow {
			rows = append(rows, nil) // kept so that rows[i] is row i+1
			continue
		}
		if cells, err = d.render(n, cells, raw); err != nil {
			return nil, fmt.Errorf("row %d: %w", n, err)
		}
		cells = clip(a, cells)
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

// showPhoneFormulas shows each empty phone cell that holds a formula as the
// formula ("=C2&D2"): a workbook written by a program rather than saved by
// Excel keeps formulas without their results, and the roster then tells HR
// so instead of reporting the phone as missing. (A formula whose saved
// result is empty reads the same way: the file does not tell the two
// apart.) Only empty phone cells are looked at, because the first look
// parses the whole worksheet again.
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

// clip keeps the cells of a row that lie in the area's columns.
func clip(a a1.Area, cells []string) []string {
	if a.FirstCol > len(cells) {
		return nil
	}
	end := len(cells)
	if a.LastCol != 0 {
		end = min(end, a.LastCol)
	}
	return cells[a.FirstCol-1 : end]
}

func hasText(cells []string) bool {
	return slices.ContainsFunc(cells, func(c string) bool { return c != "" })
}

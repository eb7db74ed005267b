package sheetstest

// Default grid size of a new tab in Google Sheets.
const (
	defaultRowCount    = 1000
	defaultColumnCount = 26
)

// Tab is one tab (sheet) of a fake spreadsheet.
type Tab struct {
	// ID is the tab's sheetId, the "gid" of its URL.
	ID int64
	// Title is the tab's name as shown on its tab, such as "직원 목록".
	Title string
	// Rows holds the cells, Rows[i][j] being row i+1, column j+1.
	Rows [][]Cell
	// RowCount and ColumnCount are the grid's size; when 0, Google's
	// default for a new tab (1000×26), grown to fit Rows.
	RowCount, ColumnCount int
	// Merges are the tab's merged blocks; the cells they cover, other than
	// each block's top-left one, read empty whatever Rows holds.
	Merges []Merge
	// Hidden hides the tab in the UI (SheetProperties.hidden): a range
	// without a tab name then skips it, as the API reads "the first
	// visible sheet".
	Hidden bool
	// Chart makes the tab an OBJECT sheet (a chart on a tab of its own),
	// which has no cells to read.
	Chart bool
}

// Cell is one cell's content, as Google Sheets keeps it: the value and the
// text its number format displays.
type Cell struct {
	// Formatted is the text the sheet displays (FORMATTED_VALUE).
	Formatted string
	// Value is the underlying value (UNFORMATTED_VALUE): a string, a
	// float64, a bool, or nil for an empty cell.
	Value any
	// Formula is the formula that computes the cell, if any (FORMULA).
	Formula string
}

// Text is a cell holding text, displayed as is; Text("") is an empty cell.
func Text(s string) Cell {
	if s == "" {
		return Cell{}
	}
	return Cell{Formatted: s, Value: s}
}

// Number is a cell holding a number, displayed through a number format: a
// phone kept as the number 1012345678 with the format "010-0000-0000"
// is Number(1012345678, "010-1234-5678").
func Number(v float64, formatted string) Cell {
	return Cell{Formatted: formatted, Value: v}
}

// TextRows makes rows of text cells, "" being an empty cell.
func TextRows(rows ...[]string) [][]Cell {
	out := make([][]Cell, len(rows))
	for i, row := range rows {
		out[i] = make([]Cell, len(row))
		for j, s := range row {
			out[i][j] = Text(s)
		}
	}
	return out
}

func (c Cell) empty() bool { return c.Value == nil && c.Formatted == "" && c.Formula == "" }

// render is the cell as the API returns it for a valueRenderOption.
func (c Cell) render(option string) any {
	switch option {
	case "UNFORMATTED_VALUE":
		if c.Value == nil {
			return c.Formatted
		}
		return c.Value
	case "FORMULA":
		if c.Formula != "" {
			return c.Formula
		}
		if c.Value == nil {
			return c.Formatted
		}
		return c.Value
	default:
		return c.Formatted
	}
}

// spreadsheet is a fake spreadsheet: its tabs and whether the caller may
// read it.
type spreadsheet struct {
	id     string
	tabs   []Tab
	denied bool
}

// size is the tab's grid size.
func (t *Tab) size() (rows, cols int) {
	rows, cols = t.RowCount, t.ColumnCount
	if rows == 0 {
		rows = max(defaultRowCount, len(t.Rows))
	}
	if cols == 0 {
		cols = defaultColumnCount
		for _, r := range t.Rows {
			cols = max(cols, len(r))
		}
	}
	return rows, cols
}

// cell is the cell at 1-based row r, column c.
func (t *Tab) cell(r, c int) Cell {
	if t.mergedAway(r, c) {
		return Cell{}
	}
	if r-1 < len(t.Rows) && c-1 < len(t.Rows[r-1]) {
		return t.Rows[r-1][c-1]
	}
	return Cell{}
}

func (s *spreadsheet) tab(title string) *Tab {
	for i := range s.tabs {
		if s.tabs[i].Title == title {
			return &s.tabs[i]
		}
	}
	return nil
}

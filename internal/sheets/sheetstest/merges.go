package sheetstest

// Merge is a block of merged cells, 1-based and inclusive: a group label
// such as 연락처 merged over two columns is Merge{Row: 3, Col: 4, LastRow: 3,
// LastCol: 5}. As in Google Sheets, only the block's top-left cell holds a
// value; the API returns the others empty.
type Merge struct {
	Row, Col, LastRow, LastCol int
}

// covers reports whether cell (r, c) lies in the block but is not its
// top-left cell, so that it reads empty.
func (m Merge) covers(r, c int) bool {
	return r >= m.Row && r <= m.LastRow && c >= m.Col && c <= m.LastCol && (r != m.Row || c != m.Col)
}

// mergedAway reports whether a merge hides the tab's cell (r, c).
func (t *Tab) mergedAway(r, c int) bool {
	for _, m := range t.Merges {
		if m.covers(r, c) {
			return true
		}
	}
	return false
}

// mergesJSON lists the tab's merges as the Sheet resource's "merges":
// GridRanges, 0-based and half-open.
func (t *Tab) mergesJSON() []any {
	out := make([]any, 0, len(t.Merges))
	for _, m := range t.Merges {
		gr := map[string]any{
			"startRowIndex": m.Row - 1, "endRowIndex": m.LastRow,
			"startColumnIndex": m.Col - 1, "endColumnIndex": m.LastCol,
		}
		if t.ID != 0 {
			gr["sheetId"] = t.ID
		}
		out = append(out, gr)
	}
	return out
}

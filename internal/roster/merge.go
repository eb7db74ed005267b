package roster

import "slices"

// Merge is a block of merged cells in the sheet's rows and columns, 0-based
// and inclusive: [Row][Col] is its top-left cell, the only one with a value.
type Merge struct {
	Row, Col, LastRow, LastCol int
}

// SpreadMerges returns rows with each merged block's value in every status and
// leave-date cell it covers below the header (CONTRACT.md section 4), without
// changing rows; other columns keep theirs, as a merged phone is not three
// people. rows[i][0] is in the sheet's 0-based column firstCol.
func SpreadMerges(rows [][]string, merges []Merge, firstCol int) [][]string {
	if len(merges) == 0 {
		return rows
	}
	l, err := findLayout(rows)
	if err != nil {
		return rows
	}
	out := make([][]string, len(rows)) // rows itself is not changed
	for i, row := range rows {
		out[i] = slices.Clone(row)
	}
	for _, m := range merges {
		m.Col, m.LastCol = m.Col-firstCol, m.LastCol-firstCol
		if m.Row < l.firstData || m.Row >= len(rows) || m.Col < 0 || m.Col >= len(rows[m.Row]) {
			continue // a header's merge, or a block whose value the rows do not hold
		}
		value := rows[m.Row][m.Col]
		for r := m.Row; r <= m.LastRow && r < len(rows); r++ {
			if isBlank(rows[r]) {
				continue
			}
			// Over the status and leave-date columns, not the block's: a
			// title merged across the whole row (A1:XFD1) spans 16,384.
			for _, col := range l.cols {
				c := col.index
				if col.field < FieldStatus || c < m.Col || c > m.LastCol || (r == m.Row && c == m.Col) {
					continue
				}
				for len(out[r]) <= c {
					out[r] = append(out[r], "")
				}
				out[r][c] = value
			}
		}
	}
	return out
}

package sheets

import (
	"fmt"
	"strings"

	gsheets "google.golang.org/api/sheets/v4"

	"github.com/rollcall/rollcall/internal/roster"
)

// mergesOf returns the merged blocks of the tab that the API's echo of a
// read range ("'직원 목록'!B3:F200") names, in the coordinates of the rows
// toRows makes of it: rows keep the sheet's row numbers and columns start
// at the range's first one. The values API gives a block's value in its
// top-left cell only; roster.SpreadMerges gives it to the rest.
func mergesOf(tabs []*gsheets.Sheet, echo string) ([]roster.Merge, error) {
	var tab *gsheets.Sheet
	for _, t := range tabs {
		title := t.Properties.Title
		for _, name := range []string{quoteSheetName(title), title} {
			if (echo == name || strings.HasPrefix(echo, name+"!")) &&
				(tab == nil || len(title) > len(tab.Properties.Title)) {
				tab = t
			}
		}
	}
	if tab == nil {
		return nil, fmt.Errorf("the range %q that the API read is on no tab it listed (a tab renamed meanwhile?); "+
			"the next sync reads it again", echo)
	}
	first := startColumn(echo)
	merges := make([]roster.Merge, 0, len(tab.Merges))
	for _, m := range tab.Merges {
		if m == nil || m.EndRowIndex <= m.StartRowIndex || m.EndColumnIndex <= m.StartColumnIndex {
			continue
		}
		col := int(m.StartColumnIndex) - (first - 1)
		if col < 0 {
			continue // the block's value lies left of the range: not read
		}
		merges = append(merges, roster.Merge{
			Row: int(m.StartRowIndex), Col: col,
			LastRow: int(m.EndRowIndex) - 1, LastCol: int(m.EndColumnIndex) - 1 - (first - 1),
		})
	}
	return merges, nil
}

// startColumn returns the 1-based column where an A1 range the API echoed
// begins: 1 for a whole tab or whole rows ("Sheet1", "Sheet1!3:9").
func startColumn(a1 string) int {
	cells, _ := cellsPart(a1)
	col := 0
	for _, r := range strings.ReplaceAll(cells, "$", "") {
		switch {
		case r >= 'A' && r <= 'Z':
			col = col*26 + int(r-'A') + 1
		case r >= 'a' && r <= 'z':
			col = col*26 + int(r-'a') + 1
		default:
			return max(col, 1)
		}
	}
	return max(col, 1)
}

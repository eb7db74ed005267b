package sheets

import (
	"fmt"

	gsheets "google.golang.org/api/sheets/v4"

	"github.com/rollcall/rollcall/internal/a1"
	"github.com/rollcall/rollcall/internal/roster"
)

// mergesOf returns the merged blocks of the tab the API's echo of a read
// range names, in the coordinates of toRows's rows: the sheet's rows, and
// columns from the range's first.
func mergesOf(tabs []*gsheets.Sheet, echo string) ([]roster.Merge, error) {
	r, err := a1.Parse(echo)
	if err != nil {
		return nil, fmt.Errorf("unexpected range in the API's answer: %w", err)
	}
	var tab *gsheets.Sheet
	for _, t := range tabs {
		if t.Properties.Title == r.Tab {
			tab = t
		}
	}
	if tab == nil {
		return nil, fmt.Errorf("the range %q that the API read is on no tab it listed (a tab renamed meanwhile?); "+
			"the next sync reads it again", echo)
	}
	shift := r.Cells.FirstCol - 1 // columns left of the range
	merges := make([]roster.Merge, 0, len(tab.Merges))
	for _, m := range tab.Merges {
		if m == nil || m.EndRowIndex <= m.StartRowIndex || m.EndColumnIndex <= m.StartColumnIndex {
			continue
		}
		col := int(m.StartColumnIndex) - shift
		if col < 0 {
			continue // the block's value lies left of the range: not read
		}
		merges = append(merges, roster.Merge{
			Row: int(m.StartRowIndex), Col: col,
			LastRow: int(m.EndRowIndex) - 1, LastCol: int(m.EndColumnIndex) - 1 - shift,
		})
	}
	return merges, nil
}

package sheets

import (
	"fmt"
	"slices"

	gsheets "google.golang.org/api/sheets/v4"

	"github.com/rollcall/rollcall/internal/a1"
	"github.com/rollcall/rollcall/internal/roster"
)

// mergesOf returns the merged blocks of the tab the API's echo of a read
// range names, and the sheet column (0-based) where the range starts.
func mergesOf(tabs []*gsheets.Sheet, echo string) ([]roster.Merge, int, error) {
	r, err := a1.Parse(echo)
	if err != nil {
		return nil, 0, fmt.Errorf("unexpected range in the API's answer: %w", err)
	}
	i := slices.IndexFunc(tabs, func(t *gsheets.Sheet) bool { return t.Properties.Title == r.Tab })
	if i < 0 {
		return nil, 0, fmt.Errorf("the range %q that the API read is on no tab it listed (a tab renamed meanwhile?); "+
			"the next sync reads it again", echo)
	}
	var merges []roster.Merge
	for _, m := range tabs[i].Merges {
		if m != nil {
			merges = append(merges, roster.Merge{Row: int(m.StartRowIndex), Col: int(m.StartColumnIndex),
				LastRow: int(m.EndRowIndex) - 1, LastCol: int(m.EndColumnIndex) - 1})
		}
	}
	return merges, r.Cells.FirstCol - 1, nil
}

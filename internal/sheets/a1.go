package sheets

import (
	"fmt"

	"github.com/rollcall/rollcall/internal/a1"
)

// startRow returns the 1-based sheet row where a range the API echoes
// begins: 3 for "'직원 목록'!B3:F10", 1 for "Sheet1" or "Sheet1!A:F".
func startRow(rangeA1 string) (int, error) {
	r, err := a1.Parse(rangeA1)
	if err != nil {
		return 0, fmt.Errorf("unexpected range in the API's answer: %w", err)
	}
	if r.Bare {
		if cells, err := a1.ParseCells(r.Tab); err == nil {
			return cells.FirstRow, nil // cells without a tab name
		}
	}
	return r.Cells.FirstRow, nil
}

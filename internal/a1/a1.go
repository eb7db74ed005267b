// Package a1 reads A1 notation ("'직원 목록'!A2:F"): the one reader, so that
// config, sheets and xlsx agree on what a range names.
package a1

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Range is an A1 range.
type Range struct {
	// Tab is the tab's name, unquoted: 직원 목록 in "'직원 목록'!A:Z".
	Tab string
	// Cells is the rectangle named after the "!"; Whole when none is.
	Cells Area
	// Bare says it had no quotes and no "!" ("A1:F200"): a caller that finds
	// no such tab reads Tab with ParseCells as cells of the first tab.
	Bare bool
}

// Area is a rectangle of a tab, 1-based and inclusive; a zero LastCol or LastRow runs to the end.
type Area struct {
	FirstCol, LastCol int
	FirstRow, LastRow int
}

// Whole is the area of a range that names a tab only.
var Whole = Area{FirstCol: 1, FirstRow: 1}

// ErrSyntax says that a text is not an A1 range.
var ErrSyntax = errors.New("not an A1 range")

// maxColumnLetters bounds a column's name: ZZZ is past any last column.
const maxColumnLetters = 3

// Parse reads an A1 range: a tab, a tab and cells ("'결과!직원'!B5:C6"), or a
// Bare word; an unquoted tab name ends at the last "!".
func Parse(s string) (Range, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Range{}, fmt.Errorf("%w: it is empty", ErrSyntax)
	}
	tab, cells, hasCells, err := splitTab(s)
	if err != nil {
		return Range{}, err
	}
	if tab == "" && !hasCells {
		return Range{Tab: s, Cells: Whole, Bare: true}, nil
	}
	if tab == "" {
		return Range{}, fmt.Errorf("%w: %q has no tab name before the '!'", ErrSyntax, s)
	}
	r := Range{Tab: tab, Cells: Whole}
	if hasCells {
		if r.Cells, err = ParseCells(cells); err != nil {
			return Range{}, err
		}
	}
	return r, nil
}

// splitTab separates a range's tab name, unquoted, from the cells after
// its "!"; an unquoted text without "!" yields neither.
func splitTab(s string) (tab, cells string, hasCells bool, err error) {
	if !strings.HasPrefix(s, "'") {
		i := strings.LastIndex(s, "!")
		if i < 0 {
			return "", "", false, nil
		}
		return strings.TrimSpace(s[:i]), s[i+1:], true, nil
	}
	var name strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			name.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' { // a doubled quote is one quote
			name.WriteByte('\'')
			i++
			continue
		}
		if name.Len() == 0 {
			return "", "", false, fmt.Errorf("%w: %q quotes an empty tab name", ErrSyntax, s)
		}
		rest := strings.TrimSpace(s[i+1:])
		if rest == "" {
			return name.String(), "", false, nil
		}
		if rest[0] != '!' {
			return "", "", false, fmt.Errorf("%w: %q has %q after the quoted tab name, want '!' and cells", ErrSyntax, s, rest)
		}
		return name.String(), rest[1:], true, nil
	}
	return "", "", false, fmt.Errorf("%w: %q opens a quote it does not close (a quote inside a name is written twice: 'HR''s list')", ErrSyntax, s)
}

// errCells explains the forms ParseCells reads.
const errCells = "want a cell or a range like A1, A1:F200, A:Z, A2:F or 1:200"

// ParseCells reads the cells of an A1 range: "B3", "A1:F200", "A:Z",
// "A2:F" or "1:200", corners in either order, "$" and case ignored.
func ParseCells(s string) (Area, error) {
	from, to, pair := strings.Cut(s, ":")
	if strings.Contains(to, ":") {
		return Area{}, fmt.Errorf("%w: cells %q: %s", ErrSyntax, s, errCells)
	}
	start, err := parseCorner(from)
	if err != nil {
		return Area{}, fmt.Errorf("%w: cells %q: %w", ErrSyntax, s, err)
	}
	if !pair {
		if start.col == 0 || start.row == 0 {
			return Area{}, fmt.Errorf("%w: cells %q: %s", ErrSyntax, s, errCells)
		}
		return Area{FirstCol: start.col, LastCol: start.col, FirstRow: start.row, LastRow: start.row}, nil
	}
	end, err := parseCorner(to)
	if err != nil {
		return Area{}, fmt.Errorf("%w: cells %q: %w", ErrSyntax, s, err)
	}
	if start.col != 0 && end.col != 0 && start.col > end.col {
		start.col, end.col = end.col, start.col
	}
	if start.row != 0 && end.row != 0 && start.row > end.row {
		start.row, end.row = end.row, start.row
	}
	return Area{
		FirstCol: max(start.col, 1), LastCol: end.col,
		FirstRow: max(start.row, 1), LastRow: end.row,
	}, nil
}

// corner is one end of a cells range; a zero col or row was left out.
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
		return corner{}, errors.New(errCells)
	}
	if len(colName) > maxColumnLetters {
		return corner{}, fmt.Errorf("column %q is past the last column", colName)
	}
	var c corner
	for _, r := range colName {
		c.col = c.col*26 + int(r-'A'+1)
	}
	if rowText != "" {
		row, err := strconv.Atoi(rowText)
		if err != nil || row < 1 || rowText[0] == '+' {
			return corner{}, fmt.Errorf("row %q: %s", rowText, errCells)
		}
		c.row = row
	}
	return c, nil
}

// Quote writes a tab's name for A1 notation, always quoted, an apostrophe doubled.
func Quote(tab string) string {
	return "'" + strings.ReplaceAll(tab, "'", "''") + "'"
}

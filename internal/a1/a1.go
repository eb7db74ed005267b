// Package a1 reads A1 notation ("'직원 목록'!A2:F"): the one reader, so that
// config, sheets and xlsx agree on what a range names.
package a1

import (
	"errors"
	"fmt"
	"regexp"
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

// quotedTab is a quoted tab name, a quote inside it written twice, and the
// cells after its "!" if any: '결과!직원'!B5:C6.
var quotedTab = regexp.MustCompile(`^'((?:[^']|'')+)'\s*(?:(!)(.*))?$`)

// Parse reads an A1 range: a tab, a tab and cells ("'결과!직원'!B5:C6"), or a
// Bare word; an unquoted tab name ends at the last "!".
func Parse(s string) (Range, error) {
	s = strings.TrimSpace(s)
	var tab, cells string // cells keeps its "!", or is "" when none is named
	switch m := quotedTab.FindStringSubmatch(s); {
	case s == "":
		return Range{}, fmt.Errorf("%w: it is empty", ErrSyntax)
	case m != nil:
		tab, cells = strings.ReplaceAll(m[1], "''", "'"), m[2]+m[3]
	case strings.HasPrefix(s, "'"):
		return Range{}, fmt.Errorf("%w: %q is not a quoted tab name, then '!' and cells "+
			"(a quote inside a name is written twice: 'HR''s list')", ErrSyntax, s)
	case !strings.Contains(s, "!"):
		return Range{Tab: s, Cells: Whole, Bare: true}, nil
	default:
		i := strings.LastIndex(s, "!")
		tab, cells = strings.TrimSpace(s[:i]), s[i:]
		if tab == "" {
			return Range{}, fmt.Errorf("%w: %q has no tab name before the '!'", ErrSyntax, s)
		}
	}
	r := Range{Tab: tab, Cells: Whole}
	if cells, ok := strings.CutPrefix(cells, "!"); ok {
		var err error
		if r.Cells, err = ParseCells(cells); err != nil {
			return Range{}, err
		}
	}
	return r, nil
}

// ParseCells reads the cells of an A1 range: "B3", "A1:F200", "A:Z",
// "A2:F" or "1:200", corners in either order, "$" and case ignored.
func ParseCells(s string) (Area, error) {
	from, to, pair := strings.Cut(s, ":")
	start, ok := parseCorner(from)
	end := start
	if pair && ok {
		end, ok = parseCorner(to)
	}
	if !ok || !pair && (start.col == 0 || start.row == 0) {
		return Area{}, fmt.Errorf("%w: cells %q: want a cell or a range like A1, A1:F200, A:Z, A2:F or 1:200", ErrSyntax, s)
	}
	if start.col != 0 && end.col != 0 {
		start.col, end.col = min(start.col, end.col), max(start.col, end.col)
	}
	if start.row != 0 && end.row != 0 {
		start.row, end.row = min(start.row, end.row), max(start.row, end.row)
	}
	return Area{
		FirstCol: max(start.col, 1), LastCol: end.col,
		FirstRow: max(start.row, 1), LastRow: end.row,
	}, nil
}

// corner is one end of a cells range; a zero col or row was left out.
type corner struct{ col, row int }

// cornerPattern is "B3", "B" or "3", with or without "$" marks; a column
// has at most 3 letters: ZZZ is past any last column.
var cornerPattern = regexp.MustCompile(`^\$?([A-Z]{0,3})\$?([0-9]*)$`)

func parseCorner(s string) (corner, bool) {
	m := cornerPattern.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(s)))
	if m == nil || m[1] == "" && m[2] == "" {
		return corner{}, false
	}
	var c corner
	for _, r := range m[1] {
		c.col = c.col*26 + int(r-'A'+1)
	}
	if m[2] != "" {
		row, err := strconv.Atoi(m[2])
		if err != nil || row < 1 {
			return corner{}, false
		}
		c.row = row
	}
	return c, true
}

// Quote writes a tab's name for A1 notation, always quoted, an apostrophe doubled.
func Quote(tab string) string {
	return "'" + strings.ReplaceAll(tab, "'", "''") + "'"
}

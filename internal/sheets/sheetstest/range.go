package sheetstest

import (
	"cmp"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// gridRange is a resolved A1 range: a rectangle of one tab, 1-based and
// inclusive, clipped to the tab's grid.
type gridRange struct {
	tab            *Tab
	r1, c1, r2, c2 int
}

// endpoint is one side of an A1 range: "B3", "B" or "3".
type endpoint struct {
	col, row int // 0 when absent
}

var endpointRE = regexp.MustCompile(`^\$?([A-Za-z]{0,3})\$?([0-9]{0,8})$`)

// resolve parses an A1 range as the API does, against a spreadsheet: a tab
// name alone ("Sheet1", "'직원 목록'"), a tab and cells ("'직원 목록'!A:Z",
// "Sheet1!A3:F"), or cells alone, which mean the first visible tab. An unknown tab
// or malformed cells is the API's "Unable to parse range"; a range beyond
// the grid is its "exceeds grid limits".
func (s *spreadsheet) resolve(a1 string) (gridRange, *Error) {
	parseErr := &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: "Unable to parse range: " + a1}
	name, cells, hasName, ok := splitRange(a1)
	if !ok {
		return gridRange{}, parseErr
	}
	var tab *Tab
	switch {
	case hasName:
		tab = s.tab(name)
	case s.tab(a1) != nil: // an unquoted tab name alone
		tab, cells, hasName = s.tab(a1), "", true
	default:
		for i := range s.tabs {
			if !s.tabs[i].Hidden {
				tab = &s.tabs[i]
				break
			}
		}
	}
	if tab == nil || tab.Chart {
		return gridRange{}, parseErr
	}
	rows, cols := tab.size()
	g := gridRange{tab: tab, r1: 1, c1: 1, r2: rows, c2: cols}
	if cells == "" {
		if hasName {
			return g, nil
		}
		return gridRange{}, parseErr
	}

	first, second, pair := strings.Cut(cells, ":")
	a, okA := parseEndpoint(first)
	b, okB := parseEndpoint(second)
	switch {
	case !okA:
		return gridRange{}, parseErr
	case !pair: // one cell
		if a.col == 0 || a.row == 0 {
			return gridRange{}, parseErr
		}
		g.r1, g.c1, g.r2, g.c2 = a.row, a.col, a.row, a.col
	case !okB:
		return gridRange{}, parseErr
	case a.col == 0 && b.col != 0 && b.row == 0, // "3:F"
		a.row == 0 && b.row != 0 && b.col == 0: // "A:5"
		return gridRange{}, parseErr
	default:
		g.c1, g.r1 = cmp.Or(a.col, 1), cmp.Or(a.row, 1)
		g.c2, g.r2 = cmp.Or(b.col, cols), cmp.Or(b.row, rows)
		if a.col == 0 && b.col == 0 { // whole rows "3:9"
			g.c1, g.c2 = 1, cols
		}
		if a.row == 0 && b.row == 0 { // whole columns "A:F"
			g.r1, g.r2 = 1, rows
		}
	}
	if g.r1 > g.r2 {
		g.r1, g.r2 = g.r2, g.r1
	}
	if g.c1 > g.c2 {
		g.c1, g.c2 = g.c2, g.c1
	}
	if g.r2 > rows || g.c2 > cols {
		return gridRange{}, &Error{Code: 400, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf(
			"Range (%s!%s) exceeds grid limits. Max rows: %d, max columns: %d",
			quoteTitle(tab.Title), cells, rows, cols)}
	}
	return g, nil
}

// splitRange separates a range's tab name from its cells. A quoted name
// ends at a lone quote and doubles the quotes it contains.
func splitRange(a1 string) (name, cells string, hasName, ok bool) {
	if strings.HasPrefix(a1, "'") {
		var b strings.Builder
		for i := 1; i < len(a1); i++ {
			if a1[i] != '\'' {
				b.WriteByte(a1[i])
				continue
			}
			if i+1 < len(a1) && a1[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			rest := a1[i+1:]
			if b.Len() == 0 {
				return "", "", false, false
			}
			if rest == "" {
				return b.String(), "", true, true
			}
			if rest[0] != '!' || len(rest) == 1 {
				return "", "", false, false
			}
			return b.String(), rest[1:], true, true
		}
		return "", "", false, false // unterminated
	}
	if i := strings.LastIndex(a1, "!"); i >= 0 {
		if i == 0 || i == len(a1)-1 {
			return "", "", false, false
		}
		return a1[:i], a1[i+1:], true, true
	}
	if a1 == "" {
		return "", "", false, false
	}
	return "", a1, false, true
}

func parseEndpoint(s string) (endpoint, bool) {
	m := endpointRE.FindStringSubmatch(s)
	if m == nil || m[1] == "" && m[2] == "" {
		return endpoint{}, false
	}
	var e endpoint
	for _, r := range strings.ToUpper(m[1]) {
		e.col = e.col*26 + int(r-'A'+1)
	}
	if m[2] != "" {
		n, err := strconv.Atoi(m[2])
		if err != nil || n < 1 {
			return endpoint{}, false
		}
		e.row = n
	}
	return e, true
}

// String is the range as the API echoes it: "'직원 목록'!A1:Z1000", or
// "Sheet1!B2" for one cell.
func (g gridRange) String() string {
	from := columnName(g.c1) + strconv.Itoa(g.r1)
	if g.r1 == g.r2 && g.c1 == g.c2 {
		return quoteTitle(g.tab.Title) + "!" + from
	}
	return quoteTitle(g.tab.Title) + "!" + from + ":" + columnName(g.c2) + strconv.Itoa(g.r2)
}

func columnName(c int) string {
	var b []byte
	for c > 0 {
		c--
		b = append([]byte{byte('A' + c%26)}, b...)
		c /= 26
	}
	return string(b)
}

var (
	plainTitleRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	cellLikeRE   = regexp.MustCompile(`^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*)$`)
)

// quoteTitle quotes a tab title the way the API does in the ranges it
// returns: only when the title is not a plain identifier, or looks like a
// cell.
func quoteTitle(title string) string {
	if plainTitleRE.MatchString(title) && !cellLikeRE.MatchString(title) {
		return title
	}
	return "'" + strings.ReplaceAll(title, "'", "''") + "'"
}

package sheets

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// quoteSheetName quotes a tab's title for A1 notation: 직원 목록 becomes
// '직원 목록', and an apostrophe inside a title is doubled. Quoting is
// always allowed, so every title is quoted rather than guessing which ones
// need it.
func quoteSheetName(title string) string {
	return "'" + strings.ReplaceAll(title, "'", "''") + "'"
}

// startRow returns the 1-based sheet row where an A1 range such as
// "'직원 목록'!B3:F10" begins, as the API echoes it in a ValueRange: 1 for a
// whole sheet or whole columns ("Sheet1", "Sheet1!A:F").
func startRow(a1 string) (int, error) {
	cells, ok := cellsPart(a1)
	if !ok {
		return 0, fmt.Errorf("unexpected range %q in the API's answer", a1)
	}
	if cells == "" {
		return 1, nil
	}
	first, _, _ := strings.Cut(cells, ":")
	first = strings.ReplaceAll(first, "$", "")
	digits := strings.TrimLeft(first, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
	if digits == "" {
		if first == "" {
			return 0, fmt.Errorf("unexpected range %q in the API's answer", a1)
		}
		return 1, nil // whole columns
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("unexpected range %q in the API's answer", a1)
	}
	return n, nil
}

// cellsPart splits off the tab name of an A1 range and returns what follows
// the "!", or "" when the range is a whole tab. A quoted name may contain
// "!" and doubled quotes.
func cellsPart(a1 string) (string, bool) {
	if strings.HasPrefix(a1, "'") {
		for i := 1; i < len(a1); i++ {
			if a1[i] != '\'' {
				continue
			}
			if i+1 < len(a1) && a1[i+1] == '\'' {
				i++
				continue
			}
			rest := a1[i+1:]
			if rest == "" {
				return "", true
			}
			if !strings.HasPrefix(rest, "!") || len(rest) == 1 {
				return "", false
			}
			return rest[1:], true
		}
		return "", false // unterminated quote
	}
	if i := strings.LastIndex(a1, "!"); i >= 0 {
		if i == len(a1)-1 {
			return "", false
		}
		return a1[i+1:], true
	}
	if cellRange.MatchString(a1) {
		return a1, true // cells without a tab name
	}
	return "", true // an unquoted tab name alone
}

// cellRange matches the cells part of an A1 range: "B3", "A:F", "A3:F", "3:9".
var cellRange = regexp.MustCompile(`^\$?[A-Za-z]{0,3}\$?[0-9]*(:\$?[A-Za-z]{0,3}\$?[0-9]*)?$`)

package xlsx

import (
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// dates renders a tab's date cells as ISO dates: numbers (days since 1900,
// or 1904) whose style's number format is a date's.
type dates struct {
	f        *excelize.File
	tab      string
	date1904 bool
	styles   map[int]bool // style index → whether it formats a date
}

// render shows row n's date cells as ISO dates; only a number shown as
// something else may be one, so most cells cost nothing.
func (d *dates) render(n int, shown, raw []string) error {
	for j := range min(len(shown), len(raw)) {
		if shown[j] == raw[j] {
			continue
		}
		serial, err := strconv.ParseFloat(raw[j], 64)
		if err != nil {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(j+1, n)
		if err != nil {
			return err
		}
		idx, err := d.f.GetCellStyle(d.tab, cell)
		if err != nil {
			return err
		}
		isDate, seen := d.styles[idx]
		if !seen {
			style, err := d.f.GetStyle(idx)
			if err != nil {
				return err
			}
			isDate = isDateFormat(style)
			d.styles[idx] = isDate
		}
		if !isDate {
			continue
		}
		if t, err := excelize.ExcelDateToTime(serial, d.date1904); err == nil {
			shown[j] = t.Format(time.DateOnly) // else out of the calendar: what Excel shows
		}
	}
	return nil
}

// isDateFormat reports whether a style's number format shows a date: built in
// (27-36 and 50-58 are East Asian), or a year or day outside literal text.
func isDateFormat(s *excelize.Style) bool {
	if s.CustomNumFmt == nil {
		id := s.NumFmt
		return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)
	}
	var code strings.Builder
	quoted, bracket, escaped := false, false, false
	for _, r := range *s.CustomNumFmt {
		switch {
		case escaped:
			escaped = false
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '\\':
			escaped = true
		case r == '[':
			bracket = true
		case r == ']':
			bracket = false
		case !bracket:
			code.WriteRune(r)
		}
	}
	return strings.ContainsAny(strings.ToLower(code.String()), "yd")
}

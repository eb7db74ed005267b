package roster

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// headerSearchRows is how far down the header row may be: room for a title
// and notes, near enough that data is never read as a header.
const headerSearchRows = 20

// layout is where a sheet's header is and which columns rollcall reads.
type layout struct {
	headerRow int      // 0-based, the upper row of a two-row header
	firstData int      // 0-based, the first row below the header
	labels    []string // each column's header text
	cols      columns
	ignored   []string // the header texts of the columns not read
}

// findLayout finds the header row and its sub-header (CONTRACT.md section 4).
func findLayout(rows [][]string) (layout, error) {
	for i := 0; i < len(rows) && i < headerSearchRows; i++ {
		if !hasPhoneHeader(rows[i]) {
			continue
		}
		if holdsPhoneNumber(rows[i]) {
			// A header cell with a phone number in it is rows glued
			// together (line breaks lost): reading on would drop people.
			return layout{}, &SheetError{Row: i + 1, Err: ErrRowsRunTogether}
		}
		l := layout{headerRow: i, firstData: i + 1, labels: rows[i]}
		if i+1 < len(rows) && isSubHeader(rows[i+1]) {
			l.firstData = i + 2
			l.labels = mergeLabels(rows[i], rows[i+1])
		}
		var err error
		l.cols, l.ignored, err = findColumns(l.labels, i+1)
		return l, err
	}
	for i, row := range rows {
		if !isBlank(row) {
			return layout{}, &SheetError{Row: i + 1, problem: problem(i+1, ProblemMissingPhoneColumn),
				Err: fmt.Errorf("%w: %s", ErrNoPhoneColumn, describeRow(row))}
		}
	}
	return layout{}, ErrNoHeader
}

func hasPhoneHeader(row []string) bool { return slices.ContainsFunc(row, isPhoneHeader) }

// isSubHeader reports whether a row right below the header row is the
// header's second row: a known header and no phone number.
func isSubHeader(row []string) bool {
	known := slices.ContainsFunc(row, func(c string) bool { return aliases[foldHeader(c)].field != 0 })
	return known && !slices.ContainsFunc(row, isPhoneNumber)
}

// holdsPhoneNumber reports whether a cell, or a line of one, is a mobile
// number: "휴대폰 (010-0000-0000)" on one line is still a header.
func holdsPhoneNumber(row []string) bool {
	isLineBreak := func(r rune) bool { return r == '\n' || r == '\r' }
	return slices.ContainsFunc(row, func(c string) bool {
		return slices.ContainsFunc(strings.FieldsFunc(c, isLineBreak), isPhoneNumber)
	})
}

// isPhoneNumber reports whether s is nothing but a mobile number (the
// phone library would also find one inside "비고(예: 010-1234-5678)").
func isPhoneNumber(s string) bool {
	_, err := NormalizePhone(s)
	return err == nil && !strings.ContainsFunc(s, unicode.IsLetter)
}

// mergeLabels labels each column from the lower row where it has text, else
// from the upper row (a merged group label sits in its first column only).
func mergeLabels(upper, lower []string) []string {
	labels := make([]string, max(len(upper), len(lower)))
	for i := range labels {
		labels[i] = cmp.Or(cell(lower, i), cell(upper, i))
	}
	return labels
}

// describeRow shows an operator the first non-empty row, unless it looks like
// an employee's, whose cells are PII.
func describeRow(row []string) string {
	var cells []string
	for _, c := range row {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if _, err := NormalizePhone(c); err == nil || strings.Contains(c, "@") {
			return "the first non-empty row looks like an employee's, not a header; " + rangeHint
		}
		if utf8.RuneCountInString(c) > 20 {
			c = string([]rune(c)[:20]) + "…"
		}
		if len(cells) < 8 {
			cells = append(cells, fmt.Sprintf("%q", c))
		}
	}
	return fmt.Sprintf("the first non-empty row has %s; %s", strings.Join(cells, ", "), rangeHint)
}

const rangeHint = "name the phone column 휴대전화 (or another header of the contract), " +
	"or point ROLLCALL_SHEET_RANGE at the rows that hold the list"

// Header says where a sheet's header was found and which column each field
// was read from, so that an operator sees the mapping rollcall made.
type Header struct {
	// Row is the sheet's 1-based row number of the header (its upper row
	// when it has two).
	Row int
	// TwoRows says the header has two rows: a group label over sub-labels.
	TwoRows bool
	// Columns lists the fields read, in Field order, then left to right.
	Columns []Column
	// Ignored holds the header texts of the columns not read, as
	// Roster.IgnoredColumns does.
	Ignored []string
}

// Column is a field and the column it is read from.
type Column struct {
	Field Field
	// Letter is the column's A1 letter: "C".
	Letter string
	// Header is the column's header text as a report may repeat it
	// (headerText): never data that was typed into a header cell.
	Header string
}

var fieldNames = [...]string{FieldPhone: "phone", FieldName: "name", FieldDepartment: "department",
	FieldPosition: "position", FieldEmail: "email", FieldStatus: "status", FieldLeaveDate: "leave date"}

// String names a field as the contract's header table does.
func (f Field) String() string {
	if f >= FieldPhone && f <= FieldLeaveDate {
		return fieldNames[f]
	}
	return fmt.Sprintf("field %d", int(f))
}

// ReadHeader finds the header of a sheet's rows as ParseRoster does and
// says which column each field is read from. Its errors are ParseRoster's.
func ReadHeader(rows [][]string) (Header, error) {
	l, err := findLayout(rows)
	if err != nil {
		return Header{}, err
	}
	h := Header{Row: l.headerRow + 1, TwoRows: l.firstData == l.headerRow+2, Ignored: l.ignored}
	for _, c := range l.cols {
		label := cell(l.labels, c.index)
		h.Columns = append(h.Columns, Column{Field: c.field, Letter: columnLetter(c.index), Header: headerText(c.index, label)})
	}
	return h, nil
}

// columnLetter is a 0-based column's A1 letter: 0 is A, 26 is AA.
func columnLetter(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

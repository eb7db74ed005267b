package roster

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Header says where a sheet's header was found and which column each field
// was read from, so that an operator sees the mapping rollcall made.
type Header struct {
	// Row is the sheet's 1-based row number of the header (its upper row
	// when it has two).
	Row int
	// TwoRows says the header has two rows: a group label over sub-labels.
	TwoRows bool
	// Columns lists the fields read, in Field order.
	Columns []Column
}

// Column is a field and the column it is read from.
type Column struct {
	Field Field
	// Letter is the column's A1 letter: "C".
	Letter string
	// Header is the column's header text, as a report may repeat it (see
	// headerText): never data that was typed into a header cell.
	Header string
}

// String names a field as the contract's header table does.
func (f Field) String() string {
	switch f {
	case FieldPhone:
		return "phone"
	case FieldName:
		return "name"
	case FieldDepartment:
		return "department"
	case FieldPosition:
		return "position"
	case FieldEmail:
		return "email"
	case FieldStatus:
		return "status"
	case FieldLeaveDate:
		return "leave date"
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
	cols, _, err := findColumns(l.labels)
	if err != nil {
		return Header{}, err
	}
	return describeHeader(l, cols), nil
}

// describeHeader is the mapping a layout and its columns make.
func describeHeader(l layout, cols columns) Header {
	type read struct {
		field Field
		index int
	}
	var reads []read
	for f, i := range cols.at {
		reads = append(reads, read{f, i})
	}
	// Every status and leave-date column is read.
	for _, sc := range cols.status {
		reads = append(reads, read{FieldStatus, sc.index})
	}
	for _, i := range cols.leave {
		reads = append(reads, read{FieldLeaveDate, i})
	}
	// By field, then left to right.
	slices.SortFunc(reads, func(a, b read) int { return cmp.Or(cmp.Compare(a.field, b.field), cmp.Compare(a.index, b.index)) })
	h := Header{Row: l.headerRow + 1, TwoRows: l.firstData == l.headerRow+2}
	for _, r := range reads {
		label := ""
		if r.index < len(l.labels) {
			label = strings.TrimSpace(l.labels[r.index])
		}
		h.Columns = append(h.Columns, Column{Field: r.field, Letter: columnLetter(r.index), Header: headerText(r.index, label)})
	}
	return h
}

// columnLetter is a 0-based column's A1 letter: 0 is A, 26 is AA.
func columnLetter(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

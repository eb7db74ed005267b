package roster

import (
	"fmt"
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
	// Columns lists the fields read, in Field order, then left to right.
	Columns []Column
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
	h := Header{Row: l.headerRow + 1, TwoRows: l.firstData == l.headerRow+2}
	for _, c := range l.cols {
		label := strings.TrimSpace(l.labels[c.index])
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

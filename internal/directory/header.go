package directory

import (
	"strings"
	"unicode"
)

// Field is a column of HR's sheet that rollcall reads.
type Field int

// The fields rollcall reads. Every other column is ignored.
const (
	FieldPhone Field = iota + 1
	FieldName
	FieldDepartment
	FieldPosition
	FieldEmail
	FieldStatus
)

// columnOf says which field a header cell names, matching the contract's
// Korean and English aliases without regard to case or spaces. rank orders
// aliases of the same field: a sheet with both "휴대전화" and "전화번호"
// (often an office line) reads the mobile column, whatever the column order.
func columnOf(header string) (f Field, rank int, ok bool) {
	switch foldHeader(header) {
	case "휴대전화", "휴대폰", "핸드폰", "mobile":
		return FieldPhone, 0, true
	case "전화번호", "연락처", "phone":
		return FieldPhone, 1, true
	case "이름", "성명", "name":
		return FieldName, 0, true
	case "부서", "department", "dept":
		return FieldDepartment, 0, true
	case "직급", "직위", "position", "title":
		return FieldPosition, 0, true
	case "이메일", "email", "e-mail":
		return FieldEmail, 0, true
	case "재직상태", "상태", "status":
		return FieldStatus, 0, true
	}
	return 0, 0, false
}

// foldHeader lowercases a header and removes every space in it, so that
// "Phone ", "E-Mail" and "재직 상태" match their aliases.
func foldHeader(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// hasLeft reports whether a status cell says the person no longer works here.
// Anything else, including an empty cell, means employed.
func hasLeft(status string) bool {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "퇴사", "퇴직", "left", "resigned", "terminated", "inactive":
		return true
	}
	return false
}

// columns maps each field found in a header row to its 0-based column index.
type columns map[Field]int

// findColumns reads a header row. For a field named more than once, the
// better-ranked alias wins, then the leftmost column.
func findColumns(header []string) columns {
	cols := columns{}
	ranks := map[Field]int{}
	for i, cell := range header {
		f, rank, ok := columnOf(cell)
		if !ok {
			continue
		}
		if best, seen := ranks[f]; seen && best <= rank {
			continue
		}
		cols[f], ranks[f] = i, rank
	}
	return cols
}

// cell returns the trimmed value of field f in row, or "" when the sheet has
// no such column or the row is shorter than the header (Sheets drops trailing
// empty cells).
func (c columns) cell(row []string, f Field) string {
	i, ok := c[f]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

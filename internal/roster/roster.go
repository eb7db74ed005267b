package roster

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Problem codes, stable for machines; Reason carries the words for HR.
const (
	ProblemMissingPhone   = "missing_phone"
	ProblemInvalidPhone   = "invalid_phone"
	ProblemDuplicatePhone = "duplicate_phone"
	// ProblemBadLeaveDate is a leave date that is not a date: the person is
	// not an employee until it is fixed, since an access list fails closed.
	ProblemBadLeaveDate = "bad_leave_date"
	// ProblemMissingPhoneColumn is the header row's problem when ParseRoster
	// fails with ErrNoPhoneColumn.
	ProblemMissingPhoneColumn = "missing_phone_column"
)

// Problem is a sheet row that rollcall skipped, and why, in words HR can act
// on. It never quotes the cell, so a report may be logged and shared.
type Problem struct {
	// Row is the sheet's own 1-based row number.
	Row    int    `json:"row"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// Roster is what a sheet says about who works here.
type Roster struct {
	// Employees holds one entry per distinct phone, in sheet order.
	Employees []Employee
	// Rows counts the non-blank data rows below the header.
	Rows int
	// Left counts the rows whose status or past leave date says the
	// person has left.
	Left int
	// Problems lists the rows that were skipped.
	Problems []Problem
	// IgnoredColumns holds the header texts of the columns not read.
	IgnoredColumns []string
}

// Errors that make a whole sheet unusable. A sync must not act on such a read.
var (
	ErrNoHeader      = errors.New("the sheet is empty: no header row found")
	ErrNoPhoneColumn = errors.New("no phone header in the sheet's first 20 rows")
	// ErrRowsRunTogether means the header row holds a phone number: the
	// file's rows could not be told apart, so reading it would drop people.
	ErrRowsRunTogether = errors.New("the header row holds a phone number: the sheet's rows run together " +
		"(a file whose line breaks were lost?); save it again from Excel or Google Sheets")
)

// SheetError is a problem with the sheet as a whole, located at a row.
type SheetError struct {
	Row int
	Err error
}

func (e *SheetError) Error() string { return fmt.Sprintf("row %d: %v", e.Row, e.Err) }

func (e *SheetError) Unwrap() error { return e.Err }

// ParseRoster reads a sheet's rows, as a source returns them: rows[i] is the
// sheet's row i+1, blank rows included. The header is found by findLayout;
// rows above it are ignored. Leave dates are compared with the day now falls
// on in Seoul, so a sync on or after that day drops the person even when the
// sheet did not change. Rows that cannot be used are reported as problems
// and skipped; only a sheet without a phone header is an error, and then the
// roster holds just that problem for HR.
func ParseRoster(rows [][]string, now time.Time) (Roster, error) {
	l, err := findLayout(rows)
	if se, ok := errors.AsType[*SheetError](err); ok && errors.Is(err, ErrNoPhoneColumn) {
		return Roster{Problems: []Problem{{Row: se.Row, Code: ProblemMissingPhoneColumn,
			Reason: "위쪽 20행 안에서 휴대전화 열의 머리글을 찾지 못했습니다. 열 이름을 '휴대전화' 또는 '휴대폰 번호'처럼 적어 주세요."}}}, err
	}
	if err != nil {
		return Roster{}, err
	}
	cols, ignored := findColumns(l.labels)
	r := Roster{IgnoredColumns: ignored}
	day := today(now)
	firstRow := map[string]int{} // phone → the row that claimed it
	for i := l.firstData; i < len(rows); i++ {
		row, n := rows[i], i+1
		if isBlank(row) {
			continue
		}
		r.Rows++
		if hasLeft(cols.cell(row, FieldStatus)) {
			r.Left++
			continue
		}
		if raw := cols.cell(row, FieldLeaveDate); raw != "" {
			left, ok := parseLeaveDate(raw)
			if !ok {
				r.Problems = append(r.Problems, Problem{Row: n, Code: ProblemBadLeaveDate,
					Reason: "퇴사일을 날짜로 읽을 수 없어 직원으로 반영하지 않았습니다. 2026-10-31 처럼 적거나 비워 두세요."})
				continue
			}
			if left <= day {
				r.Left++
				continue
			}
		}
		raw := cols.cell(row, FieldPhone)
		if raw == "" {
			r.Problems = append(r.Problems, Problem{Row: n, Code: ProblemMissingPhone,
				Reason: "휴대전화 번호가 비어 있습니다."})
			continue
		}
		phone, err := NormalizePhone(raw)
		if err != nil {
			r.Problems = append(r.Problems, Problem{Row: n, Code: ProblemInvalidPhone,
				Reason: "휴대전화 번호로 읽을 수 없습니다. 010-1234-5678 처럼 적어 주세요."})
			continue
		}
		if first, dup := firstRow[phone]; dup {
			r.Problems = append(r.Problems, Problem{Row: n, Code: ProblemDuplicatePhone,
				Reason: fmt.Sprintf("%d행과 휴대전화 번호가 같습니다. 먼저 나온 %d행만 반영했습니다.", first, first)})
			continue
		}
		firstRow[phone] = n
		r.Employees = append(r.Employees, Employee{
			Phone:      phone,
			Name:       cols.cell(row, FieldName),
			Department: cols.cell(row, FieldDepartment),
			Position:   cols.cell(row, FieldPosition),
			Email:      cols.cell(row, FieldEmail),
			Row:        n,
		})
	}
	return r, nil
}

func isBlank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

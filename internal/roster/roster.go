// Package roster owns rollcall's business nouns: an employee, a phone
// number in E.164 form, and the roster read from HR's sheet with the
// problems found in it. Standard library and the phone library only.
package roster

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Problem codes, stable for machines; Reason carries the words for HR. A
// row with a problem is not an employee's: an access list fails closed.
const (
	ProblemMissingPhone   = "missing_phone"
	ProblemInvalidPhone   = "invalid_phone"
	ProblemDuplicatePhone = "duplicate_phone"
	// ProblemFormulaWithoutValue is a phone formula whose result was not saved.
	ProblemFormulaWithoutValue = "formula_without_value"
	// ProblemUnknownStatus is a status in none of the contract's word lists.
	ProblemUnknownStatus = "unknown_status"
	// ProblemSecondTable is a header row below the list, unread to LastRow.
	ProblemSecondTable = "second_table"
	// ProblemBadLeaveDate is a leave date that is not a date.
	ProblemBadLeaveDate = "bad_leave_date"
	// ProblemMissingPhoneColumn is the header's problem of ErrNoPhoneColumn.
	ProblemMissingPhoneColumn = "missing_phone_column"
	// ProblemUnreadableStatusColumn is that of ErrUnreadableStatusColumn.
	ProblemUnreadableStatusColumn = "unreadable_status_column"
)

// reasons are the words HR reads for each problem: formats of the row and
// column numbers given to problem, never of a cell's content.
var reasons = map[string]string{
	ProblemMissingPhone: "휴대전화 번호가 비어 있습니다.",
	ProblemInvalidPhone: "휴대전화 번호로 읽을 수 없습니다. 010-1234-5678 처럼 적어 주세요.",
	ProblemFormulaWithoutValue: "휴대전화 칸이 수식인데 파일에 계산된 값이 저장되어 있지 않습니다. " +
		"Excel에서 파일을 열어 저장한 뒤 다시 올려 주세요.",
	ProblemUnknownStatus: "재직 상태를 읽을 수 없어 직원으로 반영하지 않았습니다. 재직, 휴직, 퇴사처럼 적거나 비워 두세요. " +
		"(재직여부 열은 Y/N, 퇴사여부 열은 Y/N으로 적을 수 있습니다.)",
	ProblemBadLeaveDate: "퇴사일을 날짜로 읽을 수 없어 직원으로 반영하지 않았습니다. 2026-10-31 처럼 적거나 비워 두세요.",
	ProblemMissingPhoneColumn: "위쪽 20행 안에서 휴대전화 열의 머리글을 찾지 못했습니다. " +
		"열 이름을 '휴대전화' 또는 '휴대폰 번호'처럼 적어 주세요.",
	ProblemDuplicatePhone: "%[1]d행과 휴대전화 번호가 같습니다. 먼저 나온 %[1]d행만 반영했습니다.",
	ProblemSecondTable: "%[1]d행에 머리글 행이 다시 나와 두 번째 표로 보고, %[1]d행부터 %[2]d행까지는 직원으로 읽지 않았습니다. " +
		"명단은 표 하나로 두고, 다른 표(퇴사자 명단 등)는 다른 탭으로 옮겨 주세요.",
	ProblemUnreadableStatusColumn: "왼쪽에서 %d번째 열의 머리글이 퇴사·재직에 관한 것으로 보이지만 rollcall이 읽는 머리글이 아니어서, " +
		"퇴사자를 가려낼 수 없어 동기화하지 않았습니다. 머리글을 '재직상태', '재직여부', '퇴사여부', '퇴사일' 중 하나로 바꾸거나, " +
		"퇴사·퇴직·재직이라는 말이 들어가지 않게 바꿔 주세요.",
}

// Problem is a sheet row that rollcall skipped, and why, in words HR can act
// on; never quoting a cell, so that a report may be logged.
type Problem struct {
	// Row is the sheet's own 1-based row number.
	Row int `json:"row"`
	// LastRow, when set, is the last row of a problem that spans rows.
	LastRow int    `json:"last_row,omitempty"`
	Code    string `json:"code"`
	Reason  string `json:"reason"`
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
	// ErrUnreadableStatusColumn means a column's header speaks of leaving
	// or employment status but is none that rollcall reads.
	ErrUnreadableStatusColumn = errors.New("the column's header speaks of leaving or employment status " +
		"but is not one rollcall reads: name it 재직상태, 재직여부, 퇴사여부 or 퇴사일 " +
		"(or another status or leave-date header of the contract), or rename it so that it does not say " +
		"퇴사, 퇴직, 재직, 근무상태 or 고용상태")
)

// SheetError is a problem with the sheet as a whole, located at a row.
type SheetError struct {
	Row     int
	Err     error
	problem Problem // HR's, when there is one
}

func (e *SheetError) Error() string { return fmt.Sprintf("row %d: %v", e.Row, e.Err) }

func (e *SheetError) Unwrap() error { return e.Err }

// ParseRoster reads a sheet's rows (rows[i] is row i+1) by CONTRACT.md section
// 4, leave dates against now's day in Seoul. A sheet without a phone header or
// with an unreadable status column is an error, the roster's one problem.
func ParseRoster(rows [][]string, now time.Time) (Roster, error) {
	l, err := findLayout(rows)
	if err != nil {
		var r Roster
		if se, ok := errors.AsType[*SheetError](err); ok && se.problem.Code != "" {
			r.Problems = []Problem{se.problem}
		}
		return r, err
	}
	r := Roster{IgnoredColumns: l.ignored}
	firstRow := map[string]int{} // phone → the row that claimed it
	for i := l.firstData; i < len(rows); i++ {
		row, n := rows[i], i+1
		if isBlank(row) {
			continue
		}
		if hasPhoneHeader(row) && !holdsPhoneNumber(row) { // a second table: not read, to its last row
			last := len(rows)
			for isBlank(rows[last-1]) {
				last--
			}
			p := problem(n, ProblemSecondTable, n, last)
			p.LastRow = last
			r.Problems = append(r.Problems, p)
			break
		}
		r.Rows++
		phone, code := l.cols.readPhone(row, now)
		first, dup := firstRow[phone]
		switch {
		case code == left:
			r.Left++
		case code != "":
			r.Problems = append(r.Problems, problem(n, code))
		case dup:
			r.Problems = append(r.Problems, problem(n, ProblemDuplicatePhone, first))
		default:
			firstRow[phone] = n
			r.Employees = append(r.Employees, Employee{
				Phone:      phone,
				Name:       cell(row, l.cols.index(FieldName)),
				Department: cell(row, l.cols.index(FieldDepartment)),
				Position:   cell(row, l.cols.index(FieldPosition)),
				Email:      cell(row, l.cols.index(FieldEmail)),
				Row:        n,
			})
		}
	}
	return r, nil
}

// problem is a row's problem, its reason given the numbers it names.
func problem(row int, code string, numbers ...any) Problem {
	return Problem{Row: row, Code: code, Reason: fmt.Sprintf(reasons[code], numbers...)}
}

// left is readPhone's code for a row whose person has left: not a problem.
const left = "left"

// statusCodes are readPhone's codes of a row's status.
var statusCodes = [...]string{statusLeft: left, statusUnknown: ProblemUnknownStatus, statusBadLeaveDate: ProblemBadLeaveDate}

// readPhone returns a row's phone, or why the row is not an employee's: the
// code of its problem, or left.
func (c columns) readPhone(row []string, now time.Time) (phone, code string) {
	if code := statusCodes[c.hasLeft(row, now)]; code != "" {
		return "", code
	}
	raw := cell(row, c.index(FieldPhone))
	switch {
	case len(raw) > 1 && raw[0] == '=': // no phone does: a formula without its result, as xlsx shows one
		return "", ProblemFormulaWithoutValue
	case raw == "":
		return "", ProblemMissingPhone
	}
	phone, err := NormalizePhone(withoutNote(raw))
	if err != nil {
		return "", ProblemInvalidPhone
	}
	return phone, ""
}

// hasLeft reads a row's status and leave-date columns: statusLeft when any
// says the person has left, else the worst reading that is not employed.
func (c columns) hasLeft(row []string, now time.Time) status {
	verdict := statusEmployed
	for _, col := range c {
		var s status
		switch col.field {
		case FieldStatus:
			s = readStatus(cell(row, col.index), col.yesNo)
		case FieldLeaveDate:
			s = readLeaveDate(cell(row, col.index), now)
		}
		if s == statusLeft {
			return statusLeft
		}
		verdict = max(verdict, s)
	}
	return verdict
}

// withoutNote drops a bracketed note without digits at the end of a phone
// cell ("010-1111-2222(개인)"); one with digits might be a second number.
func withoutNote(s string) string {
	s = strings.TrimSpace(normalizeText(s))
	if m := phoneNote.FindStringSubmatch(s); m != nil {
		return strings.TrimSpace(m[1])
	}
	return s
}

// PhoneColumn returns ParseRoster's 0-based phone column and first data row,
// for a source to look closer at empty phone cells.
func PhoneColumn(rows [][]string) (col, firstData int, ok bool) {
	l, err := findLayout(rows)
	if err != nil {
		return 0, 0, false
	}
	col = l.cols.index(FieldPhone)
	return col, l.firstData, col >= 0
}

func isBlank(row []string) bool {
	return !slices.ContainsFunc(row, func(c string) bool { return strings.TrimSpace(c) != "" })
}

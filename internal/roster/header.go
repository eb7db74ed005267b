package roster

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
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
	FieldLeaveDate
	// fieldOfficeLine is a phone header that names an office line: a known
	// header (it can make a two-row header) that is never the phone.
	fieldOfficeLine
)

// Ranks of the phone aliases: a mobile header beats a generic one, whatever
// the column order, because a generic "전화번호" is often the office line.
const (
	rankMobile  = 0
	rankGeneric = 1
)

// alias is what a folded header names.
type alias struct {
	field Field
	rank  int
	// yesNo says how a status column reads yes and no (FieldStatus only).
	yesNo yesNo
}

// aliases is CONTRACT.md section 4's header table, folded by foldHeader.
// It is built once by aliasTable and never written afterwards.
var aliases = aliasTable()

func aliasTable() map[string]alias {
	t := map[string]alias{}
	add := func(f Field, rank int, names ...string) {
		for _, n := range names {
			t[foldHeader(n)] = alias{field: f, rank: rank}
		}
	}
	add(FieldPhone, rankMobile, "휴대전화", "휴대전화번호", "휴대폰", "휴대폰번호", "핸드폰", "핸드폰번호",
		"휴대번호", "이동전화", "모바일", "연락처(휴대폰)", "HP", "mobile", "mobile phone", "cell",
		"cellphone", "cell phone")
	add(FieldPhone, rankGeneric, "전화번호", "연락처", "phone", "phone number", "tel")
	add(fieldOfficeLine, 0, "사내전화", "내선", "내선번호", "회사전화", "직통", "직통번호", "유선전화",
		"office phone", "extension")
	add(FieldName, 0, "이름", "성명", "성함", "직원명", "사원명", "임직원명", "name", "full name", "employee name")
	add(FieldDepartment, 0, "부서", "부서명", "소속", "소속부서", "팀", "팀명", "department", "dept", "team")
	add(FieldPosition, 0, "직급", "직위", "직책", "호칭", "position", "title", "job title", "rank")
	add(FieldEmail, 0, "이메일", "이메일주소", "메일", "전자우편", "email", "e-mail", "mail")
	add(FieldStatus, 0, "재직상태", "재직구분", "근무상태", "고용상태", "상태", "status", "employment status")
	t[foldHeader("재직여부")] = alias{field: FieldStatus, yesNo: yesMeansEmployed}
	t[foldHeader("퇴사여부")] = alias{field: FieldStatus, yesNo: yesMeansLeft}
	t[foldHeader("퇴직여부")] = alias{field: FieldStatus, yesNo: yesMeansLeft}
	add(FieldLeaveDate, 0, "퇴사일", "퇴사일자", "퇴사날짜", "퇴사예정일", "퇴직일", "퇴직일자", "퇴직날짜", "퇴직예정일",
		"termination date", "end date")
	return t
}

// aliasOf says what a header cell names, if anything.
func aliasOf(header string) (alias, bool) {
	a, ok := aliases[foldHeader(header)]
	return a, ok
}

// isPhoneHeader reports whether a header cell names the phone column (an
// office line does not).
func isPhoneHeader(header string) bool {
	a, ok := aliasOf(header)
	return ok && a.field == FieldPhone
}

// foldHeader normalizes a header (normalizeText), lowercases it and drops
// its spaces and punctuation, so that "휴대폰 번호", "H.P", "연락처(휴대폰)",
// "E-mail" and "재직여부" with a zero-width space match their aliases.
func foldHeader(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, normalizeText(s))
}

// leavingWords mark a header that speaks of leaving or of employment
// status (CONTRACT.md section 4), folded.
var leavingWords = []string{"퇴사", "퇴직", "재직", "근무상태", "고용상태"}

// speaksOfLeaving reports whether a header is about leaving or employment
// status: such a column, unread, would keep every leaver it marks.
func speaksOfLeaving(header string) bool {
	folded := foldHeader(header)
	for _, w := range leavingWords {
		if strings.Contains(folded, w) {
			return true
		}
	}
	return false
}

// columnError names the column of an ErrUnreadableStatusColumn.
type columnError struct {
	column int    // 1-based, from the left of what the source returned
	header string // headerText's
}

func (e *columnError) Error() string {
	return fmt.Sprintf("column %d (%q): %v", e.column, e.header, ErrUnreadableStatusColumn)
}

func (e *columnError) Unwrap() error { return ErrUnreadableStatusColumn }

// columns is where a header row puts the fields rollcall reads.
type columns struct {
	// at maps each single field (phone, name, department, position,
	// email) to its 0-based column index.
	at map[Field]int
	// status lists every status column and leave every leave-date column:
	// a row has left when any of them says so.
	status []statusColumn
	leave  []int
}

// statusColumn is a status column and how it reads yes and no.
type statusColumn struct {
	index int
	yesNo yesNo
}

// index returns the column of field f, the first one for status and leave
// date.
func (c columns) index(f Field) (int, bool) {
	switch f {
	case FieldStatus:
		if len(c.status) > 0 {
			return c.status[0].index, true
		}
		return 0, false
	case FieldLeaveDate:
		if len(c.leave) > 0 {
			return c.leave[0], true
		}
		return 0, false
	}
	i, ok := c.at[f]
	return i, ok
}

// findColumns reads a header row's labels. For a single field named more
// than once, the better-ranked alias wins, then the leftmost column; every
// status and leave-date column is read. It also returns the labels of the
// columns it does not read, so that HR sees at once when a column they
// meant was passed over, and fails with ErrUnreadableStatusColumn when one
// of them speaks of leaving or employment status.
func findColumns(labels []string) (cols columns, ignored []string, err error) {
	cols = columns{at: map[Field]int{}}
	ranks := map[Field]int{}
	read := map[int]bool{}
	for i, label := range labels {
		a, ok := aliasOf(label)
		if !ok || a.field == fieldOfficeLine {
			continue
		}
		switch a.field {
		case FieldStatus:
			cols.status = append(cols.status, statusColumn{index: i, yesNo: a.yesNo})
			read[i] = true
			continue
		case FieldLeaveDate:
			cols.leave = append(cols.leave, i)
			read[i] = true
			continue
		}
		if best, seen := ranks[a.field]; seen && best <= a.rank {
			continue
		}
		cols.at[a.field], ranks[a.field] = i, a.rank
	}
	for _, i := range cols.at {
		read[i] = true
	}
	for i, label := range labels {
		label = strings.TrimSpace(label)
		if label == "" || read[i] {
			continue
		}
		if speaksOfLeaving(label) {
			return columns{}, nil, &columnError{column: i + 1, header: headerText(i, label)}
		}
		ignored = append(ignored, headerText(i, label))
	}
	return cols, ignored, nil
}

// maxHeaderText is the longest header text a report repeats.
const maxHeaderText = 40

// headerText is how a report names an ignored column: its header text, or
// its position when the text looks like data (an e-mail, many digits, or a
// paragraph) that must not be copied into a report.
func headerText(i int, label string) string {
	digits := 0
	for _, r := range label {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	if digits >= 7 || strings.ContainsAny(label, "@\r") || utf8.RuneCountInString(label) > maxHeaderText {
		return fmt.Sprintf("column %d", i+1)
	}
	return label
}

// cell returns the trimmed value of single field f in row, or "" when the
// sheet has no such column or the row is shorter than the header (Sheets
// drops trailing empty cells).
func (c columns) cell(row []string, f Field) string {
	i, ok := c.at[f]
	if !ok {
		return ""
	}
	return cellAt(row, i)
}

// cellAt returns the trimmed cell i of row, "" beyond its end.
func cellAt(row []string, i int) string {
	if i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

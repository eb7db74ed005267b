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
}

// aliases is CONTRACT.md section 4's header table, folded by foldHeader.
// It is built once by aliasTable and never written afterwards.
var aliases = aliasTable()

func aliasTable() map[string]alias {
	t := map[string]alias{}
	add := func(f Field, rank int, names ...string) {
		for _, n := range names {
			t[foldHeader(n)] = alias{f, rank}
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
	add(FieldStatus, 0, "재직상태", "재직여부", "재직구분", "근무상태", "상태", "status", "employment status")
	add(FieldLeaveDate, 0, "퇴사일", "퇴사일자", "퇴직일", "퇴직일자", "termination date", "end date")
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

// foldHeader lowercases a header and drops its spaces and punctuation, so
// that "휴대폰 번호", "H.P", "연락처(휴대폰)" and "E-mail" match their aliases.
func foldHeader(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// columns maps each field found in a header row to its 0-based column index.
type columns map[Field]int

// findColumns reads a header row's labels. For a field named more than
// once, the better-ranked alias wins, then the leftmost column. It also
// returns the labels of the columns it does not read, so that HR sees at
// once when a column they meant was passed over.
func findColumns(labels []string) (cols columns, ignored []string) {
	cols = columns{}
	ranks := map[Field]int{}
	for i, label := range labels {
		a, ok := aliasOf(label)
		if !ok || a.field == fieldOfficeLine {
			continue
		}
		if best, seen := ranks[a.field]; seen && best <= a.rank {
			continue
		}
		cols[a.field], ranks[a.field] = i, a.rank
	}
	read := map[int]bool{}
	for _, i := range cols {
		read[i] = true
	}
	for i, label := range labels {
		if label = strings.TrimSpace(label); label != "" && !read[i] {
			ignored = append(ignored, headerText(i, label))
		}
	}
	return cols, ignored
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

package roster

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Field is a column of HR's sheet that rollcall reads.
type Field int

// The fields rollcall reads (the zero Field is none). Every other column is
// ignored.
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

// alias is what a folded header names. Of two phone headers the lower rank
// wins: a generic "전화번호" is often the office line, a mobile one is not.
type alias struct {
	field Field
	rank  int
	yesNo yesNo // how a status column reads yes and no
}

// aliases is CONTRACT.md section 4's header table, folded by foldHeader.
var aliases = func() map[string]alias {
	t := map[string]alias{}
	add := func(a alias, names ...string) {
		for _, n := range names {
			t[foldHeader(n)] = a
		}
	}
	add(alias{field: FieldPhone}, "휴대전화", "휴대전화번호", "휴대폰", "휴대폰번호", "핸드폰", "핸드폰번호",
		"휴대번호", "이동전화", "모바일", "연락처(휴대폰)", "HP", "mobile", "mobile phone", "cell",
		"cellphone", "cell phone")
	add(alias{field: FieldPhone, rank: 1}, "전화번호", "연락처", "phone", "phone number", "tel")
	add(alias{field: fieldOfficeLine}, "사내전화", "내선", "내선번호", "회사전화", "직통", "직통번호", "유선전화",
		"office phone", "extension")
	add(alias{field: FieldName}, "이름", "성명", "성함", "직원명", "사원명", "임직원명", "name", "full name", "employee name")
	add(alias{field: FieldDepartment}, "부서", "부서명", "소속", "소속부서", "팀", "팀명", "department", "dept", "team")
	add(alias{field: FieldPosition}, "직급", "직위", "직책", "호칭", "position", "title", "job title", "rank")
	add(alias{field: FieldEmail}, "이메일", "이메일주소", "메일", "전자우편", "email", "e-mail", "mail")
	add(alias{field: FieldStatus}, "재직상태", "재직구분", "근무상태", "고용상태", "상태", "status", "employment status")
	add(alias{field: FieldStatus, yesNo: yesMeansEmployed}, "재직여부")
	add(alias{field: FieldStatus, yesNo: yesMeansLeft}, "퇴사여부", "퇴직여부")
	add(alias{field: FieldLeaveDate}, "퇴사일", "퇴사일자", "퇴사날짜", "퇴사예정일", "퇴직일", "퇴직일자", "퇴직날짜", "퇴직예정일",
		"termination date", "end date")
	return t
}()

// aliasOf says what a header cell names, if anything.
func aliasOf(header string) (alias, bool) {
	a, ok := aliases[foldHeader(header)]
	return a, ok
}

// isPhoneHeader reports whether a header cell names the phone column (an
// office line does not).
func isPhoneHeader(header string) bool { return aliases[foldHeader(header)].field == FieldPhone }

// foldHeader normalizes, lowercases and strips spaces and punctuation, so that
// "휴대폰 번호", "H.P" and "연락처(휴대폰)" match their aliases.
func foldHeader(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, normalizeText(s))
}

// normalizeText removes format characters (zero-width space, BOM), then
// applies NFKC: a zero-width space between two jamo would keep them apart.
func normalizeText(s string) string {
	isFormat := func(r rune) bool { return unicode.Is(unicode.Cf, r) }
	if !strings.ContainsFunc(s, isFormat) && norm.NFKC.IsNormalString(s) {
		return s // nearly every cell: no copy
	}
	s = strings.Map(func(r rune) rune {
		if isFormat(r) {
			return -1
		}
		return r
	}, s)
	return norm.NFKC.String(s)
}

// speaksOfLeaving reports whether a header is about leaving or status: such a
// column, unread, would keep every leaver it marks.
func speaksOfLeaving(header string) bool {
	folded := foldHeader(header)
	return slices.ContainsFunc([]string{"퇴사", "퇴직", "재직", "근무상태", "고용상태"}, func(w string) bool {
		return strings.Contains(folded, w)
	})
}

// column is a column rollcall reads: its 0-based index and what it holds.
type column struct {
	alias
	index int
}

// columns are the columns rollcall reads, by field: one per single field, and
// every status and leave-date column (any of them can mark a leaver).
type columns []column

// index returns the (first) column of field f, or -1.
func (c columns) index(f Field) int {
	if i := slices.IndexFunc(c, func(col column) bool { return col.field == f }); i >= 0 {
		return c[i].index
	}
	return -1
}

// findColumns reads the header labels at 1-based row; for a field named twice
// the better alias wins, then the leftmost. It returns the unread labels for
// HR, and ErrUnreadableStatusColumn when one of them speaks of leaving.
func findColumns(labels []string, row int) (cols columns, ignored []string, err error) {
	for i, label := range labels {
		if a, ok := aliasOf(label); ok && a.field != fieldOfficeLine {
			cols = append(cols, column{a, i})
		}
	}
	slices.SortFunc(cols, func(a, b column) int {
		return cmp.Or(cmp.Compare(a.field, b.field), cmp.Compare(a.rank, b.rank), cmp.Compare(a.index, b.index))
	})
	cols = slices.CompactFunc(cols, func(a, b column) bool { return a.field == b.field && a.field < FieldStatus })
	for i, label := range labels {
		label = strings.TrimSpace(label)
		if label == "" || slices.ContainsFunc(cols, func(c column) bool { return c.index == i }) {
			continue
		}
		if speaksOfLeaving(label) {
			return nil, nil, &SheetError{Row: row, problem: problem(row, ProblemUnreadableStatusColumn, i+1),
				Err: fmt.Errorf("column %d (%q): %w", i+1, headerText(i, label), ErrUnreadableStatusColumn)}
		}
		ignored = append(ignored, headerText(i, label))
	}
	return cols, ignored, nil
}

// headerText names a column by its header, or by position when the header
// looks like data (PII) that must not reach a report.
func headerText(i int, label string) string {
	digits := 0
	for _, r := range label {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	if digits >= 7 || strings.ContainsAny(label, "@\r") || utf8.RuneCountInString(label) > 40 {
		return fmt.Sprintf("column %d", i+1)
	}
	return label
}

// cell returns the trimmed cell i of row: "" for a column the sheet does
// not have (-1) or beyond the row's end (Sheets drops trailing empty cells).
func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

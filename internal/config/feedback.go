package config

import (
	"unicode/utf8"

	"github.com/rollcall/rollcall/internal/a1"
)

// maxTabTitle is the longest tab name Google Sheets accepts.
const maxTabTitle = 100

// feedbackTab checks ROLLCALL_FEEDBACK_TAB against the source: only a Google
// Sheet has tabs rollcall can write to, and the tab must not be the one the
// employee list is read from.
func (l *loader) feedbackTab(name string, src Source) {
	tab := src.FeedbackTab
	switch {
	case tab == "":
	case src.Kind != SourceSheets:
		l.fail(name, "a feedback tab needs a Google Sheets source; ROLLCALL_SOURCE is a %s file: unset %s", src.Kind, name)
	case utf8.RuneCountInString(tab) > maxTabTitle:
		l.fail(name, "a tab name is at most %d characters, this one %d", maxTabTitle, utf8.RuneCountInString(tab))
	case src.Range != "" && rangeTab(src.Range) == tab:
		l.fail(name, "%q is the tab ROLLCALL_SHEET_RANGE reads the employee list from: name another tab", tab)
	}
}

// rangeTab is the tab an A1 range names: 직원 목록 in "직원 목록!A:Z" or
// "'직원 목록'!A:Z", the whole range when it is one unquoted word. A range
// that is not A1 notation names none here: the source reports it.
func rangeTab(rangeA1 string) string {
	r, err := a1.Parse(rangeA1)
	if err != nil {
		return ""
	}
	return r.Tab
}

package config

import (
	"strings"
	"unicode/utf8"
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

// rangeTab is the tab an A1 range names: 직원목록 in "직원목록!A:Z" or
// "'직원목록'!A:Z", the whole range when it has no "!".
func rangeTab(a1 string) string {
	tab := a1
	if i := strings.LastIndex(a1, "!"); i >= 0 {
		tab = a1[:i]
	}
	if len(tab) >= 2 && strings.HasPrefix(tab, "'") && strings.HasSuffix(tab, "'") {
		tab = strings.ReplaceAll(tab[1:len(tab)-1], "''", "'")
	}
	return tab
}

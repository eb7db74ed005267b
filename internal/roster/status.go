package roster

import (
	"strings"
	"unicode"
)

// leftWords are the status words of CONTRACT.md section 4 that mean the
// person no longer works here, as foldStatus writes them.
var leftWords = map[string]bool{
	"퇴사": true, "퇴직": true, "퇴사자": true, "퇴직자": true, "정년퇴직": true, "명예퇴직": true,
	"권고사직": true, "사직": true, "해고": true, "면직": true, "계약만료": true, "계약종료": true,
	"left": true, "resigned": true, "terminated": true, "inactive": true, "retired": true, "former": true,
}

// hasLeft reports whether a status cell says the person no longer works
// here. Anything else, including an empty cell or 퇴사예정 (leaving soon),
// means employed: a leave date, not the status, says when.
func hasLeft(status string) bool {
	return leftWords[foldStatus(status)]
}

// foldStatus drops spaces and anything in brackets ("퇴사 (2025.3)" is
// 퇴사) and lowercases English.
func foldStatus(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case strings.ContainsRune("([{（［｛【〔<「", r):
			depth++
		case strings.ContainsRune(")]}）］｝】〕>」", r):
			depth = max(depth-1, 0)
		case depth > 0 || unicode.IsSpace(r):
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

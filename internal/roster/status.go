package roster

import (
	"regexp"
	"strings"
	"unicode"
)

// yesNo is the yes-or-no question a status header asks, if any: 재직여부
// "employed?", 퇴사여부 and 퇴직여부 "left?".
type yesNo int

const (
	noYesNo yesNo = iota
	yesMeansEmployed
	yesMeansLeft
)

// status is what a row's status and leave-date cells say, worst last.
type status int

const (
	statusEmployed status = iota
	statusLeft
	// statusUnknown and statusBadLeaveDate are cells that cannot be read:
	// the person is not an employee until HR fixes them (fail closed).
	statusUnknown
	statusBadLeaveDate
)

// statusWords are CONTRACT.md section 4's status words as foldStatus writes
// them; answers its yes (true) and no (false), read by the header's question.
var (
	statusWords = wordMap(map[status][]string{
		statusLeft: {"퇴사", "퇴직", "퇴사자", "퇴직자", "퇴사처리", "퇴직처리", "정년퇴직", "명예퇴직", "권고사직",
			"사직", "해고", "면직", "계약만료", "계약종료", "left", "resigned", "terminated", "inactive", "retired", "former"},
		// Employment types and kinds of leave; 퇴사예정 too: a leave date,
		// not the status, says when.
		statusEmployed: {"재직", "재직중", "근무", "근무중", "정규직", "계약직", "인턴", "수습", "파견", "촉탁", "임원",
			"휴직", "육아휴직", "병가", "출산휴가", "퇴사예정", "active", "employed"},
	})
	answers = wordMap(map[bool][]string{
		true:  {"y", "o", "yes", "true", "예", "네"},
		false: {"n", "x", "no", "false", "아니오", "아니요"},
	})
)

func wordMap[V comparable](lists map[V][]string) map[string]V {
	m := map[string]V{}
	for v, words := range lists {
		for _, w := range words {
			m[w] = v
		}
	}
	return m
}

// readStatus reads a status cell under a header that asks q. An empty cell
// is employed; a value in none of the lists is statusUnknown.
func readStatus(cell string, q yesNo) status {
	s := foldStatus(cell)
	if s == "" {
		return statusEmployed
	}
	for _, w := range statusReadings(s) {
		if st, ok := statusWords[w]; ok {
			return st
		}
		yes, ok := answers[w]
		if q == yesMeansEmployed && w == "미재직" {
			yes, ok = false, true
		}
		if ok && q != noYesNo {
			if yes == (q == yesMeansEmployed) {
				return statusEmployed
			}
			return statusLeft
		}
	}
	return statusUnknown
}

// statusReadings are the readings of a folded status, in order: as it stands,
// "(퇴사)" as 퇴사, 퇴사(예정) as 퇴사예정, then "휴직(육아)" as 휴직.
func statusReadings(s string) []string {
	switch m := bracketed.FindStringSubmatch(s); {
	case m == nil:
		return []string{s}
	case m[1] == "":
		return []string{s, m[2]}
	default:
		return []string{s, m[1] + m[2], m[1]}
	}
}

// foldStatus normalizes a status cell (normalizeText), drops its spaces and
// the full stops at its end, and lowercases English: " 퇴 사. " is 퇴사.
func foldStatus(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, normalizeText(s))
	return strings.TrimRight(s, ".")
}

// Brackets as they remain after NFKC, which folds the full-width ones.
const (
	openBrackets  = "([{【〔〈《「『<"
	closeBrackets = ")]}】〕〉》」』>"
)

// bracketed is a status word, then a note from the first bracket to the
// end; phoneNote a phone, then a note without digits from the last bracket.
var (
	bracketed = regexp.MustCompile("^([^" + regexp.QuoteMeta(openBrackets) + "]*)[" + regexp.QuoteMeta(openBrackets) +
		"](.*)[" + regexp.QuoteMeta(closeBrackets) + "]$")
	phoneNote = regexp.MustCompile("^(.+?)[" + regexp.QuoteMeta(openBrackets) + "][^" + regexp.QuoteMeta(openBrackets) +
		`\p{Nd}]*[` + regexp.QuoteMeta(closeBrackets) + "]$")
)

package config

import (
	"regexp"
	"unicode/utf8"
)

// Texts are the bot's words from ROLLCALL_TEXT_*; "" is rollcall's default wording.
type Texts struct {
	Verified     string
	NotEmployee  string
	NoProfile    string
	Undecided    string
	GateVerified string
	NotVerified  string
	Unbound      string
	VerifyButton string
}

// Limits of the bot's words: Kakao's simpleText and quick-reply label.
const (
	MaxText        = 1000
	MaxButtonLabel = 14
)

// namePlaceholder is the one placeholder, replaced by the employee's name.
const namePlaceholder = "{name}"

// placeholderRE finds anything that looks like a placeholder.
var placeholderRE = regexp.MustCompile(`\{[^{}]*\}`)

// Vars lists the texts with their variables, in the contract's order.
func (t Texts) Vars() []Setting {
	return []Setting{
		{"ROLLCALL_TEXT_VERIFIED", t.Verified},
		{"ROLLCALL_TEXT_NOT_EMPLOYEE", t.NotEmployee},
		{"ROLLCALL_TEXT_NO_PROFILE", t.NoProfile},
		{"ROLLCALL_TEXT_UNDECIDED", t.Undecided},
		{"ROLLCALL_TEXT_GATE_VERIFIED", t.GateVerified},
		{"ROLLCALL_TEXT_NOT_VERIFIED", t.NotVerified},
		{"ROLLCALL_TEXT_UNBOUND", t.Unbound},
		{"ROLLCALL_TEXT_VERIFY_BUTTON", t.VerifyButton},
	}
}

// text reads one of the bot's words; only a text that greets an employee
// (withName) may hold the one placeholder, {name}.
func (l *loader) text(name string, withName bool, limit int) string {
	raw := l.getenv(name)
	v := l.str(name, "")
	switch {
	case raw != "" && v == "":
		l.fail(name, "is blank: unset it for rollcall's default wording, or write the text")
		return ""
	case !utf8.ValidString(v):
		l.fail(name, "is not valid UTF-8")
		return ""
	case utf8.RuneCountInString(v) > limit:
		l.fail(name, "has %d characters: at most %d are shown", utf8.RuneCountInString(v), limit)
		return ""
	}
	for _, p := range placeholderRE.FindAllString(v, -1) {
		switch {
		case p == namePlaceholder && withName:
		case p == namePlaceholder:
			l.fail(name, "%s has no name to stand for in this text: only ROLLCALL_TEXT_VERIFIED and ROLLCALL_TEXT_GATE_VERIFIED greet an employee", p)
			return ""
		default:
			hint := "no placeholder is replaced in this text"
			if withName {
				hint = "only " + namePlaceholder + " is replaced"
			}
			l.fail(name, "unknown placeholder %s: %s", p, hint)
			return ""
		}
	}
	return v
}

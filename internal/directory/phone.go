package directory

import (
	"errors"
	"regexp"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region assumed for numbers written without a country
// code: rollcall serves Korean companies.
const DefaultRegion = "KR"

// maxPhoneInput bounds what is handed to the phone library, which has no
// business parsing a pasted paragraph.
const maxPhoneInput = 64

// ErrInvalidPhone is returned for input that is not a mobile phone number.
var ErrInvalidPhone = errors.New("not a mobile phone number")

// Number cells as spreadsheets show them: with thousands separators
// ("1,012,345,678", a phone that lost its leading zero) or in a scientific
// form that has lost digits ("1.01235E+09"), which no one can read back.
var (
	thousandsGrouped = regexp.MustCompile(`^\d{1,3}(?:,\d{3})+$`)
	scientific       = regexp.MustCompile(`^[0-9.,]+[eE][+-]?\d+$`)
)

// NormalizePhone returns the E.164 form ("+821012345678") of a mobile phone
// number written the way people and spreadsheets write it: with or without
// the country code, with spaces, dots, hyphens, Unicode dashes, full-width
// digits, with the leading zero lost ("1012345678"), or as a number cell
// with thousands separators ("1,012,345,678"). Anything that is not a valid
// mobile number yields ErrInvalidPhone, which never contains the input, so
// callers may log it.
func NormalizePhone(s string) (string, error) {
	s = strings.Map(foldPhoneRune, strings.TrimSpace(s))
	if s == "" || len(s) > maxPhoneInput || scientific.MatchString(s) {
		return "", ErrInvalidPhone
	}
	if thousandsGrouped.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	num, err := phonenumbers.Parse(s, DefaultRegion)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", ErrInvalidPhone
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
	default:
		return "", ErrInvalidPhone
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// foldPhoneRune maps the characters spreadsheets and phones put around digits
// to plain ASCII: full-width forms to their ASCII twins, every Unicode dash
// and space to a hyphen or a space. The phone library does much of this
// itself; doing it first makes the behaviour independent of its version.
func foldPhoneRune(r rune) rune {
	switch {
	case r >= '０' && r <= '９':
		return '0' + (r - '０')
	case r == '＋':
		return '+'
	case r == '（':
		return '('
	case r == '）':
		return ')'
	case unicode.Is(unicode.Pd, r) || r == '−' || r == 'ー':
		return '-'
	case unicode.IsSpace(r):
		return ' '
	}
	return r
}

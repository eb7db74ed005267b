package directory

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"
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

// NormalizePhone returns the E.164 form ("+821012345678") of a mobile phone
// number written the way people and spreadsheets write it: with or without
// the country code, with spaces, hyphens, Unicode dashes, full-width digits,
// or with the leading zero lost ("1012345678"). Anything that is not a valid
// mobile number yields ErrInvalidPhone. The error never contains the input,
// so callers may log it.
//
// The spellings that Kakao and most sheets use ("+82 10-1234-5678",
// "010-1234-5678", "01012345678", "+821012345678") take a fast path that
// gives the same answer as the phone library without parsing (see
// fastKoreanMobile); every other input is parsed by the library.
func NormalizePhone(s string) (string, error) {
	if e164, ok := fastKoreanMobile(s); ok {
		return e164, nil
	}
	return normalizeWithLibrary(s)
}

// normalizeWithLibrary is NormalizePhone without the fast path: the phone
// library parses, validates, types and formats the number.
func normalizeWithLibrary(s string) (string, error) {
	s = strings.Map(foldPhoneRune, strings.TrimSpace(s))
	if s == "" || len(s) > maxPhoneInput {
		return "", ErrInvalidPhone
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

// The fast path of NormalizePhone. Every verification reads a phone number
// that Kakao always writes the same way ("+82 10-1234-5678"), and most sheet
// cells are written one of a few ways ("010-1234-5678", "01012345678").
// Parsing them with the phone library costs tens of microseconds and about
// eighty allocations, most of it spent rebuilding and matching the same
// patterns again and again. For exactly those spellings the national
// significant number (NSN) is plain to see, so fastKoreanMobile reads it
// directly and types it with the library's own Korean metadata, compiled
// once: it accepts a number only when the library would call it a valid
// mobile number, and then its E.164 form is "+82" followed by the NSN, as
// the library formats it. Anything else — another spelling, another
// country, a number it does not accept — goes to the library, so the fast
// path can only ever agree with it (phone_test.go checks that it does).

// krCountryCode is Korea's country calling code, as written in E.164.
const krCountryCode = "+82"

// fastKoreanMobile returns the E.164 form of s and true when s is a Korean
// mobile number written exactly as one of
//
//	+82 1X-XXX-XXXX    +82 1X-XXXX-XXXX    (Kakao's profile format)
//	01X-XXX-XXXX       01X-XXXX-XXXX       (the usual sheet format)
//	01XXXXXXXX         01XXXXXXXXX
//	+821XXXXXXXX       +821XXXXXXXXX       (E.164 itself)
//
// and the library's metadata types it as a mobile number. It returns false
// for everything else, without judging it: the caller asks the library.
func fastKoreanMobile(s string) (string, bool) {
	var buf [13]byte // the longest E.164 form read here: +821XXXXXXXXX
	e164, ok := koreanNSN(s, append(buf[:0], krCountryCode...))
	if !ok {
		return "", false
	}
	plan := koreanPlan()
	if plan == nil {
		return "", false
	}
	// The string is the answer: made before matching, it is the only
	// allocation (regexp's Match would move the buffer to the heap).
	answer := string(e164)
	if !plan.isMobile(answer[len(krCountryCode):]) {
		return "", false
	}
	return answer, true
}

// koreanNSN reads the NSN of s written in one of fastKoreanMobile's
// spellings and appends its digits to dst; it returns false for any other
// spelling. The NSN it appends has 9 or 10 digits and starts with 1.
func koreanNSN(s string, dst []byte) ([]byte, bool) {
	start := len(dst)
	var groups string // what follows the prefix, still with its hyphens
	hyphens := false
	switch {
	case len(s) >= 4 && s[:4] == "+82 ":
		groups, hyphens = s[4:], true
	case len(s) >= 3 && s[:3] == krCountryCode:
		groups = s[3:]
	case len(s) >= 2 && s[0] == '0':
		groups, hyphens = s[1:], len(s) > 3 && s[3] == '-'
	default:
		return nil, false
	}
	if !hyphens {
		// 1XXXXXXXX or 1XXXXXXXXX: digits only.
		if len(groups) != 9 && len(groups) != 10 {
			return nil, false
		}
		dst, ok := appendDigits(dst, groups)
		return dst, ok && dst[start] == '1'
	}
	// 1X-XXX-XXXX or 1X-XXXX-XXXX.
	if len(groups) != 11 && len(groups) != 12 {
		return nil, false
	}
	middle := len(groups) - 8 // 3 or 4 digits
	if groups[2] != '-' || groups[3+middle] != '-' {
		return nil, false
	}
	dst, ok := appendDigits(dst, groups[:2])
	if ok {
		dst, ok = appendDigits(dst, groups[3:3+middle])
	}
	if ok {
		dst, ok = appendDigits(dst, groups[4+middle:])
	}
	return dst, ok && dst[start] == '1'
}

// appendDigits appends s to dst if s is all ASCII digits.
func appendDigits(dst []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return nil, false
		}
	}
	return append(dst, s...), true
}

// numberingPlan is the part of the library's metadata for one region that
// decides whether a national number is a valid mobile number, with each
// pattern compiled once.
type numberingPlan struct {
	general numberDesc
	mobile  numberDesc
	// fixedLine matters only when the metadata says that fixed-line and
	// mobile numbers share one pattern: the library then types a number
	// by the fixed-line pattern alone.
	fixedLine          numberDesc
	sameMobileAndFixed bool
	// special are the types the library tries before fixed line and
	// mobile (premium rate, toll free, shared cost, VoIP, personal number,
	// pager, UAN, voicemail): a number that matches one is of that type.
	special []numberDesc
}

// numberDesc is one type of number: its possible NSN lengths (none means
// any) and its pattern, anchored at both ends as the library anchors it.
type numberDesc struct {
	lengths []int32
	pattern *regexp.Regexp
}

// matches reports what the library's isNumberMatchingDesc reports: the
// length is possible and the whole NSN matches the pattern.
func (d numberDesc) matches(nsn string) bool {
	if len(d.lengths) > 0 && !slices.Contains(d.lengths, int32(len(nsn))) {
		return false
	}
	return d.pattern.MatchString(nsn)
}

// isMobile reports whether the library's GetNumberType would call the NSN
// MOBILE or FIXED_LINE_OR_MOBILE (which also makes it a valid number): it
// replays getNumberTypeHelper's order of checks.
func (p *numberingPlan) isMobile(nsn string) bool {
	if !p.general.matches(nsn) {
		return false
	}
	for _, d := range p.special {
		if d.matches(nsn) {
			return false
		}
	}
	if p.sameMobileAndFixed {
		return p.fixedLine.matches(nsn)
	}
	return p.mobile.matches(nsn)
}

// koreanPlan is Korea's numbering plan from the library's metadata, built on
// first use and never changed afterwards; nil if the metadata lacks it (the
// fast path is then off and every number goes to the library).
var koreanPlan = sync.OnceValue(func() *numberingPlan { return loadPlan(DefaultRegion) })

// loadPlan compiles region's numbering plan from the metadata the library
// itself uses (MetadataCollection returns the collection it parsed at
// start-up, not a copy).
func loadPlan(region string) *numberingPlan {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return nil
	}
	for _, m := range coll.GetMetadata() {
		if m.GetId() != region {
			continue
		}
		descs := []*phonenumbers.PhoneNumberDesc{
			m.GetGeneralDesc(), m.GetMobile(), m.GetFixedLine(),
			m.GetPremiumRate(), m.GetTollFree(), m.GetSharedCost(), m.GetVoip(),
			m.GetPersonalNumber(), m.GetPager(), m.GetUan(), m.GetVoicemail(),
		}
		compiled := make([]numberDesc, len(descs))
		for i, d := range descs {
			re, err := regexp.Compile("^(?:" + d.GetNationalNumberPattern() + ")$")
			if err != nil {
				return nil
			}
			compiled[i] = numberDesc{lengths: slices.Clone(d.GetPossibleLength()), pattern: re}
		}
		return &numberingPlan{
			general: compiled[0], mobile: compiled[1], fixedLine: compiled[2],
			sameMobileAndFixed: m.GetSameMobileAndFixedLinePattern(),
			special:            compiled[3:],
		}
	}
	return nil
}

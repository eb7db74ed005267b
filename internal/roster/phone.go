package roster

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region assumed for numbers written without a country
// code: rollcall serves Korean companies.
const DefaultRegion = "KR"

// maxPhoneInput keeps a pasted paragraph from the phone library.
const maxPhoneInput = 64

// ErrInvalidPhone is returned for input that is not a mobile phone number.
var ErrInvalidPhone = errors.New("not a mobile phone number")

// Number cells as spreadsheets show them: "1,012,345,678" (a phone that lost
// its leading zero), or "1.01235E+09", whose lost digits no one can read back.
var (
	thousandsGrouped = regexp.MustCompile(`^\d{1,3}(?:,\d{3})+$`)
	scientific       = regexp.MustCompile(`^[0-9.,]+[eE][+-]?\d+$`)
)

// kakaoSpelling is Kakao's profile spelling ("+82 10-1234-5678"), read without
// the library's Parse: 9.9 instead of 23.6 µs and 56 instead of 75 allocations
// a call (BenchmarkNormalizePhone, docs/benchmarks.md), on every verification.
// TestKakaoSpellingAgreesWithTheLibrary holds it to the library.
var kakaoSpelling = regexp.MustCompile(`^\+82 ([1-9]\d{0,2})-(\d{3,4})-(\d{4})$`)

// NormalizePhone returns the E.164 form of a mobile number as people write it
// (CONTRACT.md section 4); its ErrInvalidPhone never quotes the input.
func NormalizePhone(s string) (string, error) {
	s = strings.Map(foldPhoneRune, strings.TrimSpace(s))
	if s == "" || len(s) > maxPhoneInput || scientific.MatchString(s) {
		return "", ErrInvalidPhone
	}
	num := kakaoNumber(s)
	if num == nil {
		if thousandsGrouped.MatchString(s) {
			s = strings.ReplaceAll(s, ",", "")
		}
		var err error
		if num, err = phonenumbers.Parse(s, DefaultRegion); err != nil {
			return "", ErrInvalidPhone
		}
	}
	// GetNumberType alone also answers validity (UNKNOWN when invalid): asking
	// IsValidNumber first cost 14.3 instead of 5.9 µs and 56 instead of 34
	// allocations on Kakao's spelling (BenchmarkNormalizePhone).
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
	default:
		return "", ErrInvalidPhone
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// KakaoPhone returns the E.164 form of the phone in a Kakao profile. Kakao's
// spelling skips the library's type check, 19% of the bytes a launch-day
// verification allocated (docs/benchmarks.md, "The rest of p99: the GC"):
// the number only looks up the directory, whose every key passed that
// check, so a number that would fail it misses there instead.
// Other spellings go through NormalizePhone.
func KakaoPhone(s string) (string, error) {
	if m := kakaoSpelling.FindStringSubmatch(s); m != nil {
		return "+82" + m[1] + m[2] + m[3], nil
	}
	return NormalizePhone(s)
}

// kakaoNumber reads a number in Kakao's spelling, or returns nil.
func kakaoNumber(s string) *phonenumbers.PhoneNumber {
	m := kakaoSpelling.FindStringSubmatch(s)
	if m == nil {
		return nil
	}
	national, err := strconv.ParseUint(m[1]+m[2]+m[3], 10, 64)
	if err != nil {
		return nil
	}
	korea := int32(82)
	return &phonenumbers.PhoneNumber{CountryCode: &korea, NationalNumber: &national}
}

// foldPhoneRune maps full-width forms, Unicode dashes and spaces to ASCII,
// so that what is read does not hang on the phone library's version.
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

package roster

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	const want = "+821012345678"
	tests := []struct {
		in   string
		want string // "" means ErrInvalidPhone
	}{
		// Every format the contract lists for one person.
		{"010-1234-5678", want},
		{"01012345678", want},
		{"010 1234 5678", want},
		{"+82 10-1234-5678", want},
		{"+821012345678", want},
		{"1012345678", want},              // a cell that lost its leading zero
		{"０１０－１２３４－５６７８", want},           // full-width digits and hyphen
		{"０１０ー１２３４ー５６７８", want},           // katakana long-vowel mark used as a dash
		{"010–1234—5678", want},           // en and em dash
		{"010‐1234‑5678", want},           // Unicode hyphen and non-breaking hyphen
		{"010−1234−5678", want},           // minus sign
		{"＋８２ １０－１２３４－５６７８", want},        // full-width plus
		{" 010-1234-5678\t", want},        // stray white space
		{"010\u00a01234\u00a05678", want}, // non-breaking spaces from a web page
		{"010.1234.5678", want},
		{"1,012,345,678", want}, // a number cell with thousands separators
		{"1012345678", want},    // the same cell without them
		{"(010) 1234-5678", want},
		{"82-10-1234-5678", want},
		{"016-123-4567", "+82161234567"}, // old 01x prefixes are still mobile numbers
		{"+1 650-253-0000", "+16502530000"},
		{"+44 7911 123456", "+447911123456"},
		// Not mobile numbers.
		{"", ""},
		{"   ", ""},
		{"02-123-4567", ""},  // Seoul landline
		{"031-123-4567", ""}, // Gyeonggi landline
		{"1588-1234", ""},    // nationwide service number
		{"010-123", ""},
		{"010-1234-56789", ""},
		{"abc", ""},
		{"홍길동", ""},
		{"+44 20 7946 0958", ""}, // London landline
		{strings.Repeat("0", 200), ""},
		{"1.01235E+09", ""},     // a number cell shown in a lossy scientific form
		{"1.012345678E+09", ""}, // even when no digit is lost: not how HR writes a phone
		{"10,1234,5678", ""},    // commas that are not thousands separators
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := NormalizePhone(tt.in)
			if tt.want == "" {
				if !errors.Is(err, ErrInvalidPhone) {
					t.Errorf("NormalizePhone(%q) = %q, %v; want ErrInvalidPhone", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"010-1234-5678", "+82 10-1234-5678", "1012345678", "０１０－１２３４－５６７８", "02-123-4567", "", "+", "++82", "010ー", "+82 16-123-4567", "+821012345678", "0161234567", "+82 15-123-4567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizePhone(s)
		if err != nil {
			if err != ErrInvalidPhone { // the bare sentinel: it can never carry the input
				t.Fatalf("NormalizePhone(%q) error %v: want ErrInvalidPhone", s, err)
			}
			return
		}
		if !strings.HasPrefix(got, "+") {
			t.Fatalf("NormalizePhone(%q) = %q: not E.164", s, got)
		}
		// Normalizing is idempotent: the E.164 form names the same person.
		again, err := NormalizePhone(got)
		if err != nil || again != got {
			t.Fatalf("NormalizePhone(%q) = %q, %v; want %q", got, again, err, got)
		}
	})
}

// BenchmarkNormalizePhone measures NormalizePhone on Kakao's spelling (the
// fast path) and on a spelling only the library reads, KakaoPhone on Kakao's
// spelling, and, as the figure that earns the fast path, Kakao's spelling read
// by the library's Parse.
func BenchmarkNormalizePhone(b *testing.B) {
	for _, in := range []string{"+82 10-2345-6789", "010 2345 6789"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := NormalizePhone(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("KakaoPhone/+82 10-2345-6789", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := KakaoPhone("+82 10-2345-6789"); err != nil {
				b.Fatal(err)
			}
		}
	})
	// NormalizePhone without the fast path: the same folding and checks,
	// then the library's Parse.
	b.Run("without fast path/+82 10-2345-6789", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := strings.Map(foldPhoneRune, strings.TrimSpace("+82 10-2345-6789"))
			if scientific.MatchString(s) || thousandsGrouped.MatchString(s) || viaParse(s) == "" {
				b.Fatal("the library rejects +82 10-2345-6789")
			}
		}
	})
}

// viaParse is NormalizePhone's answer for in, "" for ErrInvalidPhone, given
// by the library's Parse alone: what the Kakao fast path must agree with.
func viaParse(in string) string {
	num, err := phonenumbers.Parse(in, DefaultRegion)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return ""
	}
	if ty := phonenumbers.GetNumberType(num); ty != phonenumbers.MOBILE && ty != phonenumbers.FIXED_LINE_OR_MOBILE {
		return ""
	}
	return phonenumbers.Format(num, phonenumbers.E164)
}

// TestKakaoSpellingAgreesWithTheLibrary holds NormalizePhone's and
// KakaoPhone's reading of Kakao's spelling to the library's own Parse, valid
// numbers and invalid ones alike: every prefix Kakao could send and a spread
// of each range.
func TestKakaoSpellingAgreesWithTheLibrary(t *testing.T) {
	t.Parallel()
	valid := 0
	for _, prefix := range []string{"10", "11", "12", "15", "16", "17", "18", "19", "2", "31", "70", "80", "505"} {
		for block := 0; block < 10000; block += 7 {
			for _, line := range []int{0, 1234, 9999} {
				in := fmt.Sprintf("+82 %s-%04d-%04d", prefix, block, line)
				got, err := NormalizePhone(in)
				if err != nil {
					got = ""
				}
				if want := viaParse(in); got != want {
					t.Fatalf("NormalizePhone(%q) = %q, the library's Parse gives %q", in, got, want)
				}
				if got != "" {
					valid++
				}
				// KakaoPhone skips the type check: a number the library
				// rejects must read as no key NormalizePhone ever gives.
				kakao, err := KakaoPhone(in)
				switch {
				case err != nil:
					t.Fatalf("KakaoPhone(%q): %v", in, err)
				case got != "" && kakao != got:
					t.Fatalf("KakaoPhone(%q) = %q, NormalizePhone gives %q", in, kakao, got)
				case got == "" && viaParse(kakao) != "":
					t.Fatalf("KakaoPhone(%q) = %q, which the library takes for a valid mobile", in, kakao)
				}
			}
		}
	}
	if valid == 0 {
		t.Fatal("no number was valid: the comparison compared nothing")
	}
}

// TestPhoneCells: what HR writes around a phone in a sheet's cell. A note in
// brackets after the number is set aside; two numbers are never guessed
// between; a formula without a saved result says so.
func TestPhoneCells(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cell string
		want string // the phone, or a problem code
	}{
		{"010-1111-2222(개인)", "+821011112222"},
		{"010-1111-2222 (개인)", "+821011112222"},
		{"010-1111-2222 [본인 명의]", "+821011112222"},
		{"010-1111-2222（회사폰）", "+821011112222"},
		{"010-1111-2222 ext. 12", "+821011112222"},
		{"(010) 1111-2222", "+821011112222"},
		{"010\u00a01111\u00a02222", "+821011112222"},
		{"010-1111-2222\u200b", "+821011112222"},
		{"\ufeff010-1111-2222", "+821011112222"},
		{"'010-1111-2222", "+821011112222"},
		{"010-1111-2222 (010-3333-4444)", ProblemInvalidPhone},
		{"010-1111-2222(개인 010-3333-4444)", ProblemInvalidPhone},
		{"010-1111-2222, 010-3333-4444", ProblemInvalidPhone},
		{"010-1111-2222(개인), 010-3333-4444", ProblemInvalidPhone},
		{"#REF!", ProblemInvalidPhone},
		{"(개인)", ProblemInvalidPhone},
		{"", ProblemMissingPhone},
		{"=CONCATENATE(\"010-\",B2)", ProblemFormulaWithoutValue},
	}
	for _, tt := range tests {
		t.Run(tt.cell, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRoster([][]string{{"이름", "휴대전화"}, {"A", tt.cell}}, now)
			if err != nil {
				t.Fatalf("ParseRoster: %v", err)
			}
			var outcome string
			switch {
			case len(got.Employees) == 1:
				outcome = got.Employees[0].Phone
			case len(got.Problems) == 1:
				outcome = got.Problems[0].Code
			}
			if outcome != tt.want {
				t.Errorf("phone cell %q: %+v, want %s", tt.cell, got, tt.want)
			}
		})
	}
}

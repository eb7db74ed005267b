package directory

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
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
		// The fast path only ever gives the library's answer.
		if fast, ok := fastKoreanMobile(s); ok {
			if slow, err := normalizeWithLibrary(s); err != nil || slow != fast {
				t.Fatalf("%q: fast path %q; library %q, %v", s, fast, slow, err)
			}
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

func TestFastKoreanMobile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // "" means the fast path declines and the library decides
	}{
		{"+82 10-1234-5678", "+821012345678"}, // Kakao's profile format
		{"+82 16-123-4567", "+82161234567"},
		{"010-1234-5678", "+821012345678"},
		{"016-123-4567", "+82161234567"},
		{"01012345678", "+821012345678"},
		{"0161234567", "+82161234567"},
		{"+821012345678", "+821012345678"},
		{"+82161234567", "+82161234567"},
		{"+82 10-5123-4567", "+821051234567"},
		// Spellings it leaves to the library.
		{" +82 10-1234-5678", ""},
		{"+82 10 1234 5678", ""},
		{"+82 010-1234-5678", ""},
		{"+82 1012345678", ""},
		{"010 1234 5678", ""},
		{"010-12345678", ""},
		{"1012345678", ""},
		{"０１０－１２３４－５６７８", ""},
		{"+1 650-253-0000", ""},
		{"82-10-1234-5678", ""},
		// Numbers it does not accept: not mobile numbers.
		{"+82 15-123-4567", ""},  // a pager number
		{"+82 13-1234-5678", ""}, // no such mobile range
		{"02-123-4567", ""},
		{"010-123-456", ""},
		{"", ""},
		{"+82 ", ""},
		{"0", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, ok := fastKoreanMobile(tt.in)
			if tt.want == "" {
				if ok {
					t.Errorf("fastKoreanMobile(%q) = %q, true; want it to decline", tt.in, got)
				}
				return
			}
			if !ok || got != tt.want {
				t.Errorf("fastKoreanMobile(%q) = %q, %v; want %q, true", tt.in, got, ok, tt.want)
			}
		})
	}
}

// koreanSpellings writes the NSN nsn (9 or 10 digits, starting with 1) in
// each of the fast path's spellings.
func koreanSpellings(nsn string) []string {
	middle := len(nsn) - 6 // 3 or 4 digits
	grouped := nsn[:2] + "-" + nsn[2:2+middle] + "-" + nsn[2+middle:]
	return []string{"+82 " + grouped, "0" + grouped, "0" + nsn, "+82" + nsn}
}

// TestFastKoreanMobileAgreesWithLibrary checks the fast path against the
// phone library on every Korean number range it could meet: the library's
// Korean patterns decide on at most the first five digits of the NSN, so
// every five-digit prefix is tried, at both lengths, with a random tail and
// each spelling in turn. The fast path must give the library's answer, and
// accept every number the library accepts (else it is slower, not wrong,
// but then it is not doing its job).
func TestFastKoreanMobileAgreesWithLibrary(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	step := 1
	if testing.Short() {
		step = 7
	}
	accepted := 0
	for prefix := 10000; prefix < 20000; prefix += step {
		for _, length := range []int{9, 10} {
			nsn := strconv.Itoa(prefix) + fmt.Sprintf("%0*d", length-5, rng.IntN(int(math.Pow10(length-5))))
			spellings := koreanSpellings(nsn)
			s := spellings[(prefix+length)%len(spellings)]
			fast, fastOK := fastKoreanMobile(s)
			slow, err := normalizeWithLibrary(s)
			if fastOK {
				accepted++
			}
			if fastOK != (err == nil) || fast != slow {
				t.Fatalf("%q: fast path %q, %v; library %q, %v", s, fast, fastOK, slow, err)
			}
		}
	}
	if accepted == 0 {
		t.Fatal("the fast path accepted no number at all")
	}
}

func FuzzFastKoreanMobile(f *testing.F) {
	f.Add(uint64(1012345678), uint8(0))
	f.Add(uint64(161234567), uint8(1))
	f.Add(uint64(1051234567), uint8(2))
	f.Add(uint64(1501234567), uint8(3))
	f.Fuzz(func(t *testing.T, n uint64, spelling uint8) {
		nsn := strconv.FormatUint(n, 10)
		if len(nsn) != 9 && len(nsn) != 10 {
			return
		}
		spellings := koreanSpellings(nsn)
		s := spellings[int(spelling)%len(spellings)]
		fast, fastOK := fastKoreanMobile(s)
		slow, err := normalizeWithLibrary(s)
		if fastOK != (err == nil && nsn[0] == '1') || (fastOK && fast != slow) {
			t.Fatalf("%q: fast path %q, %v; library %q, %v", s, fast, fastOK, slow, err)
		}
	})
}

// BenchmarkNormalizePhone compares the fast path (Kakao's spelling) with a
// spelling that the phone library parses.
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
}

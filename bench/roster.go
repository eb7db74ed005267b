package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
)

// person is one generated row of the benchmark's employee sheet.
type person struct {
	Name, Department, Position, Phone, Email string
}

// team is a generated roster: the employees written to the sheet, and
// strangers — mobile numbers that are in no row of it.
type team struct {
	Employees []person
	// Strangers are national-format phones ("010-1234-5678") disjoint from
	// every employee's.
	Strangers []string
}

// Pieces of realistic Korean names, departments and positions. Generated
// rows look like what HR keeps, so that parsing and hashing do the work they
// do on a real sheet (multi-byte text, varied lengths).
var (
	surnames    = []string{"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송", "류", "전", "홍", "고", "문", "양", "손", "배", "백", "허", "남궁", "제갈"}
	givenFirst  = []string{"민", "서", "지", "하", "도", "예", "주", "수", "은", "시", "유", "준", "현", "우", "태", "재", "승", "영", "성", "혜", "동", "경", "상", "진", "미"}
	givenSecond = []string{"준", "윤", "우", "연", "원", "호", "훈", "아", "은", "희", "진", "민", "빈", "율", "린", "석", "철", "수", "현", "정", "영", "혁", "경", "숙", "환"}
	departments = []string{"인사팀", "재무팀", "회계팀", "영업1팀", "영업2팀", "해외영업팀", "마케팅팀", "플랫폼개발팀", "모바일개발팀", "데이터팀", "품질관리팀", "고객지원팀", "법무팀", "총무팀", "구매팀", "생산관리팀", "중앙연구소", "전략기획팀", "정보보안팀", "디자인팀"}
	positions   = []string{"사원", "사원", "사원", "주임", "대리", "대리", "과장", "과장", "차장", "부장", "이사", "상무"}
)

// Korean mobile numbers 010-ABCD-EFGH, with A from 2 to 9 as numbers are
// assigned: the 8 digits after 010 range over [minSubscriber, maxSubscriber].
const (
	minSubscriber = 20_000_000
	maxSubscriber = 99_999_999
)

// unassigned reports whether 010-ABCD-EFGH, given as ABCDEFGH, is in a
// block that the phone library (libphonenumber's metadata) does not know as
// a Korean mobile number: 010-59XX-XXXX.
func unassigned(subscriber int) bool {
	return subscriber/1_000_000 == 59
}

// generateRoster makes n employees and the given number of strangers, all
// with distinct mobile numbers. The same seed gives the same roster.
func generateRoster(n, strangers int, seed uint64) (team, error) {
	if n < 0 || strangers < 0 {
		return team{}, fmt.Errorf("negative roster size %d or stranger count %d", n, strangers)
	}
	if n+strangers > (maxSubscriber-minSubscriber+1)/2 {
		return team{}, fmt.Errorf("%d phones are too many to draw distinct ones", n+strangers)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	used := make(map[int]struct{}, n+strangers)
	phone := func() string {
		for {
			s := minSubscriber + rng.IntN(maxSubscriber-minSubscriber+1)
			if _, dup := used[s]; dup || unassigned(s) {
				continue
			}
			used[s] = struct{}{}
			return fmt.Sprintf("010-%04d-%04d", s/10_000, s%10_000)
		}
	}
	pick := func(list []string) string { return list[rng.IntN(len(list))] }

	r := team{Employees: make([]person, n), Strangers: make([]string, strangers)}
	for i := range r.Employees {
		r.Employees[i] = person{
			Name:       pick(surnames) + pick(givenFirst) + pick(givenSecond),
			Department: pick(departments),
			Position:   pick(positions),
			Phone:      phone(),
			Email:      fmt.Sprintf("emp%06d@example.co.kr", i+1),
		}
	}
	for i := range r.Strangers {
		r.Strangers[i] = phone()
	}
	return r, nil
}

// sheetHeader is the header row of the generated sheet, in the Korean HR
// wording the contract accepts.
var sheetHeader = []string{"이름", "부서", "직급", "휴대전화", "이메일", "재직상태"}

// writeCSV writes the employees as an HR sheet saved as UTF-8 CSV: a header
// row, then one row per employee, all employed.
func writeCSV(w io.Writer, employees []person) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(sheetHeader); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	for _, p := range employees {
		if err := cw.Write([]string{p.Name, p.Department, p.Position, p.Phone, p.Email, "재직"}); err != nil {
			return fmt.Errorf("write csv row: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// kakaoPhone writes a national mobile number ("010-1234-5678") the way
// Kakao's profile API returns it: "+82 10-1234-5678".
func kakaoPhone(national string) string {
	if len(national) > 0 && national[0] == '0' {
		return "+82 " + national[1:]
	}
	return "+82 " + national
}

package roster

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Seoul is the companies' clock: leave dates are days in Seoul. Korea has
// kept UTC+9 without daylight saving since 1988, so a fixed zone needs no
// time zone database in the container.
var Seoul = time.FixedZone("Asia/Seoul", 9*60*60)

// date is a calendar day, comparable as an integer yyyymmdd.
type date int

// today is the calendar day in Seoul at instant now.
func today(now time.Time) date {
	y, m, d := now.In(Seoul).Date()
	return date(y*10000 + int(m)*100 + d)
}

// leaveDatePattern reads the contract's spellings of a day: 2026-10-31,
// 2026.10.31, 2026. 10. 31. (Google Sheets in Korean), 2026/10/31, 20261031.
var leaveDatePattern = regexp.MustCompile(
	`^(\d{4})(?:([-./])\s*(\d{1,2})\s*([-./])\s*(\d{1,2})\.?|(\d{2})(\d{2}))$`)

// parseLeaveDate reads a leave-date cell; ok is false for text that is not
// a date spelling or not a real day.
func parseLeaveDate(s string) (d date, ok bool) {
	m := leaveDatePattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	month, day := m[3], m[5]
	if m[2] == "" {
		month, day = m[6], m[7]
	} else if m[2] != m[4] {
		return 0, false // 2026-10/31 is a typo, not a date
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(month)
	dd, _ := strconv.Atoi(day)
	t := time.Date(y, time.Month(mo), dd, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != dd {
		return 0, false // 2026-02-30 would roll over to March
	}
	return date(y*10000 + mo*100 + dd), true
}

// readLeaveDate reads a leave-date cell on day: left from that day on,
// employed before it or when empty.
func readLeaveDate(cell string, day date) status {
	if cell == "" {
		return statusEmployed
	}
	d, ok := parseLeaveDate(cell)
	switch {
	case !ok:
		return statusBadLeaveDate
	case d <= day:
		return statusLeft
	}
	return statusEmployed
}

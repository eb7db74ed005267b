package roster

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Seoul is the companies' clock; Korea has had no daylight saving since 1988,
// so a fixed zone needs no time zone database.
var Seoul = time.FixedZone("Asia/Seoul", 9*60*60)

// leaveDatePattern reads the contract's spellings of a day: 2026-10-31,
// 2026.10.31, 2026. 10. 31. (Google Sheets in Korean), 2026/10/31, 20261031.
var leaveDatePattern = regexp.MustCompile(
	`^(\d{4})(?:([-./])\s*(\d{1,2})\s*([-./])\s*(\d{1,2})\.?|(\d{2})(\d{2}))$`)

// readLeaveDate reads a leave-date cell at instant now: left from the
// start of that day in Seoul on, employed before it or when empty.
func readLeaveDate(cell string, now time.Time) status {
	if cell == "" {
		return statusEmployed
	}
	m := leaveDatePattern.FindStringSubmatch(strings.TrimSpace(cell))
	if m == nil || m[2] != m[4] { // 2026-10/31 is a typo, not a date
		return statusBadLeaveDate
	}
	month, day := m[3], m[5]
	if m[2] == "" {
		month, day = m[6], m[7]
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(month)
	d, _ := strconv.Atoi(day)
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, Seoul)
	switch {
	case t.Year() != y || int(t.Month()) != mo || t.Day() != d:
		return statusBadLeaveDate // 2026-02-30 would roll over to March
	case now.Before(t):
		return statusEmployed
	}
	return statusLeft
}

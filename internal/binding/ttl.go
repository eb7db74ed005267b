package binding

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultTTL is how long a binding lasts when ROLLCALL_BINDING_TTL is unset.
const DefaultTTL = 90 * 24 * time.Hour

// MaxTTL bounds a binding's life: ten years is already "forever".
const MaxTTL = 3650 * 24 * time.Hour

// ParseTTL reads a binding TTL: a Go duration ("720h", "30m"), whole days
// ("90d"), or "off", which returns 0: no binding is stored.
func ParseTTL(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "off") {
		return 0, nil
	}
	const maxDays = int(MaxTTL / (24 * time.Hour))
	d, err := time.ParseDuration(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		d = time.Duration(min(n, maxDays+1)) * 24 * time.Hour // min: a huge count must not overflow into range
	}
	if err == nil && (d <= 0 || d > MaxTTL) {
		err = fmt.Errorf("want more than 0 and at most %dd", maxDays)
	}
	if err != nil {
		return 0, fmt.Errorf("%q is not a binding TTL (a Go duration such as 720h, whole days such as 90d, or off): %w", s, err)
	}
	return d, nil
}

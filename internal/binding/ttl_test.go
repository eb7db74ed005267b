package binding_test

import (
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/binding"
)

func TestParseTTL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"90d", 90 * 24 * time.Hour},
		{"1d", 24 * time.Hour},
		{"720h", 720 * time.Hour},
		{"30m", 30 * time.Minute},
		{"off", 0},
		{" OFF ", 0},
		{"3650d", binding.MaxTTL},
	} {
		got, err := binding.ParseTTL(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseTTL(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "0", "0d", "-1h", "1.5d", "d", "3651d", "forever", "90 days", "87601h"} {
		if got, err := binding.ParseTTL(in); err == nil {
			t.Errorf("ParseTTL(%q) = %v, want an error", in, got)
		}
	}
}

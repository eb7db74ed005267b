package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond // 1..100 ms
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"one sample", []time.Duration{7}, 50, 7},
		{"median of 100", hundred, 50, 50 * time.Millisecond},
		{"p99 of 100", hundred, 99, 99 * time.Millisecond},
		{"p99.9 of 100 is the largest", hundred, 99.9, 100 * time.Millisecond},
		{"p100", hundred, 100, 100 * time.Millisecond},
		{"tiny p is the smallest", hundred, 0.001, time.Millisecond},
		{"median of two is the lower", []time.Duration{1, 2}, 50, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%d samples, %v) = %v, want %v", len(tt.sorted), tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	// 1000 samples, shuffled: 1..1000 µs.
	samples := make([]time.Duration, 1000)
	for i := range samples {
		samples[i] = time.Duration((i*389)%1000+1) * time.Microsecond
	}
	got := summarize(samples)
	want := latencies{
		Count: 1000,
		P50:   500 * time.Microsecond,
		P99:   990 * time.Microsecond,
		P999:  999 * time.Microsecond,
		Max:   1000 * time.Microsecond,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summarize (-want +got):\n%s", diff)
	}
	if got := summarize(nil); got != (latencies{}) {
		t.Errorf("summarize(nil) = %+v, want zero", got)
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{5}, 5},
		{[]time.Duration{9, 1, 5}, 5},
		{[]time.Duration{4, 1, 3, 2}, 2},
	}
	for _, tt := range tests {
		in := append([]time.Duration(nil), tt.in...)
		if got := median(in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
		if diff := cmp.Diff(tt.in, in); diff != "" {
			t.Errorf("median changed its input (-before +after):\n%s", diff)
		}
	}
}

func TestFormatting(t *testing.T) {
	t.Parallel()
	tests := []struct{ got, want string }{
		{thousands(0), "0"},
		{thousands(999), "999"},
		{thousands(1000), "1,000"},
		{thousands(100000), "100,000"},
		{thousands(-1234567), "-1,234,567"},
		{ms(1234 * time.Microsecond), "1.23 ms"},
		{ms(25 * time.Millisecond), "25.0 ms"},
		{ms(300 * time.Millisecond), "300 ms"},
		{ratio(1, 2), "0.50×"},
		{ratio(1, 0), "n/a"},
		{mib(2048), "2.0 MiB"},
		{mib(0), "n/a"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestParseMallocs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    float64
		wantErr bool
	}{
		{"client_golang exposition", "# HELP go_memstats_mallocs_total Total number of heap objects allocated.\n# TYPE go_memstats_mallocs_total counter\ngo_memstats_mallocs_total 1.234567e+06\ngo_memstats_frees_total 1000\n", 1234567, false},
		{"plain integer", "go_memstats_mallocs_total 42\n", 42, false},
		{"with labels", `go_memstats_mallocs_total{instance="a"} 7` + "\n", 7, false},
		{"a longer name with the same prefix is not it", "go_memstats_mallocs_total_extra 5\n", 0, true},
		{"missing", "go_goroutines 8\n", 0, true},
		{"not a number", "go_memstats_mallocs_total many\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseMallocs(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseMallocs error = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("parseMallocs = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseStatCPU(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"plain", "1234 (rollcall) S 1 1234 1234 0 -1 4194560 1000 0 0 0 150 25 0 0 20 0 8 0 100 0 0", 1750 * time.Millisecond, false},
		{"a command name with spaces and parentheses", "99 (a (b) c) R 1 99 99 0 -1 0 0 0 0 0 3 4 0 0 20 0", 70 * time.Millisecond, false},
		{"truncated", "99 (x) R 1 2 3", 0, true},
		{"no command", "garbage", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseStatCPU([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseStatCPU error = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("parseStatCPU = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTail(t *testing.T) {
	t.Parallel()
	tl := &tail{max: 8}
	for _, s := range []string{"aaaa", "bbbb", "cccc", "dddd", "eeee"} {
		if n, err := tl.Write([]byte(s)); n != 4 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if got, want := tl.String(), "    ddddeeee"; got != want {
		t.Errorf("tail = %q, want %q", got, want)
	}
}

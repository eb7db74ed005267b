package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// machine describes where a run happened, for the report.
type machine struct {
	Date     string
	Commit   string
	CPUs     int
	CPUModel string
	MemTotal string
	Kernel   string
	Go       string
	LoadAvg  string
}

// describeMachine reads the machine's description from /proc and the
// checkout's commit from git.
func describeMachine(ctx context.Context, root string) machine {
	m := machine{
		Date:     time.Now().UTC().Format("2006-01-02 15:04 MST"),
		Commit:   gitCommit(ctx, root),
		CPUs:     runtime.NumCPU(),
		CPUModel: procField("/proc/cpuinfo", "model name"),
		Kernel:   "linux " + readTrimmed("/proc/sys/kernel/osrelease"),
		Go:       runtime.Version(),
		MemTotal: "unknown",
	}
	load := strings.Fields(readTrimmed("/proc/loadavg"))
	m.LoadAvg = strings.Join(load[:min(3, len(load))], " ")
	if kib, err := parseKiB(procField("/proc/meminfo", "MemTotal")); err == nil {
		m.MemTotal = fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
	}
	return m
}

// procField returns the value of the first "key : value" line of a /proc
// file, or "unknown".
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func readTrimmed(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(data))
}

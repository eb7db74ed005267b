//go:build !pprof

package main

// startProfile does nothing in a normal build: the CPU profile is the
// bench's (-cpuprofile builds with -tags pprof, profile_pprof.go), never
// production's.
func startProfile(func(string) string) (stop func()) { return func() {} }

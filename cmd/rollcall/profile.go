//go:build !pprof

package main

// startProfile does nothing: only the bench's -tags pprof build profiles (profile_pprof.go).
func startProfile(func(string) string) (stop func()) { return func() {} }

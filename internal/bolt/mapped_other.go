//go:build !linux

package bolt

// dropMapped does nothing outside Linux: the pages stay resident until the
// system reclaims them.
func dropMapped(uintptr, int64) {}

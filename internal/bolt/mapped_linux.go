package bolt

import "syscall"

// dropMapped drops the pages of the n bytes mapped at addr from the
// process's resident memory (madvise MADV_DONTNEED). On the read-only,
// shared mapping of a file, touching them again reads them from the file.
// It is advice: a failure changes nothing but the memory figure, and is
// ignored.
func dropMapped(addr uintptr, n int64) {
	if addr == 0 || n <= 0 {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, addr, uintptr(n), syscall.MADV_DONTNEED)
}

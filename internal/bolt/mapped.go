package bolt

import "go.etcd.io/bbolt"

// bbolt reads the store file through a memory map. Reading every employee
// (loading the directory into memory, or the hashes for a sync) touches
// every page of the file, and each page touched stays in the process's
// resident memory although nothing reads it again: the directory is then
// held in the heap. With a hundred thousand employees that is tens of MB.
// The mapping is read-only and shared, so pages dropped from it are read
// again from the file (in practice, the kernel's page cache) whenever
// something does touch them: dropping them changes no byte anyone reads.
// It stays because the 64 MB target at 100,000 employees needs it: `go run
// ./bench` at 100,000 peaked at 91.0 MiB without it, 70.3 MiB with it
// (the same code otherwise; docs/benchmarks.md).

// releaseEvery is how many records a full read decodes between two drops
// of the mapped pages: about 2 MB of pages.
const releaseEvery = 8192

// forEachReleasing calls fn for every key and value of bucket name, like
// Bucket.ForEach, and keeps the pages it has read from piling up in
// resident memory by dropping the file's mapped pages every releaseEvery
// records and at the end.
func forEachReleasing(tx *bbolt.Tx, name string, fn func(k, v []byte) error) error {
	release := func() { dropMapped(tx.DB().Info().Data, tx.Size()) }
	defer release()
	n := 0
	return tx.Bucket([]byte(name)).ForEach(func(k, v []byte) error {
		n++
		if n%releaseEvery == 0 {
			release()
		}
		return fn(k, v)
	})
}

package storetest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// CrashCopy is what a crash of the process serving the bolt store at path
// leaves: a copy of every file of the store (the bolt file and its bindings
// journal) as it is on disk now, in a new directory; it returns the copy's
// store path. The bolt file goes last, as a fold writes it before it
// empties the journal.
func CrashCopy(t *testing.T, path string) string {
	t.Helper()
	names, err := filepath.Glob(path + "*")
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(names, func(a, b string) int { return len(b) - len(a) }) // path itself last
	dir := t.TempDir()
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(name)), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, filepath.Base(path))
}

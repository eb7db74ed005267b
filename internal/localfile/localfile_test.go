package localfile

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRefusesWhatIsNotARegularFile: a named pipe is refused before it is
// opened (opening one for reading blocks until a writer comes, which may be
// never), and every other kind of path says what it is.
func TestRefusesWhatIsNotARegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "employees.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	sock := filepath.Join(dir, "s.csv")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("unix socket: %v", err)
	}
	defer ln.Close()
	for path, want := range map[string]string{
		fifo:        "a named pipe (FIFO)",
		dir:         "a directory",
		sock:        "a socket",
		os.DevNull:  "a device",
		"/dev/zero": "a device",
	} {
		done := make(chan error, 1)
		go func() { _, err := Read(path, MaxSize); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotAFile) || !strings.Contains(err.Error(), want) {
				t.Errorf("Read(%s) = %v, want ErrNotAFile saying %q", path, err, want)
			}
		case <-time.After(time.Minute): // only catches a blocked open
			t.Fatalf("Read(%s) blocked", path)
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := check(info, MaxSize); !errors.Is(err, ErrNotAFile) || !strings.Contains(err.Error(), want) {
			t.Errorf("check(%s) = %v, want ErrNotAFile saying %q", path, err, want)
		}
	}
}

func TestReadsARegularFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "employees.csv")
	if err := os.WriteFile(path, []byte("이름,휴대전화\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Through a symbolic link too: Stat follows it to the file.
	link := filepath.Join(t.TempDir(), "link.csv")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, link} {
		got, err := Read(p, MaxSize)
		if err != nil || string(got) != "이름,휴대전화\n" {
			t.Errorf("Read(%s) = %q, %v", p, got, err)
		}
	}
	if _, err := Read(path, 3); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Read over the limit = %v, want ErrTooLarge", err)
	}
	if _, err := Read(filepath.Join(t.TempDir(), "missing.csv"), MaxSize); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read of a missing file = %v, want ErrNotExist", err)
	}
}

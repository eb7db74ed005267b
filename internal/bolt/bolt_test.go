package bolt_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/bolt"
	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/storetest"
)

// open opens a store in path and closes it when the test ends.
func open(t *testing.T, path string) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, clock *clocktest.Clock) storetest.Store {
		s := open(t, filepath.Join(t.TempDir(), "rollcall.db"))
		s.Now = clock.Now
		return s
	}, nil) // one transaction an Apply: nothing to cut short
}

var hong = roster.Employee{Phone: "+821012345678", Name: "홍길동", Department: "인사팀", Position: "과장", Email: "hong@example.com", Row: 2}

func TestReopenKeepsEverything(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	ctx := t.Context()
	report := rostersync.Report{Rows: 1, Employees: 1, Added: 1, StartedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), DurationMS: 42,
		Problems: []roster.Problem{{Row: 3, Code: roster.ProblemInvalidPhone, Reason: "번호 오류"}}}

	s, err := bolt.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if _, err := s.ApplyPlan(ctx, rostersync.Plan{Added: []roster.Employee{hong}}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if err := s.RecordRun(ctx, report); err != nil {
		t.Fatalf("RecordRun: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = open(t, path)
	got, ok, err := s.Lookup(ctx, hong.Phone)
	if err != nil || !ok {
		t.Fatalf("Lookup after reopen = (found %v, %v), want found", ok, err)
	}
	if diff := cmp.Diff(hong, got); diff != "" {
		t.Errorf("Lookup after reopen (-want +got):\n%s", diff)
	}
	last, err := s.LastSync(ctx)
	if err != nil {
		t.Fatalf("LastSync: %v", err)
	}
	if want := report.StartedAt.Add(42 * time.Millisecond); !last.Equal(want) {
		t.Errorf("LastSync after reopen = %v, want %v", last, want)
	}
	runs, err := s.Runs(ctx, 10)
	if err != nil {
		t.Fatalf("Runs after reopen: %v", err)
	}
	if diff := cmp.Diff([]rostersync.Report{report}, runs); diff != "" {
		t.Errorf("Runs after reopen (-want +got):\n%s", diff)
	}
	if n, err := s.Count(ctx); err != nil || n != 1 {
		t.Errorf("Count after reopen = (%d, %v), want 1", n, err)
	}
}

// TestKilledHoldersLeaseIsVoid: a process killed mid-sync leaves its
// lease in the file. The next process to open the file holds bbolt's
// exclusive file lock, which proves the dead holder is gone, so it takes
// the lease at once instead of being refused as "already running" until
// the dead lease expires.
func TestKilledHoldersLeaseIsVoid(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	holder := exec.Command(os.Args[0], "-test.run=^TestLeaseHolderProcess$")
	holder.Env = append(os.Environ(), leaseHolderEnv+"="+path)
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := holder.StdinPipe() // held open: the holder waits on it
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "leased\n" {
		_ = holder.Process.Kill()
		_ = holder.Wait()
		t.Fatalf("the holder process said %q, %v; want leased", line, err)
	}
	if err := holder.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = holder.Wait()

	clock := clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := open(t, path)
	s.Now = clock.Now
	if err := s.AcquireLease(t.Context(), "next", time.Minute); err != nil {
		t.Fatalf("AcquireLease after the holder was killed: %v, want the lease at once", err)
	}
	// Within the process the lease still keeps two syncs apart.
	if err := s.AcquireLease(t.Context(), "other", time.Minute); !errors.Is(err, rostersync.ErrBusy) {
		t.Errorf("a second holder in the same process = %v, want ErrBusy", err)
	}
}

// leaseHolderEnv names the file TestLeaseHolderProcess takes the lease in.
const leaseHolderEnv = "ROLLCALL_TEST_BOLT_LEASE_HOLDER"

// TestLeaseHolderProcess is TestKilledHoldersLeaseIsVoid's other process:
// it takes the sync lease for ten minutes, says so, and waits to be killed.
func TestLeaseHolderProcess(t *testing.T) {
	path := os.Getenv(leaseHolderEnv)
	if path == "" {
		t.Skip("the other process of TestKilledHoldersLeaseIsVoid")
	}
	s, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AcquireLease(context.Background(), "killed", 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	fmt.Println("leased")
	_, _ = io.Copy(io.Discard, os.Stdin) // until killed
	t.Fatal("the holder process was not killed")
}

func TestOpenLockedFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	first, err := bolt.Open(path)
	if err != nil {
		t.Fatalf("first Open: %v", err)
	}

	start := time.Now()
	second, err := bolt.Open(path)
	waited := time.Since(start)
	if err == nil {
		second.Close()
		t.Fatalf("second Open of a file in use succeeded, want ErrLocked")
	}
	if !errors.Is(err, bolt.ErrLocked) {
		t.Errorf("second Open error = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "rollcall.db") || !strings.Contains(err.Error(), "rollcall serve") {
		t.Errorf("error %q should name the file and suggest what holds it", err)
	}
	// It gives up after its one-second lock timeout; the bound only says it
	// does not wait for the holder, with room for a loaded machine.
	if waited > 30*time.Second {
		t.Errorf("second Open gave up after %v, want about a second", waited)
	}

	// Once the first holder lets go, the file opens.
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	open(t, path)
}

func TestOpenBadFile(t *testing.T) {
	t.Parallel()
	noise := make([]byte, 64<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	tests := []struct {
		name    string
		content []byte
	}{
		{"text file", []byte("이름,휴대전화\n홍길동,010-1234-5678\n")},
		{"random bytes", noise},
		{"zeroed pages", make([]byte, 32<<10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "rollcall.db")
			if err := os.WriteFile(path, tt.content, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := bolt.Open(path)
			if err == nil {
				s.Close()
				t.Fatalf("Open of a %s succeeded, want ErrCorrupt", tt.name)
			}
			if !errors.Is(err, bolt.ErrCorrupt) {
				t.Errorf("Open error = %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestOpenMissingDirectory(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "missing")
	_, err := bolt.Open(filepath.Join(dir, "rollcall.db"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open in a missing directory error = %v, want fs.ErrNotExist", err)
	}
	if _, statErr := os.Stat(dir); !errors.Is(statErr, fs.ErrNotExist) {
		t.Errorf("Open created the missing directory (stat: %v)", statErr)
	}
}

func TestApplyIsAtomic(t *testing.T) {
	t.Parallel()
	s := open(t, filepath.Join(t.TempDir(), "rollcall.db"))
	ctx := t.Context()
	if _, err := s.ApplyPlan(ctx, rostersync.Plan{Added: []roster.Employee{hong}}); err != nil {
		t.Fatalf("Apply: %v", err)
	}

	kim := roster.Employee{Phone: "+821011112222", Name: "김", Row: 3}
	noPhone := roster.Employee{Name: "전화없음", Row: 4}
	if _, err := s.ApplyPlan(ctx, rostersync.Plan{Added: []roster.Employee{kim, noPhone}, Deleted: []string{hong.Phone}}); err == nil {
		t.Fatalf("Apply with an employee without a phone succeeded, want an error")
	}

	got, err := s.Hashes(ctx)
	if err != nil {
		t.Fatalf("Hashes: %v", err)
	}
	if diff := cmp.Diff(map[string]string{hong.Phone: hong.Hash()}, got); diff != "" {
		t.Errorf("a failed Apply changed the store (-want +got):\n%s", diff)
	}
}

// TestEmployees: Employees returns every employee and honours the context.
func TestEmployees(t *testing.T) {
	t.Parallel()
	s := open(t, filepath.Join(t.TempDir(), "rollcall.db"))
	ctx := t.Context()
	es := []roster.Employee{hong,
		{Phone: "+821011112222", Name: "김", Department: "개발팀", Position: "사원", Row: 3},
		{Phone: "+447911123456", Row: 4}}
	if _, err := s.ApplyPlan(ctx, rostersync.Plan{Added: es}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	got, err := s.Employees(ctx)
	if err != nil {
		t.Fatalf("Employees: %v", err)
	}
	want := map[string]roster.Employee{}
	for _, e := range es {
		want[e.Phone] = e
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Employees (-want +got):\n%s", diff)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Employees(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("Employees with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestClosedStoreFails(t *testing.T) {
	t.Parallel()
	s, err := bolt.Open(filepath.Join(t.TempDir(), "rollcall.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
	ctx := context.Background()
	if _, err := s.ApplyPlan(ctx, rostersync.Plan{Added: []roster.Employee{hong}}); err == nil {
		t.Errorf("Apply on a closed store succeeded")
	}
	if _, err := s.Hashes(ctx); err == nil {
		t.Errorf("Hashes on a closed store succeeded")
	}
	if _, _, err := s.Lookup(ctx, hong.Phone); err == nil {
		t.Errorf("Lookup on a closed store succeeded")
	}
	if _, err := s.LastSync(ctx); err == nil {
		t.Errorf("LastSync on a closed store succeeded")
	}
	if err := s.RecordRun(ctx, rostersync.Report{}); err == nil {
		t.Errorf("RecordRun on a closed store succeeded")
	}
	if _, err := s.Runs(ctx, 1); err == nil {
		t.Errorf("Runs on a closed store succeeded")
	}
	if _, err := s.Count(ctx); err == nil {
		t.Errorf("Count on a closed store succeeded")
	}
	if _, err := s.Employees(ctx); err == nil {
		t.Errorf("Employees on a closed store succeeded")
	}
	if _, _, err := s.Status(ctx); err == nil {
		t.Errorf("Status on a closed store succeeded")
	}
	if err := s.AcquireLease(ctx, "a", time.Minute); err == nil {
		t.Errorf("AcquireLease on a closed store succeeded")
	}
	if err := s.ReleaseLease(ctx, "a"); err == nil {
		t.Errorf("ReleaseLease on a closed store succeeded")
	}
}

package firestore

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/firestore/apiv1/firestorepb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/rollcall/rollcall/internal/memdir"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// ops counts Firestore operations as Firestore bills them: a read for each
// document a get or a query returns (a query returning none, and a get of
// a missing document, still one), a read per 1,000 entries an aggregation
// counts, and a write for each write of a commit.
type ops struct {
	mu                         sync.Mutex
	reads, writes, employeeOps int
	// calls counts round trips: every unary call and every stream opened.
	calls int
}

// takeCalls returns the round trips since the last takeCalls.
func (o *ops) takeCalls() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := o.calls
	o.calls = 0
	return n
}

// call counts one round trip.
func (o *ops) call() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls++
}

func (o *ops) take() (reads, writes, employeeWrites int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	reads, writes, employeeWrites = o.reads, o.writes, o.employeeOps
	o.reads, o.writes, o.employeeOps = 0, 0, 0
	return
}

func (o *ops) add(reads, writes, employeeWrites int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.reads += reads
	o.writes += writes
	o.employeeOps += employeeWrites
}

// unary counts the writes of commits.
func (o *ops) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	o.call()
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer owner")
	if c, ok := req.(*firestorepb.CommitRequest); ok {
		employees := 0
		for _, w := range c.GetWrites() {
			if strings.Contains(w.GetUpdate().GetName()+w.GetDelete(), "/documents/"+employeesCollection+"/") {
				employees++
			}
		}
		o.add(0, len(c.GetWrites()), employees)
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

// stream counts the documents that gets and queries return.
func (o *ops) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	o.call()
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer owner")
	s, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil {
		return nil, err
	}
	return &countingStream{ClientStream: s, ops: o, query: strings.HasSuffix(method, "/RunQuery")}, nil
}

type countingStream struct {
	grpc.ClientStream
	ops   *ops
	query bool
	docs  int
	done  bool
}

func (s *countingStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	if err != nil {
		if s.query && !s.done && s.docs == 0 {
			s.ops.add(1, 0, 0) // the least a query costs
		}
		s.done = true
		return err
	}
	switch r := m.(type) {
	case *firestorepb.BatchGetDocumentsResponse:
		if r.GetFound() != nil || r.GetMissing() != "" {
			s.ops.add(1, 0, 0)
		}
	case *firestorepb.RunQueryResponse:
		if r.GetDocument() != nil {
			s.docs++
			s.ops.add(1, 0, 0)
		}
	case *firestorepb.RunAggregationQueryResponse:
		if res := r.GetResult(); res != nil {
			n := int64(0)
			for _, v := range res.GetAggregateFields() {
				n = max(n, v.GetIntegerValue())
			}
			s.ops.add(max(1, int((n+999)/1000)), 0, 0)
		}
	}
	return nil
}

// openCountedStore opens a store on project whose every operation o counts.
func openCountedStore(t *testing.T, project string, o *ops) *Store {
	t.Helper()
	conn, err := grpc.NewClient("passthrough:///"+os.Getenv(emulatorHostEnv),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithUnaryInterceptor(o.unary), grpc.WithStreamInterceptor(o.stream))
	if err != nil {
		t.Fatalf("grpc.NewClient: %v", err)
	}
	s, err := Open(t.Context(), project, "", option.WithGRPCConn(conn), option.WithoutAuthentication())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestSyncCost counts what each scenario of issue 12's target table costs,
// and holds it to the targets. The counts are deterministic: they depend on
// the code, not on the machine's speed. The table is for 10,000 employees;
// 1,000 prove the same: every bound but the first sync's and the start-up's
// is a constant of at most 50 reads, which a path that reads every employee
// (O(n), not O(k)) would exceed twenty-fold, and with commits of a fifth of
// Firestore's 500 the first sync still takes more commits than run at once.
// BenchmarkSync10k times 10,000.
func TestSyncCost(t *testing.T) {
	needEmulator(t)
	if testing.Short() {
		t.Skip("-short: a first sync of 1,000 employees")
	}
	const n = 1_000
	project := testProjectID(t)
	counted := &ops{}
	s := openCountedStore(t, project, counted)
	s.writesPerCommit = maxWritesPerCommit / 5
	other, err := Open(t.Context(), project, "") // another process: not counted
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })

	src := &rowsSource{rows: sheet(n)}
	run := func(st rostersync.Store) rostersync.Report {
		t.Helper()
		r, err := rostersync.NewEngine(src, st, 20).Run(t.Context(), rostersync.Options{})
		if err != nil {
			t.Fatalf("sync: %v", err)
		}
		return r
	}
	type cost struct{ reads, writes, employeeWrites int }
	measure := func(name string, do func()) cost {
		t.Helper()
		counted.take()
		do()
		r, w, e := counted.take()
		t.Logf("%-52s reads %5d  writes %5d  (employee documents %d)", name, r, w, e)
		return cost{r, w, e}
	}
	check := func(name string, got cost, reads, writes, employeeWrites int) {
		t.Helper()
		if got.reads > reads || got.writes > writes || (employeeWrites >= 0 && got.employeeWrites != employeeWrites) {
			t.Errorf("%s: %d reads, %d writes (%d of employees); want at most %d reads, %d writes (%d of employees)",
				name, got.reads, got.writes, got.employeeWrites, reads, writes, employeeWrites)
		}
	}

	first := measure("first sync", func() { run(s) })
	check("first sync", first, 50, n+50, n)
	// A full history, as in steady use: each run from now on prunes one.
	for i := range rostersync.KeptRuns {
		if err := other.RecordRun(t.Context(), rostersync.Report{DryRun: true, StartedAt: time.Now().Add(-time.Duration(i+1) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}

	// An instance starts on the synced directory.
	dir := memdir.New(s, memdir.Options{})
	start := measure("start-up to /ready", func() {
		if err := dir.Refresh(t.Context()); err != nil {
			t.Fatalf("load: %v", err)
		}
	})
	check("start-up to /ready", start, n+50, 0, 0)

	unchanged := measure("unchanged sync", func() {
		if r := run(s); r.Unchanged != n {
			t.Errorf("unchanged sync: %+v", r)
		}
	})
	check("unchanged sync", unchanged, 25, 6, 0)

	idle := measure("one check of an idle instance", func() {
		if err := dir.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
	// Checks come at most once a check interval: 3 in 30 s, and a fourth
	// when one falls on each end.
	checks := int(30*1e9/int64(memdir.DefaultCheckInterval)) + 1
	check("an idle instance over 30 s", cost{idle.reads * checks, idle.writes, 0}, 10, 0, 0)

	src.rows[n/3][2] = "영업팀" // the department column
	oneChange := measure("one employee's department changed", func() {
		if r := run(s); r.Updated != 1 || r.Unchanged != n-1 {
			t.Errorf("one change: %+v", r)
		}
	})
	check("one employee's department changed", oneChange, 40, 10, 1)

	// A serving instance, up to date, catches up with another process's
	// one-change sync.
	if err := dir.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	changed := src.rows[2*n/3]
	changed[2] = "재무팀"
	if r := run(other); r.Updated != 1 {
		t.Fatalf("the other process's sync: %+v", r)
	}
	catchUp := measure("a serving instance after another's one-change sync", func() {
		if err := dir.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
	check("a serving instance after another's one-change sync", catchUp, 40, 0, 0)
	e, ok, err := dir.Lookup(t.Context(), "+8210"+strings.ReplaceAll(changed[1], "-", "")[3:])
	if err != nil || !ok || e.Department != "재무팀" {
		t.Errorf("after catching up, the changed employee = %+v, %v, %v; want department 재무팀", e, ok, err)
	}

	src.rows = append(src.rows[:n/2], src.rows[n/2+1:]...)
	removed := measure("the row in the middle removed", func() {
		if r := run(s); r.Deleted != 1 || r.Updated != 0 {
			t.Errorf("row removed: %+v", r)
		}
	})
	check("the row in the middle removed", removed, 40, 10, 1)
}

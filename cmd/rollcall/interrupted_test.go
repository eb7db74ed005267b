package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"cloud.google.com/go/firestore/apiv1/firestorepb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/csv"
	"github.com/rollcall/rollcall/internal/firestore"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// writeStaff writes a sheet of the employees numbered in [from, to), as
// HR's CSV export.
func writeStaff(t *testing.T, path string, ranges ...[2]int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("이름,휴대전화,부서\n")
	for _, r := range ranges {
		for i := r[0]; i < r[1]; i++ {
			fmt.Fprintf(&b, "직원%d,010-7%03d-%04d,개발팀\n", i, i/10000, i%10000)
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestSyncAfterCutShortApply: a sync on Firestore whose Apply is refused
// part-way (the manifest's commit, after the employees') after HR deleted
// rows by mistake; HR restores them; `rollcall sync` then writes
// back what the cut-short sync had deleted (not "unchanged"), and
// `rollcall check` finds a restored employee.
func TestSyncAfterCutShortApply(t *testing.T) {
	t.Parallel()
	needFirestoreEmulator(t)
	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatal(err)
	}
	project := "rollcall-cut-" + hex.EncodeToString(suffix)
	e := newTestEnv(t)
	e.vars["ROLLCALL_STORE"] = "firestore:" + project
	e.vars["ROLLCALL_LOG_LEVEL"] = "warn"
	writeStaff(t, e.sheet, [2]int{0, 1500})
	if code, _, stderr := e.run(t, "sync"); code != 0 {
		t.Fatalf("first sync: exit %d, %s", code, stderr)
	}

	// HR deletes 600 rows by mistake; the sync deletes their employees,
	// and then the commit of its manifest is refused, by a connection that
	// refuses it.
	writeStaff(t, e.sheet, [2]int{0, 300}, [2]int{900, 1500})
	var refused atomic.Int32
	refuse := func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer owner")
		if c, ok := req.(*firestorepb.CommitRequest); ok {
			for _, w := range c.GetWrites() {
				if strings.Contains(w.GetUpdate().GetName(), "/documents/manifest/") {
					refused.Add(1)
					return status.Error(codes.PermissionDenied, "injected: the commit is refused")
				}
			}
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	}
	conn, err := grpc.NewClient("passthrough:///"+os.Getenv("FIRESTORE_EMULATOR_HOST"),
		grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithUnaryInterceptor(refuse))
	if err != nil {
		t.Fatal(err)
	}
	st, err := firestore.Open(t.Context(), project, "", option.WithGRPCConn(conn), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := rostersync.NewEngine(csv.New(e.sheet), st, 50).Run(t.Context(), rostersync.Options{Force: true})
	if err == nil || r.Landed != rostersync.LandedPart || refused.Load() == 0 {
		t.Fatalf("the cut-short sync = %v, landed %q (%d commits refused); want an error, landed part", err, r.Landed, refused.Load())
	}

	// HR restores the rows; the next sync writes back what landed.
	writeStaff(t, e.sheet, [2]int{0, 1500})
	code, stdout, stderr := e.run(t, "sync", "--json")
	var report rostersync.Report
	if err := json.Unmarshal([]byte(stdout), &report); err != nil || code != 0 {
		t.Fatalf("the sync after the undo: exit %d, %v; %s", code, err, stderr)
	}
	if report.Added != 600 || report.Unchanged != 900 || report.Landed != rostersync.LandedAll {
		t.Errorf("the sync after the undo: added %d, unchanged %d, landed %q; want the deleted ones added back",
			report.Added, report.Unchanged, report.Landed)
	}
	for _, i := range []int{300, 600, 899} {
		phone := fmt.Sprintf("010-7%03d-%04d", i/10000, i%10000)
		if code, stdout, _ := e.run(t, "check", phone); code != 0 || !strings.Contains(stdout, "employee (sheet row") {
			t.Errorf("rollcall check of restored employee %d: exit %d, %q; want an employee", i, code, stdout)
		}
	}
	if code, _, _ := e.run(t, "sync"); code != 0 {
		t.Errorf("a third sync: exit %d, want 0", code)
	}
}

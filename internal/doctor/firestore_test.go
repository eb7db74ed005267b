package doctor_test

// The doctor against the official Firestore emulator: a healthy directory
// read without one write, and the set-up failures Google answers with,
// reproduced by an interceptor on the emulator's connection.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/doctor"
	"github.com/rollcall/rollcall/internal/firestore"
	"github.com/rollcall/rollcall/internal/rostersync"
)

func needEmulator(t *testing.T) string {
	t.Helper()
	host := os.Getenv("FIRESTORE_EMULATOR_HOST")
	if host == "" {
		if os.Getenv("ROLLCALL_TEST_FIRESTORE") == "required" {
			t.Fatal("ROLLCALL_TEST_FIRESTORE=required but FIRESTORE_EMULATOR_HOST is not set")
		}
		t.Skip("FIRESTORE_EMULATOR_HOST is not set: run with scripts/firestore-emulator.sh go test ./internal/doctor/")
	}
	return host
}

func projectID(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "rollcall-doctor-" + hex.EncodeToString(b)
}

// writes counts the RPCs that can change a Firestore database.
type writes struct{ n atomic.Int32 }

func (w *writes) isWrite(method string) bool {
	for _, m := range []string{"Commit", "BatchWrite", "BeginTransaction", "Write", "CreateDocument", "UpdateDocument", "DeleteDocument"} {
		if strings.HasSuffix(method, "/"+m) {
			return true
		}
	}
	return false
}

// openStore opens project on the emulator through a connection that counts
// writes into w and, when refuse is set, answers every call with it.
func openStore(t *testing.T, host, project string, w *writes, refuse *status.Status) *firestore.Store {
	t.Helper()
	unary := func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		if w.isWrite(method) {
			w.n.Add(1)
		}
		if refuse != nil {
			return refuse.Err()
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	}
	stream := func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		if w.isWrite(method) {
			w.n.Add(1)
		}
		if refuse != nil {
			return nil, refuse.Err()
		}
		return streamer(ctx, desc, cc, method, opts...)
	}
	conn, err := grpc.NewClient("passthrough:///"+host, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithUnaryInterceptor(unary), grpc.WithStreamInterceptor(stream))
	if err != nil {
		t.Fatal(err)
	}
	s, err := firestore.Open(t.Context(), project, "", option.WithGRPCConn(conn), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

type rows [][]string

func (r rows) Rows(context.Context) ([][]string, error) { return r, nil }

var staff = rows{
	{"이름", "휴대전화", "부서"},
	{"가", "010-0000-0001", "인사팀"},
	{"나", "010-0000-0002", "개발팀"},
}

func setup(store *firestore.Store) doctor.Setup {
	return doctor.Setup{
		Config: config.Config{
			Source: config.Source{Location: "sheet"},
			Store:  config.Store{Kind: config.StoreFirestore, Project: "p"},
			Kakao:  config.Kakao{Timeout: time.Second},
			Sync:   config.Sync{MaxDeletePercent: 20},
			// The emulator, without credentials.
			FirestoreEmulator: true,
		},
		Source: staff, Store: store,
	}
}

func TestDoctorOnFirestore(t *testing.T) {
	host := needEmulator(t)
	t.Parallel()
	project := projectID(t)
	filler := openStore(t, host, project, &writes{}, nil)
	if _, err := rostersync.NewEngine(staff, filler, 20).Run(t.Context(), rostersync.Options{}); err != nil {
		t.Fatalf("first sync: %v", err)
	}

	var w writes
	r := doctor.Run(t.Context(), setup(openStore(t, host, project, &w, nil)))
	for _, c := range r.Checks {
		if c.Status == doctor.Fail {
			t.Errorf("%s failed on a healthy directory: %+v", c.Name, c)
		}
	}
	var store, rowsCheck doctor.Check
	for _, c := range r.Checks {
		switch c.Name {
		case doctor.CheckStore:
			store = c
		case doctor.CheckRows:
			rowsCheck = c
		}
	}
	if store.Status != doctor.OK || !strings.Contains(store.Detail, "2 employees") || !strings.Contains(store.Detail, "last run") {
		t.Errorf("store check %+v, want ok with 2 employees and the last run", store)
	}
	if !strings.Contains(rowsCheck.Detail, "leave 2 unchanged") {
		t.Errorf("rows check %+v, want the plan against the store", rowsCheck)
	}
	if n := w.n.Load(); n != 0 {
		t.Errorf("the doctor made %d write calls to Firestore, want none", n)
	}

	tests := []struct {
		name string
		st   *status.Status
		say  string
		fix  string
	}{
		{"no database", status.New(codes.NotFound, "The database (default) does not exist for project "+project+
			" Please visit https://console.cloud.google.com/datastore/setup?project="+project+
			" to add a Cloud Datastore or Cloud Firestore database."), "no Firestore database", "gcloud firestore databases create"},
		{"Datastore mode", status.New(codes.FailedPrecondition, "The Cloud Firestore API is not available for Firestore in "+
			"Datastore Mode database projects/"+project+"/databases/(default)."), "Datastore mode", "Native-mode database"},
		{"no permission", status.New(codes.PermissionDenied, "Missing or insufficient permissions."), "no permission on Firestore", "roles/datastore.user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var w writes
			r := doctor.Run(t.Context(), setup(openStore(t, host, project, &w, tt.st)))
			if !r.Failed() {
				t.Errorf("status %s, want fail", r.Status)
			}
			for _, c := range r.Checks {
				if c.Name != doctor.CheckStore {
					continue
				}
				if c.Status != doctor.Fail || !strings.Contains(c.Detail, tt.say) || !strings.Contains(c.Fix, tt.fix) {
					t.Errorf("store check %+v, want fail saying %q with a fix saying %q", c, tt.say, tt.fix)
				}
			}
			if n := w.n.Load(); n != 0 {
				t.Errorf("%d write calls, want none", n)
			}
		})
	}
}

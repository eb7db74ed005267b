package firestore

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"google.golang.org/api/option"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// refusing answers every call on a connection to the emulator with st, as
// Google's Firestore answers a project set up wrong.
func refusing(st *status.Status) []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithUnaryInterceptor(func(context.Context, string, any, any, *grpc.ClientConn, grpc.UnaryInvoker, ...grpc.CallOption) error {
			return st.Err()
		}),
		grpc.WithStreamInterceptor(func(context.Context, *grpc.StreamDesc, *grpc.ClientConn, string, grpc.Streamer, ...grpc.CallOption) (grpc.ClientStream, error) {
			return nil, st.Err()
		}),
	}
}

// TestSetupFailuresAreDiagnosed: each failure a set-up meets, answered as
// Google answers it, comes back from every entry point (the sync's lease,
// the status, the doctor's reads) as its own error with its fix, quoting
// no server message.
func TestSetupFailuresAreDiagnosed(t *testing.T) {
	needEmulator(t)
	t.Parallel()
	project := testProjectID(t)
	disabled, err := status.New(codes.PermissionDenied, "Cloud Firestore API has not been used in project "+project+
		" before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/firestore.googleapis.com/overview?project="+
		project+" then retry.").WithDetails(&errdetails.ErrorInfo{Reason: "SERVICE_DISABLED", Domain: "googleapis.com",
		Metadata: map[string]string{"service": "firestore.googleapis.com", "consumer": "projects/" + project}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		st   *status.Status
		want error
		fix  string
	}{
		{"no database", status.New(codes.NotFound, "The database (default) does not exist for project "+project+
			" Please visit https://console.cloud.google.com/datastore/setup?project="+project+
			" to add a Cloud Datastore or Cloud Firestore database."), errNoDatabase, "gcloud firestore databases create"},
		{"Datastore mode", status.New(codes.FailedPrecondition, "The Cloud Firestore API is not available for Firestore in "+
			"Datastore Mode database projects/"+project+"/databases/(default)."), errDatastoreMode, "--type=firestore-native"},
		{"API disabled", disabled, errAPIDisabled, "gcloud services enable firestore.googleapis.com"},
		{"no permission", status.New(codes.PermissionDenied, "Missing or insufficient permissions."), errPermission, "roles/datastore.user"},
		{"unreachable", status.New(codes.Unavailable, "connection error: desc = \"transport: Error while dialing: dial tcp 10.0.0.1:443: i/o timeout\""),
			errUnreachable, "FIRESTORE_EMULATOR_HOST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn, err := grpc.NewClient("passthrough:///"+os.Getenv(emulatorHostEnv),
				append(refusing(tt.st), grpc.WithTransportCredentials(insecure.NewCredentials()))...)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(t.Context(), project, "", option.WithGRPCConn(conn), option.WithoutAuthentication())
			if err != nil {
				t.Fatal(err)
			}
			s.client.UsesEmulator = true // the connection is the emulator's, given by hand
			defer s.Close()
			// The client retries UNAVAILABLE until the deadline, which then
			// is the error: a short one keeps the test short.
			wait := 30 * time.Second
			if tt.want == errUnreachable {
				wait = 2 * time.Second
			}
			ctx, cancel := context.WithTimeout(t.Context(), wait)
			defer cancel()
			_, lastErr := s.LastSync(ctx)
			_, countErr := s.Count(ctx)
			_, runsErr := s.Runs(ctx, 1)
			_, hashErr := s.Hashes(ctx)
			leaseErr := s.AcquireLease(ctx, "test", time.Minute)
			_, _, readLeaseErr := s.Lease(ctx)
			for name, err := range map[string]error{"LastSync": lastErr, "Count": countErr, "Runs": runsErr, "Hashes": hashErr,
				"AcquireLease": leaseErr, "Lease": readLeaseErr} {
				if !errors.Is(err, tt.want) {
					t.Errorf("%s error = %v, want %v", name, err, tt.want)
					continue
				}
				var d *Diagnosis
				if !errors.As(err, &d) || !strings.Contains(d.Remedy(), tt.fix) {
					t.Errorf("%s error = %v, want a fix saying %q", name, err, tt.fix)
				}
				if strings.Contains(err.Error(), tt.st.Message()) {
					t.Errorf("%s error %q quotes the server's message", name, err)
				}
				if tt.want != errUnreachable && status.Code(err) != tt.st.Code() {
					t.Errorf("%s error's code = %v, want %v kept", name, status.Code(err), tt.st.Code())
				}
			}
		})
	}
}

// TestLeaseShowsWhatIsHeld: the doctor's read of the lease, outside any
// transaction.
func TestLeaseShowsWhatIsHeld(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if _, held, err := s.Lease(t.Context()); err != nil || held {
		t.Fatalf("Lease of a new directory = %v, %v; want none held", held, err)
	}
	if err := s.AcquireLease(t.Context(), "host/1/ab", time.Minute); err != nil {
		t.Fatal(err)
	}
	if l, held, err := s.Lease(t.Context()); err != nil || !held || l.Holder != "host/1/ab" || l.ExpiresAt.IsZero() {
		t.Errorf("Lease = %+v, %v, %v; want host/1/ab's", l, held, err)
	}
}

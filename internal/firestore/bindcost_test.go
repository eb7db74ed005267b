package firestore

import (
	"context"
	"os"
	"sync/atomic"
	"testing"

	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/memdir"
)

// roundTrips counts the calls a client makes to Firestore: each unary call
// and each stream opened is one round trip.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	r.n.Add(1)
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer owner")
	return invoker(ctx, method, req, reply, cc, opts...)
}

func (r *roundTrips) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	r.n.Add(1)
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer owner")
	return streamer(ctx, desc, cc, method, opts...)
}

// take returns the round trips since the last take.
func (r *roundTrips) take() int64 { return r.n.Swap(0) }

// TestBindCost holds issue 20's counts on the launch day: a new user's
// verification costs the store one round trip (one write, no read, no
// transaction); the same user verified again on the same instance soon
// after costs none, and so does the gate of a binding the instance holds
// (the auth block's own skill right after the SUCCESS included). Counted
// through a gRPC interceptor on the client, as TestSyncCost counts.
func TestBindCost(t *testing.T) {
	t.Parallel()
	needEmulator(t)
	project := testProjectID(t)
	syncRows(t, openProject(t, project), sheet(3))

	trips := &roundTrips{}
	conn, err := grpc.NewClient("passthrough:///"+os.Getenv(emulatorHostEnv),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithUnaryInterceptor(trips.unary), grpc.WithStreamInterceptor(trips.stream))
	if err != nil {
		t.Fatalf("grpc.NewClient: %v", err)
	}
	s, err := Open(t.Context(), project, "", option.WithGRPCConn(conn), option.WithoutAuthentication())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	in := instance{store: s, dir: memdir.New(s, memdir.Options{})}
	in.binds = binding.New(s, in.dir, binding.Options{TTL: binding.DefaultTTL})
	in.refresh(t)

	for _, step := range []struct {
		name string
		do   func()
		want int64
	}{
		{"a new user's bind", func() { in.bind(t) }, 1},
		{"the auth block's gate right after", func() { in.wantVerified(t, true) }, 0},
		{"the same user verified again", func() { in.bind(t) }, 0},
		{"a cached gate", func() { in.wantVerified(t, true) }, 0},
	} {
		trips.take()
		step.do()
		if got := trips.take(); got != step.want {
			t.Errorf("%s: %d round trips to Firestore, want %d", step.name, got, step.want)
		}
	}
}

// openProject opens a store on project, closed when the test ends.
func openProject(t *testing.T, project string) *Store {
	t.Helper()
	s, err := Open(t.Context(), project, "")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

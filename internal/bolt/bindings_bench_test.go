package bolt

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/storetest"
	"github.com/rollcall/rollcall/internal/userkey"
)

// benchPutBindings measures binds on the bolt store by parallelism
// goroutines per CPU: each a read-write transaction synced to disk when
// it commits, concurrent ones sharing a commit.
func benchPutBindings(b *testing.B, parallelism int) {
	s, err := Open(filepath.Join(b.TempDir(), "rollcall.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	es := storetest.People(10)
	if err := s.Apply(b.Context(), es, nil); err != nil {
		b.Fatal(err)
	}
	now, ctx := time.Now(), b.Context()
	var n atomic.Int64
	b.SetParallelism(parallelism)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			bd := binding.Binding{Phone: es[i%10].Phone, BoundAt: now, ExpiresAt: now.Add(time.Hour)}
			if err := s.PutBinding(ctx, userkey.Of(fmt.Sprint(i)), bd); err != nil {
				panic(err)
			}
		}
	})
}

// BenchmarkPutBinding is one bind at a time: the disk's sync, alone.
func BenchmarkPutBinding(b *testing.B) { benchPutBindings(b, 1) }

// BenchmarkPutBindingConcurrent is 32 binds at a time per CPU, as a
// saturated validation skill makes them: they share commits.
func BenchmarkPutBindingConcurrent(b *testing.B) { benchPutBindings(b, 32) }

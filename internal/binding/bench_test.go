package binding_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/binding"
)

// BenchmarkGateCached measures the gate of bound users whose bindings this
// instance holds: hash, cache read, expiry, directory look-up. The store is
// read once per user, before the loop.
func BenchmarkGateCached(b *testing.B) {
	store, dir := newFakeStore(), newFakeDir(hong)
	s := binding.New(store, dir, binding.Options{TTL: time.Hour, CacheTTL: time.Hour})
	users := make([]string, 1000)
	for i := range users {
		users[i] = fmt.Sprintf("user-%04d", i)
		if err := s.Bind(context.Background(), users[i], hong); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	for _, u := range users {
		if _, ok, err := s.Gate(ctx, u); !ok || err != nil {
			b.Fatalf("Gate = %v, %v", ok, err)
		}
	}
	warm := store.readCount() // none: each bind cached its binding
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok, err := s.Gate(ctx, users[i%len(users)]); !ok || err != nil {
			b.Fatalf("Gate = %v, %v", ok, err)
		}
		i++
	}
	if n := store.readCount() - warm; n != 0 {
		b.Errorf("the store was read %d times in the loop; the cache should have answered", n)
	}
}

// BenchmarkPersonOf measures what every bind and gate pays to name the
// person: two salted hashes.
func BenchmarkPersonOf(b *testing.B) {
	e := hong
	e.Email = "gildong.hong@example.co.kr"
	b.ReportAllocs()
	for b.Loop() {
		_ = binding.PersonOf(e)
	}
}

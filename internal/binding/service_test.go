package binding_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/userkey"
)

// fakeStore is a binding store in a map that counts its reads and refuses
// phones its employees do not list, as the real stores do.
type fakeStore struct {
	mu        sync.Mutex
	bindings  map[string]binding.Binding
	employees map[string]bool
	reads     int
	puts      int
	err       error
}

func (s *fakeStore) putCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.puts
}

func newFakeStore(phones ...string) *fakeStore {
	s := &fakeStore{bindings: map[string]binding.Binding{}, employees: map[string]bool{}}
	for _, p := range phones {
		s.employees[p] = true
	}
	return s
}

func (s *fakeStore) PutBinding(_ context.Context, key string, b binding.Binding) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	if !s.employees[b.Phone] {
		return binding.ErrNotEmployee
	}
	s.puts++
	s.bindings[key] = b
	return nil
}

func (s *fakeStore) Binding(_ context.Context, key string) (binding.Binding, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	if s.err != nil {
		return binding.Binding{}, false, s.err
	}
	b, ok := s.bindings[key]
	return b, ok, nil
}

func (s *fakeStore) DeleteBinding(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.bindings, key)
	return s.err
}

func (s *fakeStore) readCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

// fakeDir is the directory held in memory.
type fakeDir struct {
	mu     sync.Mutex
	people map[string]roster.Employee
}

func newFakeDir(es ...roster.Employee) *fakeDir {
	d := &fakeDir{people: map[string]roster.Employee{}}
	for _, e := range es {
		d.people[e.Phone] = e
	}
	return d
}

func (d *fakeDir) Lookup(_ context.Context, phone string) (roster.Employee, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.people[phone]
	return e, ok, nil
}

func (d *fakeDir) set(e roster.Employee) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.people[e.Phone] = e
}

func (d *fakeDir) remove(phone string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.people, phone)
}

const (
	user  = "a3f0c1d2e4b5968778a9b0c1d2e3f40516273849a0b1c2d3e4f5061728394a5b6c"
	phone = "+821023456789"
	ttl   = 90 * 24 * time.Hour
)

var hong = roster.Employee{Phone: phone, Name: "홍길동", Department: "인사팀", Position: "대리"}

func epoch() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }

type fixture struct {
	store *fakeStore
	dir   *fakeDir
	clock *clocktest.Clock
	svc   *binding.Service
}

func newFixture(t *testing.T, o binding.Options) fixture {
	t.Helper()
	f := fixture{store: newFakeStore(phone), dir: newFakeDir(hong), clock: clocktest.New(epoch())}
	o.Now = f.clock.Now
	f.svc = binding.New(f.store, f.dir, o)
	return f
}

// another is a second instance sharing f's store and directory.
func (f fixture) another(o binding.Options) *binding.Service {
	o.Now = f.clock.Now
	return binding.New(f.store, f.dir, o)
}

func bind(t *testing.T, s *binding.Service, userID, phone string) {
	t.Helper()
	if err := s.Bind(context.Background(), userID, phone); err != nil {
		t.Fatalf("Bind: %v", err)
	}
}

func wantGate(t *testing.T, s *binding.Service, userID string, want *roster.Employee) {
	t.Helper()
	got, ok, err := s.Gate(context.Background(), userID)
	if err != nil {
		t.Fatalf("Gate: %v", err)
	}
	if want == nil {
		if ok {
			t.Fatalf("Gate = verified as row %d, want not verified", got.Row)
		}
		return
	}
	if !ok {
		t.Fatal("Gate = not verified, want verified")
	}
	if diff := cmp.Diff(*want, got); diff != "" {
		t.Errorf("Gate employee (-want +got):\n%s", diff)
	}
}

func TestValidKey(t *testing.T) {
	t.Parallel()
	want := userkey.Of("abc")
	for key, want := range map[string]bool{
		want: true, strings.ToUpper(want): false, want[1:]: false, "": false, strings.Repeat("g", 64): false,
	} {
		if got := binding.ValidKey(key); got != want {
			t.Errorf("ValidKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestBindThenGate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	wantGate(t, f.svc, user, nil)
	bind(t, f.svc, user, phone)
	wantGate(t, f.svc, user, &hong)

	want := binding.Binding{Phone: phone, BoundAt: epoch(), ExpiresAt: epoch().Add(ttl)}
	if diff := cmp.Diff(map[string]binding.Binding{userkey.Of(user): want}, f.store.bindings); diff != "" {
		t.Errorf("stored bindings (-want +got):\n%s", diff)
	}
}

func TestNoRawUserIDStored(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	bind(t, f.svc, user, phone)
	for key, b := range f.store.bindings {
		if strings.Contains(key, user) || !binding.ValidKey(key) {
			t.Errorf("stored key %q is not the user id's hash", key)
		}
		if strings.Contains(b.Phone, user) {
			t.Errorf("stored binding holds the user id")
		}
	}
}

func TestGateShowsCurrentFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	bind(t, f.svc, user, phone)
	moved := hong
	moved.Department, moved.Position = "재무팀", "과장"
	f.dir.set(moved)
	wantGate(t, f.svc, user, &moved)
}

func TestGateReadsStoreOncePerCacheTTL(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl, CacheTTL: 10 * time.Second})
	bind(t, f.svc, user, phone)
	other := f.another(binding.Options{TTL: ttl, CacheTTL: 10 * time.Second})
	before := f.store.readCount()
	for range 5 {
		wantGate(t, other, user, &hong)
	}
	if got := f.store.readCount() - before; got != 1 {
		t.Errorf("store reads of 5 gates = %d, want 1", got)
	}
	f.clock.Advance(10 * time.Second)
	wantGate(t, other, user, &hong)
	if got := f.store.readCount() - before; got != 2 {
		t.Errorf("store reads once the cache TTL has passed = %d, want 2", got)
	}
}

func TestBindElsewhereCountsAtOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	other := f.another(binding.Options{TTL: ttl})
	wantGate(t, other, user, nil) // "no binding" is never cached
	bind(t, f.svc, user, phone)
	wantGate(t, other, user, &hong)
}

func TestUnbind(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl, CacheTTL: 10 * time.Second})
	other := f.another(binding.Options{TTL: ttl, CacheTTL: 10 * time.Second})
	bind(t, f.svc, user, phone)
	wantGate(t, other, user, &hong)

	if err := f.svc.Unbind(context.Background(), user); err != nil {
		t.Fatalf("Unbind: %v", err)
	}
	wantGate(t, f.svc, user, nil)
	if len(f.store.bindings) != 0 {
		t.Errorf("store still holds %d bindings after Unbind", len(f.store.bindings))
	}
	// The other instance trusts its copy until its cache TTL has passed.
	f.clock.Advance(10 * time.Second)
	wantGate(t, other, user, nil)

	if err := f.svc.Unbind(context.Background(), user); err != nil {
		t.Errorf("Unbind without a binding: %v", err)
	}
	if err := f.svc.Unbind(context.Background(), ""); !errors.Is(err, binding.ErrNoUser) {
		t.Errorf("Unbind without a user = %v, want ErrNoUser", err)
	}
}

func TestExpiry(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: time.Hour, CacheTTL: 2 * time.Hour})
	bind(t, f.svc, user, phone)
	f.clock.Advance(time.Hour - time.Second)
	wantGate(t, f.svc, user, &hong)
	f.clock.Advance(time.Second)
	wantGate(t, f.svc, user, nil) // expired, though still cached
}

func TestLeaverNotVerified(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	bind(t, f.svc, user, phone)
	f.dir.remove(phone)
	wantGate(t, f.svc, user, nil)
}

func TestBindRefusedForNonEmployee(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	if err := f.svc.Bind(context.Background(), user, "+821099999999"); !errors.Is(err, binding.ErrNotEmployee) {
		t.Errorf("Bind to a stranger's phone = %v, want ErrNotEmployee", err)
	}
	if err := f.svc.Bind(context.Background(), "", phone); !errors.Is(err, binding.ErrNoUser) {
		t.Errorf("Bind without a user = %v, want ErrNoUser", err)
	}
	wantGate(t, f.svc, "", nil)
}

func TestOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{})
	bind(t, f.svc, user, phone)
	if len(f.store.bindings) != 0 {
		t.Errorf("bindings off stored %d bindings", len(f.store.bindings))
	}
	f.store.bindings[userkey.Of(user)] = binding.Binding{Phone: phone, ExpiresAt: epoch().Add(ttl)}
	wantGate(t, f.svc, user, nil)
	if got := f.store.readCount(); got != 0 {
		t.Errorf("gate with bindings off read the store %d times", got)
	}
}

func TestStoreError(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	boom := errors.New("store unreachable")
	f.store.err = boom
	if _, _, err := f.svc.Gate(context.Background(), user); !errors.Is(err, boom) {
		t.Errorf("Gate = %v, want the store's error", err)
	}
	if err := f.svc.Bind(context.Background(), user, phone); !errors.Is(err, boom) {
		t.Errorf("Bind = %v, want the store's error", err)
	}
	if _, _, err := f.svc.Gate(context.Background(), user); err == nil || strings.Contains(err.Error(), user) {
		t.Errorf("Gate's error %v names the user", err)
	}
}

func TestFullCacheStillAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl, MaxCached: 2})
	users := []string{"u1", "u2", "u3", "u4"}
	for _, u := range users {
		bind(t, f.svc, u, phone)
	}
	for _, u := range users {
		wantGate(t, f.svc, u, &hong)
	}
}

func TestRebindSoonAfterWritesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	f.store.employees["+821011112222"] = true
	bind(t, f.svc, user, phone)
	f.clock.Advance(30 * time.Minute)
	bind(t, f.svc, user, phone)
	if got := f.store.putCount(); got != 1 {
		t.Errorf("binds to the same phone within the hour wrote %d times, want 1", got)
	}
	f.clock.Advance(30 * time.Minute)
	bind(t, f.svc, user, phone)
	want := binding.Binding{Phone: phone, BoundAt: f.clock.Now(), ExpiresAt: f.clock.Now().Add(ttl)}
	if got := f.store.bindings[userkey.Of(user)]; got != want {
		t.Errorf("a bind an hour later stored %+v, want %+v", got, want)
	}
	bind(t, f.svc, user, "+821011112222")
	if got := f.store.bindings[userkey.Of(user)].Phone; got != "+821011112222" {
		t.Errorf("a bind to another phone kept %s", got)
	}
	if got := f.store.putCount(); got != 3 {
		t.Errorf("writes = %d, want 3", got)
	}
}

func TestBindReplacesWhatTheGateCached(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	kim := roster.Employee{Phone: "+821011112222", Name: "김하늘", Department: "개발팀"}
	f.store.employees[kim.Phone] = true
	f.dir.set(kim)
	bind(t, f.svc, user, phone)
	wantGate(t, f.svc, user, &hong) // cached now
	bind(t, f.svc, user, kim.Phone)
	wantGate(t, f.svc, user, &kim)
}

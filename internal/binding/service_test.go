package binding_test

import (
	"context"
	"errors"
	"fmt"
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

// fakeStore is a binding store in a map that counts its reads and writes.
type fakeStore struct {
	mu       sync.Mutex
	bindings map[string]binding.Binding
	reads    int
	puts     int
	err      error
}

func (s *fakeStore) putCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.puts
}

func newFakeStore() *fakeStore {
	return &fakeStore{bindings: map[string]binding.Binding{}}
}

func (s *fakeStore) PutBinding(_ context.Context, key string, b binding.Binding) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
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
	f := fixture{store: newFakeStore(), dir: newFakeDir(hong), clock: clocktest.New(epoch())}
	o.Now = f.clock.Now
	f.svc = binding.New(f.store, f.dir, o)
	return f
}

// another is a second instance sharing f's store and directory.
func (f fixture) another(o binding.Options) *binding.Service {
	o.Now = f.clock.Now
	return binding.New(f.store, f.dir, o)
}

func bind(t *testing.T, s *binding.Service, userID string, e roster.Employee) {
	t.Helper()
	if err := s.Bind(context.Background(), userID, e); err != nil {
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
	bind(t, f.svc, user, hong)
	wantGate(t, f.svc, user, &hong)

	want := binding.Binding{Phone: phone, Person: binding.PersonOf(hong), BoundAt: epoch(), ExpiresAt: epoch().Add(ttl)}
	if diff := cmp.Diff(map[string]binding.Binding{userkey.Of(user): want}, f.store.bindings); diff != "" {
		t.Errorf("stored bindings (-want +got):\n%s", diff)
	}
}

// TestNewUserBindIsOneWrite is issue 20's launch day: a new user's bind is
// one store write with no read before it, and the auth block's gate right
// after it, on the same instance, reads nothing.
func TestNewUserBindIsOneWrite(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	bind(t, f.svc, user, hong)
	wantGate(t, f.svc, user, &hong)
	if reads, puts := f.store.readCount(), f.store.putCount(); reads != 0 || puts != 1 {
		t.Errorf("a new user's bind and gate: %d store reads, %d writes; want 0 and 1", reads, puts)
	}
}

// TestGateIsToAPerson is issue 19's first finding at the gate: a phone
// now another person's does not verify the user bound to the one before,
// a changed department or position does, and a binding that recorded no
// person (made before bindings were to a person) verifies no one.
func TestGateIsToAPerson(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	bind(t, f.svc, user, hong)
	moved := hong
	moved.Department, moved.Position, moved.Name = "재무팀", "과장", " 홍 길동 "
	f.dir.set(moved)
	wantGate(t, f.svc, user, &moved)

	newHire := roster.Employee{Phone: phone, Name: "박신입", Department: "재무팀", Position: "사원"}
	f.dir.set(newHire)
	wantGate(t, f.svc, user, nil)

	f.dir.set(hong)
	other := f.another(binding.Options{TTL: ttl})
	f.store.bindings[userkey.Of("legacy")] = binding.Binding{Phone: phone, BoundAt: epoch(), ExpiresAt: epoch().Add(ttl)}
	wantGate(t, other, "legacy", nil)
}

func TestSamePerson(t *testing.T) {
	t.Parallel()
	withEmail := roster.Employee{Phone: phone, Name: "홍길동", Email: "Gildong@Example.com"}
	for _, tt := range []struct {
		name string
		now  roster.Employee
		want bool
	}{
		{"same row", withEmail, true},
		{"department and position changed", roster.Employee{Phone: phone, Name: "홍길동", Email: "gildong@example.com", Department: "재무팀", Position: "부장"}, true},
		{"spacing, and the email's case and spaces", roster.Employee{Phone: phone, Name: "홍 길동", Email: " gildong@example.com "}, true},
		{"email column emptied", roster.Employee{Phone: phone, Name: "홍길동"}, true},
		{"another name", roster.Employee{Phone: phone, Name: "박신입", Email: "gildong@example.com"}, false},
		{"same name, another email", roster.Employee{Phone: phone, Name: "홍길동", Email: "gildong2@example.com"}, false},
	} {
		if got := binding.SamePerson(binding.PersonOf(withEmail), tt.now); got != tt.want {
			t.Errorf("%s: SamePerson = %v, want %v", tt.name, got, tt.want)
		}
	}
	person := binding.PersonOf(withEmail)
	for _, pii := range []string{"홍길동", "gildong", "example", "1023456789"} {
		if strings.Contains(person, pii) {
			t.Errorf("PersonOf = %q holds %q", person, pii)
		}
	}
	if binding.PersonOf(withEmail) == binding.PersonOf(roster.Employee{Phone: "+821011112222", Name: "홍길동", Email: "gildong@example.com"}) {
		t.Error("PersonOf is the same at two phones: it is not salted with the phone")
	}
}

func TestRevoking(t *testing.T) {
	t.Parallel()
	leaver := roster.Employee{Phone: "+821011110000", Name: "김퇴사"}
	kept := roster.Employee{Phone: "+821022220000", Name: "이재직"}
	reissued := roster.Employee{Phone: "+821033330000", Name: "박이전"}
	newHire := roster.Employee{Phone: reissued.Phone, Name: "최신입"}
	moved := kept
	moved.Department = "재무팀"
	r := binding.Revoking([]string{leaver.Phone}, []roster.Employee{moved, newHire})
	for _, tt := range []struct {
		name string
		to   roster.Employee
		want bool
	}{
		{"a leaver's", leaver, true},
		{"a moved employee's", kept, false},
		{"the reissued phone's former holder's", reissued, true},
		{"the new hire's", newHire, false},
		{"an untouched phone's", roster.Employee{Phone: "+821044440000", Name: "정무관"}, false},
	} {
		b := binding.Binding{Phone: tt.to.Phone, Person: binding.PersonOf(tt.to)}
		if got := r.Revokes(b); got != tt.want {
			t.Errorf("%s binding: Revokes = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestNoRawUserIDStored(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	bind(t, f.svc, user, hong)
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
	bind(t, f.svc, user, hong)
	moved := hong
	moved.Department, moved.Position = "재무팀", "과장"
	f.dir.set(moved)
	wantGate(t, f.svc, user, &moved)
}

func TestGateReadsStoreOncePerCacheTTL(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl, CacheTTL: 10 * time.Second})
	bind(t, f.svc, user, hong)
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
	bind(t, f.svc, user, hong)
	wantGate(t, other, user, &hong)
}

func TestUnbind(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl, CacheTTL: 10 * time.Second})
	other := f.another(binding.Options{TTL: ttl, CacheTTL: 10 * time.Second})
	bind(t, f.svc, user, hong)
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
	bind(t, f.svc, user, hong)
	f.clock.Advance(time.Hour - time.Second)
	wantGate(t, f.svc, user, &hong)
	f.clock.Advance(time.Second)
	wantGate(t, f.svc, user, nil) // expired, though still cached
}

func TestLeaverNotVerified(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	bind(t, f.svc, user, hong)
	f.dir.remove(phone)
	wantGate(t, f.svc, user, nil)
}

func TestBindRefusedWithoutUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	if err := f.svc.Bind(context.Background(), "", hong); !errors.Is(err, binding.ErrNoUser) {
		t.Errorf("Bind without a user = %v, want ErrNoUser", err)
	}
	wantGate(t, f.svc, "", nil)
}

func TestOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{})
	bind(t, f.svc, user, hong)
	if len(f.store.bindings) != 0 {
		t.Errorf("bindings off stored %d bindings", len(f.store.bindings))
	}
	f.store.bindings[userkey.Of(user)] = binding.Binding{Phone: phone, Person: binding.PersonOf(hong), ExpiresAt: epoch().Add(ttl)}
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
	if err := f.svc.Bind(context.Background(), user, hong); !errors.Is(err, boom) {
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
		bind(t, f.svc, u, hong)
	}
	for _, u := range users {
		wantGate(t, f.svc, u, &hong)
	}
}

// TestRebindSoonAfterCostsNothing: a user validated again on the same
// instance within the cache TTL costs no store call; later, or to another
// person, it is one write again.
func TestRebindSoonAfterCostsNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl, CacheTTL: 10 * time.Second})
	kim := roster.Employee{Phone: "+821011112222", Name: "김하늘"}
	bind(t, f.svc, user, hong)
	f.clock.Advance(5 * time.Second)
	bind(t, f.svc, user, hong)
	if reads, puts := f.store.readCount(), f.store.putCount(); reads != 0 || puts != 1 {
		t.Errorf("a bind again 5 s later: %d reads, %d writes in all; want 0 and 1", reads, puts)
	}
	f.clock.Advance(10 * time.Second)
	bind(t, f.svc, user, hong)
	want := binding.Binding{Phone: phone, Person: binding.PersonOf(hong), BoundAt: f.clock.Now(), ExpiresAt: f.clock.Now().Add(ttl)}
	if got := f.store.bindings[userkey.Of(user)]; got != want {
		t.Errorf("a bind after the cache TTL stored %+v, want %+v", got, want)
	}
	bind(t, f.svc, user, kim)
	if got := f.store.bindings[userkey.Of(user)].Phone; got != kim.Phone {
		t.Errorf("a bind to another phone kept %s", got)
	}
	reissued := hong
	reissued.Name = "박신입"
	bind(t, f.svc, user, reissued)
	if reads, puts := f.store.readCount(), f.store.putCount(); reads != 0 || puts != 4 {
		t.Errorf("%d reads, %d writes in all; want 0 and 4", reads, puts)
	}
}

// TestRebindReadsALocalStore: where a read costs no round trip (bolt), a
// user verified again after the cache TTL but within rebindAfter (an hour)
// to the same person reads the binding and writes nothing, on this
// instance or another; later, or to another person, it is one write.
func TestRebindReadsALocalStore(t *testing.T) {
	t.Parallel()
	o := binding.Options{TTL: ttl, CacheTTL: 10 * time.Second, LocalReads: true}
	f := newFixture(t, o)
	bind(t, f.svc, user, hong)
	bound := f.clock.Now()
	f.clock.Advance(30 * time.Minute)
	bind(t, f.svc, user, hong)
	bind(t, f.another(o), user, hong)
	if reads, puts := f.store.readCount(), f.store.putCount(); reads != 3 || puts != 1 {
		t.Errorf("a bind and two again within the hour: %d reads, %d writes; want 3 and 1", reads, puts)
	}
	if got := f.store.bindings[userkey.Of(user)].BoundAt; !got.Equal(bound) {
		t.Errorf("the binding was rewritten at %v; want it kept from %v", got, bound)
	}
	wantGate(t, f.svc, user, &hong)

	f.clock.Advance(31 * time.Minute) // an hour and a minute since the bind
	bind(t, f.svc, user, hong)
	if got := f.store.bindings[userkey.Of(user)].BoundAt; !got.Equal(f.clock.Now()) {
		t.Errorf("a bind an hour later kept BoundAt %v; want it rewritten at %v", got, f.clock.Now())
	}
	reissued := hong
	reissued.Name = "박신입"
	bind(t, f.svc, user, reissued)
	if puts := f.store.putCount(); puts != 3 {
		t.Errorf("%d writes in all; want 3 (the first, an hour later, another person)", puts)
	}

	// A short TTL is extended unless the binding is younger than a hundredth of it.
	o.TTL = 2 * time.Hour
	short := newFixture(t, o)
	bind(t, short.svc, user, hong)
	short.clock.Advance(time.Minute)
	bind(t, short.svc, user, hong)
	short.clock.Advance(time.Minute)
	bind(t, short.svc, user, hong)
	if puts := short.store.putCount(); puts != 2 {
		t.Errorf("a 2 h TTL, binds at 0, 1 and 2 min: %d writes; want 2 (72 s is a hundredth)", puts)
	}
}

func TestBindReplacesWhatTheGateCached(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl})
	kim := roster.Employee{Phone: "+821011112222", Name: "김하늘", Department: "개발팀"}
	f.dir.set(kim)
	bind(t, f.svc, user, hong)
	wantGate(t, f.svc, user, &hong) // cached now
	bind(t, f.svc, user, kim)
	wantGate(t, f.svc, user, &kim)
}

// TestCacheKeepsTheLastCacheTTLOfBinds: on a launch day every bind is a new
// user; the cache holds the binds of the last CacheTTL, not every user
// bound since the start.
func TestCacheKeepsTheLastCacheTTLOfBinds(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl, CacheTTL: 10 * time.Second})
	for i := range 60_000 {
		bind(t, f.svc, fmt.Sprint("user-", i), hong)
		f.clock.Advance(time.Millisecond) // 1,000 binds a second
	}
	if n := f.svc.CachedForTest(); n > 2*10_000+1 {
		t.Errorf("the cache holds %d bindings after 60 s of 1,000 binds a second; want the last 10 s' (10,000), twice that at most", n)
	}
}

// TestFullCacheKeepsTheNewestBinds: binds faster than the cache holds for a
// CacheTTL fill it; it stays within MaxCached, and the gate right after each
// bind still reads no store.
func TestFullCacheKeepsTheNewestBinds(t *testing.T) {
	t.Parallel()
	f := newFixture(t, binding.Options{TTL: ttl, CacheTTL: 10 * time.Second, MaxCached: 1000})
	for i := range 5000 {
		u := fmt.Sprint("user-", i)
		bind(t, f.svc, u, hong)
		wantGate(t, f.svc, u, &hong)
		f.clock.Advance(time.Millisecond)
	}
	if n := f.svc.CachedForTest(); n > 1000 {
		t.Errorf("the cache holds %d bindings, want at most 1,000", n)
	}
	if n := f.store.readCount(); n != 0 {
		t.Errorf("the gates right after their binds read the store %d times, want 0", n)
	}
}

// TestPersonOfIsStable: bindings in stores keep what PersonOf returned when
// they were made, so its spelling may not change.
func TestPersonOfIsStable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    roster.Employee
		want string
	}{
		{roster.Employee{Phone: "+821023456789", Name: "홍 길동", Email: " Gildong.Hong@Example.co.kr "},
			"p1:f87debe3a6744076d37fcab6:be22c99a6a577645e5caa3f2"},
		{roster.Employee{Phone: "+821023456789", Name: "ＨＯＮＧ\u200bGil"}, "p1:18ef478cad7ad475a2bfc982"},
	}
	for _, tt := range tests {
		if got := binding.PersonOf(tt.e); got != tt.want {
			t.Errorf("PersonOf(%+v) = %q, want %q", tt.e, got, tt.want)
		}
	}
}

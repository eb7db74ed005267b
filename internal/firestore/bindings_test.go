package firestore

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/api/iterator"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/binding/bindingtest"
	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/memdir"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/userkey"
)

// A Kakao user id as Open Builder sends it, and the phone of sheet(n)'s
// first row.
const (
	kakaoUser  = "a3f0c1d2e4b5968778a9b0c1d2e3f40516273849a0b1c2d3e4f5061728394a5b6c"
	firstPhone = "+821010000000"
)

// instance is one serving instance: its own client, directory in memory
// and binding service, on a shared emulator project.
type instance struct {
	store *Store
	dir   *memdir.Directory
	binds *binding.Service
}

func newInstance(t *testing.T, project string, clock *clocktest.Clock) instance {
	t.Helper()
	s, err := Open(t.Context(), project, "")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	dir := memdir.New(s, memdir.Options{})
	return instance{store: s, dir: dir, binds: binding.New(s, dir, binding.Options{TTL: binding.DefaultTTL, Now: clock.Now})}
}

func (in instance) refresh(t *testing.T) {
	t.Helper()
	if err := in.dir.Refresh(t.Context()); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
}

// bind binds kakaoUser to the employee at firstPhone, as a SUCCESS does.
func (in instance) bind(t *testing.T) {
	t.Helper()
	e, ok, err := in.dir.Lookup(t.Context(), firstPhone)
	if err != nil || !ok {
		t.Fatalf("Lookup = %v, %v; want the employee", ok, err)
	}
	if err := in.binds.Bind(t.Context(), kakaoUser, e); err != nil {
		t.Fatalf("Bind: %v", err)
	}
}

func (in instance) wantVerified(t *testing.T, want bool) {
	t.Helper()
	_, got, err := in.binds.Gate(t.Context(), kakaoUser)
	if err != nil {
		t.Fatalf("Gate: %v", err)
	}
	if got != want {
		t.Errorf("Gate = verified %v, want %v", got, want)
	}
}

func syncRows(t *testing.T, s *Store, rows [][]string) {
	t.Helper()
	if _, err := rostersync.NewEngine(&rowsSource{rows: rows}, s, 100).Run(t.Context(), rostersync.Options{}); err != nil {
		t.Fatalf("sync: %v", err)
	}
}

// TestBindingsAcrossInstances runs two instances on one emulator project: a
// binding made on one counts on the other at once; an unbind, and a sync
// removing the employee, stop the other within its cache TTL (the contract
// allows 30 s), which the test's clock passes instead of the test waiting.
func TestBindingsAcrossInstances(t *testing.T) {
	t.Parallel()
	needEmulator(t)
	if binding.DefaultCacheTTL > 30*time.Second {
		t.Fatalf("DefaultCacheTTL %v is over the contract's 30 s", binding.DefaultCacheTTL)
	}
	project, clock := testProjectID(t), clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	a, b := newInstance(t, project, clock), newInstance(t, project, clock)
	rows := sheet(3)
	syncRows(t, a.store, rows)
	a.refresh(t)
	b.refresh(t)

	b.wantVerified(t, false)
	a.bind(t)
	b.wantVerified(t, true)

	if err := a.binds.Unbind(t.Context(), kakaoUser); err != nil {
		t.Fatalf("Unbind: %v", err)
	}
	a.wantVerified(t, false)
	clock.Advance(binding.DefaultCacheTTL)
	b.wantVerified(t, false)

	// The leaver: bound, seen by b, then removed from the sheet.
	a.bind(t)
	b.wantVerified(t, true)
	syncRows(t, a.store, slices.Delete(rows, 1, 2))
	if _, found, err := a.store.Binding(t.Context(), userkey.Of(kakaoUser)); err != nil || found {
		t.Errorf("after the sync removing the employee, Binding = found %v, %v; want deleted", found, err)
	}
	// b has neither reloaded its directory nor re-read the binding yet; once
	// its cache TTL has passed it reads that the binding is gone.
	clock.Advance(binding.DefaultCacheTTL)
	b.wantVerified(t, false)
	a.refresh(t)
	a.wantVerified(t, false)
}

// TestBindingDocuments checks the contract's layout of a binding and that
// no document anywhere holds the raw Kakao user id.
func TestBindingDocuments(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	syncRows(t, s, sheet(2))
	clock := clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	dir := memdir.New(s, memdir.Options{})
	if err := dir.Refresh(t.Context()); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	in := instance{store: s, dir: dir, binds: binding.New(s, dir, binding.Options{TTL: 24 * time.Hour, Now: clock.Now})}
	in.bind(t)

	snap, err := s.client.Collection(bindingsCollection).Doc(userkey.Of(kakaoUser)).Get(t.Context())
	if err != nil {
		t.Fatalf("read the binding document: %v", err)
	}
	got := snap.Data()
	if len(got) != 4 || got["phone"] != firstPhone {
		t.Errorf("binding document = %v, want exactly phone, person, bound_at, expires_at", got)
	}
	if person, _ := got["person"].(string); strings.Contains(person, "직원0") || !strings.HasPrefix(person, "p1:") {
		t.Errorf("binding document's person = %q, want a hash of who was verified", person)
	}
	bound, _ := got["bound_at"].(time.Time)
	expires, _ := got["expires_at"].(time.Time)
	if !bound.Equal(clock.Now()) || !expires.Equal(clock.Now().Add(24*time.Hour)) {
		t.Errorf("bound_at %v, expires_at %v; want %v and a day later", bound, expires, clock.Now())
	}

	cols := s.client.Collections(t.Context())
	for {
		col, err := cols.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			t.Fatalf("list collections: %v", err)
		}
		docs, err := col.Documents(t.Context()).GetAll()
		if err != nil {
			t.Fatalf("read %s: %v", col.ID, err)
		}
		for _, d := range docs {
			data, err := json.Marshal(d.Data())
			if err != nil {
				t.Fatalf("encode %s: %v", col.ID, err)
			}
			if strings.Contains(d.Ref.ID, kakaoUser) || strings.Contains(string(data), kakaoUser) {
				t.Errorf("a document of %s holds the raw Kakao user id", col.ID)
			}
		}
	}
}

// TestBindingIsToAPerson runs issue 19's scenarios with two instances,
// each with its own client, on one emulator project.
func TestBindingIsToAPerson(t *testing.T) {
	t.Parallel()
	needEmulator(t)
	bindingtest.RunPersonTests(t, func(t *testing.T) (a, b bindingtest.Store) {
		project := testProjectID(t)
		open := func() *Store {
			s, err := Open(t.Context(), project, "")
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		}
		return open(), open()
	})
}

package binding

import (
	"cmp"
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/rollcall/rollcall/internal/roster"
)

// Defaults of Options.
const (
	// DefaultCacheTTL is how long an instance trusts a binding it read: an
	// unbind or a sync's deletion on another instance counts here within it
	// (the contract allows 30 s).
	DefaultCacheTTL = 15 * time.Second
	// DefaultMaxCached bounds the bindings an instance holds in memory
	// (about 250 bytes each, 5 MB): a rush of 500 new users a second binds
	// 7,500 in a CacheTTL; at saturation (5,000 a second) the newest stay.
	DefaultMaxCached = 20_000
)

// storeTimeout bounds one read or write of the store, well inside Kakao's
// 5 s skill timeout.
const storeTimeout = 2 * time.Second

// rebindAfter bounds how old a binding, cached or read locally, may be for
// verifying its user again not to rewrite it, and so the expiry left
// unextended: at most a hundredth of the TTL (an hour of the default 90 days).
const rebindAfter = time.Hour

// Options tune a Service. TTL is the binding's life (ROLLCALL_BINDING_TTL);
// 0 turns bindings off. The other zero values take the defaults.
type Options struct {
	TTL       time.Duration
	CacheTTL  time.Duration
	MaxCached int
	// Now is the clock that stamps and expires bindings (time.Now).
	Now func() time.Time
	// LocalReads says a read of the store costs no round trip (bolt's
	// file): a bind the cache cannot vouch for reads the stored binding
	// first, so that a user verified again within rebindAfter writes
	// nothing. Left false (Firestore), a new user's bind stays one write
	// with no read before it.
	LocalReads bool
}

// Service binds verified users, answers the gate and unbinds. It is safe
// for concurrent use.
type Service struct {
	store Store
	dir   Directory
	ttl   time.Duration
	now   func() time.Time
	cache *cache
	reads singleflight.Group
	local bool
}

// New returns a Service that keeps bindings in store and checks them
// against dir.
func New(store Store, dir Directory, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{store: store, dir: dir, ttl: o.TTL, now: o.Now, local: o.LocalReads, cache: &cache{
		entries: map[[sha256.Size]byte]cached{},
		ttl:     cmp.Or(o.CacheTTL, DefaultCacheTTL),
		max:     cmp.Or(o.MaxCached, DefaultMaxCached),
	}}
}

// Enabled reports whether bindings are stored at all (TTL not off).
func (s *Service) Enabled() bool { return s.ttl > 0 }

// Bind binds userID to the employee e for the TTL, replacing any binding
// the user had, and returns once the store holds it durably: the auth
// block's next skill gates on it at once. With bindings off it does
// nothing. A new user's bind is one store write, with no read before it
// unless the store's reads are local (Options.LocalReads); a user bound to
// the same person within rebindAfter is not written again if this instance
// cached the binding (within the cache TTL: Open Builder may validate one
// user twice) or, with LocalReads, if the store holds it.
func (s *Service) Bind(ctx context.Context, userID string, e roster.Employee) error {
	if !s.Enabled() {
		return nil
	}
	if userID == "" {
		return fmt.Errorf("bind: %w", ErrNoUser)
	}
	id, key := userKey(userID)
	now := s.now()
	person := PersonOf(e)
	fresh := func(old Binding) bool {
		return old.Phone == e.Phone && old.Person == person &&
			now.Sub(old.BoundAt) < min(rebindAfter, s.ttl/100) && now.Before(old.ExpiresAt)
	}
	if old, ok := s.cache.get(id, now); ok && fresh(old) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	if s.local {
		gen := s.cache.generation()
		if old, ok, err := s.store.Binding(ctx, key); err == nil && ok && fresh(old) {
			s.cache.fill(id, old, now, gen)
			return nil
		}
	}
	b := Binding{Phone: e.Phone, Person: person, BoundAt: now, ExpiresAt: now.Add(s.ttl)}
	if err := s.store.PutBinding(ctx, key, b); err != nil {
		// What the store holds now is unknown: the next gate reads it. The
		// key stays out: even hashed, a user's key is the caller's to log.
		s.cache.drop(id)
		return fmt.Errorf("bind: %w", err)
	}
	s.cache.bound(id, b, now) // the auth block's gate right after reads no store
	return nil
}

// Gate returns the employee userID is bound to, with the directory's
// current fields, and true; or false when the user has no binding, it has
// expired, its phone is no longer in the directory or now belongs to
// another person (SamePerson), or bindings are off. It reads the store at
// most once per cache TTL while the user is bound, and on every call while
// not (a binding made elsewhere counts at once). An error means it could
// not tell.
func (s *Service) Gate(ctx context.Context, userID string) (roster.Employee, bool, error) {
	if !s.Enabled() || userID == "" {
		return roster.Employee{}, false, nil
	}
	id, key := userKey(userID)
	now := s.now()
	b, ok := s.cache.get(id, now)
	if !ok {
		var err error
		if b, ok, err = s.read(ctx, id, key); err != nil {
			return roster.Employee{}, false, fmt.Errorf("gate: %w", err)
		}
	}
	if !ok || !now.Before(b.ExpiresAt) {
		return roster.Employee{}, false, nil
	}
	e, ok, err := s.dir.Lookup(ctx, b.Phone)
	if err != nil {
		return roster.Employee{}, false, fmt.Errorf("gate: %w", err)
	}
	if !ok || !SamePerson(b.Person, e) {
		return roster.Employee{}, false, nil
	}
	return e, true, nil
}

// read fetches the binding of id from the store and caches it. Concurrent
// reads of one user share one request, which therefore runs under its own
// deadline rather than the first caller's cancellation.
func (s *Service) read(ctx context.Context, id [sha256.Size]byte, key string) (Binding, bool, error) {
	type read struct {
		b  Binding
		ok bool
	}
	v, err, _ := s.reads.Do(key, func() (any, error) {
		gen := s.cache.generation()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
		defer cancel()
		b, ok, err := s.store.Binding(ctx, key)
		if ok && err == nil {
			s.cache.fill(id, b, s.now(), gen)
		}
		return read{b, ok}, err
	})
	if err != nil {
		return Binding{}, false, err
	}
	r := v.(read)
	return r.b, r.ok, nil
}

// Unbind deletes userID's binding here and in the store; the other
// instances stop honouring it within their cache TTL. Unbinding a user who
// has no binding is not an error.
func (s *Service) Unbind(ctx context.Context, userID string) error {
	if userID == "" {
		return fmt.Errorf("unbind: %w", ErrNoUser)
	}
	id, key := userKey(userID)
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	err := s.store.DeleteBinding(ctx, key)
	// After the delete: a gate's read that began before it caches nothing.
	s.cache.drop(id)
	if err != nil {
		return fmt.Errorf("unbind: %w", err)
	}
	return nil
}

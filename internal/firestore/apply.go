package firestore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	gfs "cloud.google.com/go/firestore"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// Firestore's limits on one commit are 500 writes and 10 MiB; a manifest
// shard is about half a MiB. An Apply has a few commits in flight at once.
const (
	maxWritesPerCommit = 500
	maxShardsPerCommit = 8
	commitConcurrency  = 4
)

// op is one document write of an Apply: a set (merged into the document
// when merge is set), or a delete when data is nil.
type op struct {
	doc   *gfs.DocumentRef
	data  any
	merge bool
}

// Apply writes puts (whole documents) and deletes the documents of the
// phones in deletes, a delete winning over a put of the same phone, and
// keeps the manifest and meta/directory (digest, version, change log) in
// step. A change that fits is one atomic commit; a larger one is several,
// recorded as pending first (replication.Pending), and cut short it
// returns an error wrapping replication.ErrInterrupted that the next sync
// repairs: docs/replication.md.
func (s *Store) Apply(ctx context.Context, puts []roster.Employee, deletes []string) error {
	_, err := s.ApplyPlan(ctx, rostersync.Plan{Added: puts, Deleted: deletes})
	return err
}

// ApplyPlan is Apply of the plan that also revokes the bindings to the
// deleted phones and to updated phones now another person's, and returns
// how many it revoked. It revokes before writing the employees, so that a
// crash in between leaves the next sync the same plan, and again after,
// for a bind that raced the sync.
func (s *Store) ApplyPlan(ctx context.Context, p rostersync.Plan) (revoked int, err error) {
	puts := p.Puts()
	defer func() {
		if err != nil {
			err = fmt.Errorf("apply %d puts and %d deletes: %w", len(puts), len(p.Deleted), err)
		}
	}()
	// Bad input changes nothing and asks nothing of the server.
	employees, put, deleted, err := s.writes(puts, p.Deleted)
	if err != nil {
		return 0, err
	}
	if revoked, err = s.revokeBindings(ctx, deleted, p.Updated); err != nil {
		return revoked, err
	}
	if err := s.apply(ctx, employees, put, deleted); err != nil {
		return revoked, err
	}
	n, err := s.revokeBindings(ctx, deleted, p.Updated)
	if err != nil {
		// The employees landed; a raced bind that stays is refused by the gate.
		return revoked, fmt.Errorf("%w: %w", replication.ErrInterrupted, err)
	}
	return revoked + n, nil
}

func (s *Store) apply(ctx context.Context, employees []op, put, deleted []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	st, hashes, raw, err := s.index(ctx)
	if err != nil {
		return err
	}
	for _, o := range employees {
		if f, ok := o.data.(*employeeFields); ok {
			hashes[f.Phone] = f.Hash
		} else {
			delete(hashes, o.doc.ID)
		}
	}
	shards := st.Shards
	if !keepShards(shards, len(hashes)) {
		shards = shardsFor(len(hashes))
	}
	manifest := s.manifestOps(hashes, shards, st.Shards, raw)
	digest := replication.DigestOfHashes(hashes)
	log := st.log
	if len(employees) > 0 || st.Pending {
		if err := log.RecordAfter(st.pending, put, deleted); err != nil {
			return err
		}
	} else if len(manifest) == 0 && digest == st.Digest && shards == st.Shards {
		return nil // nothing to do, and the index is right
	}
	index, err := indexUpdate(digest, shards, log)
	if err != nil {
		return err
	}
	final := []op{{doc: s.metaDoc(), data: index, merge: true}}
	if st.Pending {
		final = append(final, op{doc: s.pendingDoc()})
	}

	if len(employees)+len(manifest)+len(final) <= s.writesPerCommit && len(manifest) <= maxShardsPerCommit {
		err := s.commit(ctx, slices.Concat(employees, manifest, final))
		if ambiguous(err) {
			// The commit may have landed whole: it is one transaction.
			err = fmt.Errorf("%w: %w", replication.ErrInterrupted, err)
		}
		return err
	}
	begin, err := s.pendingOps(st.pending.With(put, deleted))
	if err != nil {
		return err
	}
	if err := s.commit(ctx, begin); err != nil {
		return fmt.Errorf("record the apply as pending: %w", err)
	}
	if !st.Pending {
		final = append(final, op{doc: s.pendingDoc()})
	}
	err = s.commitAll(ctx, employees, s.writesPerCommit)
	if err == nil {
		err = s.commitAll(ctx, manifest, maxShardsPerCommit)
	}
	if err == nil {
		err = s.commit(ctx, final)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", replication.ErrInterrupted, err)
	}
	return nil
}

// ambiguous reports whether a commit that returned err may have landed all
// the same: its answer was lost (a deadline, a dropped connection) rather
// than a refusal.
func ambiguous(err error) bool {
	lost := []codes.Code{codes.DeadlineExceeded, codes.Unavailable, codes.Canceled, codes.Unknown, codes.Internal}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || slices.Contains(lost, status.Code(err))
}

// manifestOps returns the writes that make the manifest hold hashes in
// shards documents: the shards whose entries differ from raw (what was read
// from oldShards documents; nil when the manifest was rebuilt), and the
// deletes of the old shards when their number changed.
func (s *Store) manifestOps(hashes map[string]string, shards, oldShards int, raw []string) []op {
	var ops []op
	for i, entries := range encodeShards(hashes, shards) {
		if shards == oldShards && raw != nil && raw[i] == entries {
			continue
		}
		ops = append(ops, op{doc: s.manifestDoc(shards, i), data: manifestFields{Entries: entries}})
	}
	if oldShards != shards {
		for i := range oldShards {
			ops = append(ops, op{doc: s.manifestDoc(oldShards, i)})
		}
	}
	return ops
}

// writes turns an Apply's arguments into one write per employee document,
// deletes winning over puts of the same phone, and lists the phones put
// and deleted. One write per document keeps the commits independent, so
// they can run concurrently.
func (s *Store) writes(puts []roster.Employee, deletes []string) (ops []op, put, deleted []string, err error) {
	gone := make(map[string]bool, len(deletes))
	for i, phone := range deletes {
		doc, err := s.employeeDoc(phone)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("delete number %d: %w", i+1, err)
		}
		if !gone[phone] {
			gone[phone] = true
			ops = append(ops, op{doc: doc})
			deleted = append(deleted, phone)
		}
	}
	at := make(map[string]int, len(puts))
	for _, e := range puts {
		doc, err := s.employeeDoc(e.Phone)
		if err != nil {
			// The phone stays out of the message: it is PII.
			return nil, nil, nil, fmt.Errorf("put the employee from sheet row %d: %w", e.Row, err)
		}
		if gone[e.Phone] {
			continue
		}
		w := op{doc: doc, data: &employeeFields{
			Name: e.Name, Phone: e.Phone, Department: e.Department, Position: e.Position,
			Email: e.Email, Row: int64(e.Row), Hash: e.Hash(),
		}}
		if i, ok := at[e.Phone]; ok {
			ops[i] = w // the last word on a phone wins
			continue
		}
		at[e.Phone] = len(ops)
		ops = append(ops, w)
		put = append(put, e.Phone)
	}
	return ops, put, deleted, nil
}

// commitAll commits ops in commits of at most per, a few in flight at once.
func (s *Store) commitAll(ctx context.Context, ops []op, per int) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(commitConcurrency)
	for start := 0; start < len(ops); start += per {
		chunk := ops[start:min(start+per, len(ops))]
		g.Go(func() error {
			if err := s.commit(gctx, chunk); err != nil {
				return fmt.Errorf("commit writes %d to %d of %d: %w", start+1, start+len(chunk), len(ops), err)
			}
			return nil
		})
	}
	return g.Wait()
}

// commit writes ops atomically, after the test seam beforeCommit.
func (s *Store) commit(ctx context.Context, ops []op) error {
	if s.beforeCommit != nil {
		if err := s.beforeCommit(ctx); err != nil {
			return err
		}
	}
	return s.write(ctx, ops)
}

// write applies ops atomically in one transaction. The transaction only
// writes, so when Firestore aborts it the library retries it as is.
func (s *Store) write(ctx context.Context, ops []op) error {
	return s.client.RunTransaction(ctx, func(_ context.Context, tx *gfs.Transaction) error {
		for _, o := range ops {
			var err error
			switch {
			case o.data == nil:
				err = tx.Delete(o.doc)
			case o.merge:
				err = tx.Set(o.doc, o.data, gfs.MergeAll)
			default:
				err = tx.Set(o.doc, o.data)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

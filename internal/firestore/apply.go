package firestore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
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

// op is one document write: data a struct sets the whole document, a map
// only its fields, and nil deletes it.
type op struct {
	doc  *gfs.DocumentRef
	data any
}

// Apply writes puts and deletes the employees of deletes, a delete winning,
// with the manifest and meta/directory in step: one atomic commit when the
// change fits, else several, which cut short return an error wrapping
// replication.ErrInterrupted that the next sync repairs (docs/replication.md).
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
	employees, changed, err := s.writes(puts, p.Deleted)
	if err != nil {
		return 0, err
	}
	if revoked, err = s.revokeBindings(ctx, p.Deleted, p.Updated); err != nil {
		return revoked, err
	}
	if err := s.apply(ctx, employees, changed); err != nil {
		return revoked, err
	}
	n, err := s.revokeBindings(ctx, p.Deleted, p.Updated)
	if err != nil {
		// The employees landed; a raced bind that stays is refused by the gate.
		return revoked, fmt.Errorf("%w: %w", replication.ErrInterrupted, err)
	}
	return revoked + n, nil
}

func (s *Store) apply(ctx context.Context, employees []op, changed []string) error {
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
	shards := shardsFor(st.Shards, len(hashes))
	manifest := s.manifestOps(hashes, shards, st.Shards, raw)
	digest := replication.DigestOfHashes(hashes)
	log := st.log
	if len(employees) > 0 || st.Pending {
		log.RecordAfter(st.pending, changed)
	} else if len(manifest) == 0 && digest == st.Digest {
		return nil // nothing to do, and the index is right
	}
	changes, err := json.Marshal(log)
	if err != nil {
		return fmt.Errorf("encode the change log: %w", err)
	}
	meta := s.client.Doc(metaDoc)
	last := op{doc: meta, data: map[string]any{"digest": digest, "shards": shards, "changes": string(changes),
		"pending": false, "pending_phones": "", "updated_at": gfs.ServerTimestamp}}

	if len(employees)+len(manifest) < s.writesPerCommit && len(manifest) <= maxShardsPerCommit {
		err := s.commit(ctx, slices.Concat(employees, manifest, []op{last}))
		if ambiguous(err) {
			// The commit may have landed whole: it is one transaction.
			err = fmt.Errorf("%w: %w", replication.ErrInterrupted, err)
		}
		return err
	}
	pending, err := json.Marshal(st.pending.With(changed))
	if err != nil {
		return fmt.Errorf("encode the pending apply: %w", err)
	}
	first := op{doc: meta, data: map[string]any{"digest": "", "pending": true, "pending_phones": string(pending)}}
	if err := s.commit(ctx, []op{first}); err != nil {
		return fmt.Errorf("record the apply as pending: %w", err)
	}
	err = s.commitAll(ctx, employees, s.writesPerCommit)
	if err == nil {
		err = s.commitAll(ctx, manifest, maxShardsPerCommit)
	}
	if err == nil {
		err = s.commit(ctx, []op{last})
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

// writes turns an Apply's arguments into one write per employee document,
// the last put of a phone winning and a delete over any put, and lists the
// phones changed. One write per document keeps the commits independent, so
// they can run concurrently.
func (s *Store) writes(puts []roster.Employee, deletes []string) (ops []op, changed []string, err error) {
	last := make(map[string]any, len(puts)+len(deletes)) // phone → *employeeFields, or nil to delete
	for _, e := range puts {
		if !validDocID(e.Phone) {
			// The phone stays out of the message: it is PII.
			return nil, nil, fmt.Errorf("put the employee from sheet row %d: %w", e.Row, errBadPhone)
		}
		last[e.Phone] = &employeeFields{Name: e.Name, Phone: e.Phone, Department: e.Department, Position: e.Position,
			Email: e.Email, Row: int64(e.Row), Hash: e.Hash()}
	}
	for i, phone := range deletes {
		if !validDocID(phone) {
			return nil, nil, fmt.Errorf("delete number %d: %w", i+1, errBadPhone)
		}
		last[phone] = nil
	}
	changed = slices.Sorted(maps.Keys(last))
	for _, phone := range changed {
		ops = append(ops, op{doc: s.client.Collection(employeesCollection).Doc(phone), data: last[phone]})
	}
	return ops, changed, nil
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

// commit writes ops atomically, after the test seam beforeCommit. The
// transaction only writes, so when Firestore aborts it the library retries
// it as is.
func (s *Store) commit(ctx context.Context, ops []op) error {
	if s.beforeCommit != nil {
		if err := s.beforeCommit(ctx); err != nil {
			return err
		}
	}
	return s.client.RunTransaction(ctx, func(_ context.Context, tx *gfs.Transaction) error {
		for _, o := range ops {
			var err error
			switch data := o.data.(type) {
			case nil:
				err = tx.Delete(o.doc)
			case map[string]any:
				err = tx.Set(o.doc, data, gfs.MergeAll)
			default:
				err = tx.Set(o.doc, data)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

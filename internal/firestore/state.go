package firestore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	gfs "cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
)

// stateFields is the meta/directory document: everything an instance's
// check and a sync's plan need, in one read.
type stateFields struct {
	// LastSync is when the last recorded applied run finished; LastRun is
	// its sync_runs document.
	LastSync time.Time `firestore:"last_sync"`
	LastRun  string    `firestore:"last_run"`
	// Digest is replication.DigestOfHashes of the manifest.
	Digest string `firestore:"digest"`
	// Pending is true while an Apply of several commits is under way or
	// was cut short: meta/pending lists what it writes.
	Pending bool `firestore:"pending"`
	// Shards is how many manifest documents there are; 0 before the first
	// Apply.
	Shards int `firestore:"shards"`
	// Changes is the replication.ChangeLog as JSON: one field, not indexed
	// per phone.
	Changes string `firestore:"changes"`
}

// state is the decoded meta/directory document, with meta/pending.
type state struct {
	stateFields
	log     replication.ChangeLog
	pending replication.Pending
}

// pendingFields is the meta/pending document: a replication.Pending as
// JSON.
type pendingFields struct {
	Pending string `firestore:"pending"`
}

// readState reads meta/directory; a missing document is the zero state.
func (s *Store) readState(ctx context.Context) (state, error) {
	var st state
	if _, err := get(ctx, s.metaDoc(), &st.stateFields); err != nil {
		return state{}, fmt.Errorf("read %s/directory: %w", metaCollection, s.diagnosed(err))
	}
	if st.Changes != "" {
		if err := json.Unmarshal([]byte(st.Changes), &st.log); err != nil {
			return state{}, fmt.Errorf("decode the change log of %s/directory: %w", metaCollection, err)
		}
	}
	return st, nil
}

// readPending reads meta/pending into st when st says an Apply is under
// way. A record that is missing or undecodable is taken as All: the next
// sync then reads every employee rather than trust the manifest.
func (s *Store) readPending(ctx context.Context, st *state) error {
	if !st.Pending {
		return nil
	}
	snap, err := s.pendingDoc().Get(ctx)
	if err != nil && status.Code(err) != codes.NotFound {
		return fmt.Errorf("read %s/pending: %w", metaCollection, err)
	}
	var f pendingFields
	if err != nil || snap.DataTo(&f) != nil || json.Unmarshal([]byte(f.Pending), &st.pending) != nil || st.pending.Empty() {
		st.pending = replication.Pending{All: true}
	}
	return nil
}

// pendingOps returns the writes that start an Apply of more than one
// commit: p recorded and the digest cleared.
func (s *Store) pendingOps(p replication.Pending) ([]op, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode the pending apply: %w", err)
	}
	return []op{
		{doc: s.pendingDoc(), data: pendingFields{Pending: string(b)}},
		{doc: s.metaDoc(), data: map[string]any{"digest": "", "pending": true}, merge: true},
	}, nil
}

// indexUpdate is the part of meta/directory an Apply writes; the last sync
// is RecordRun's.
func indexUpdate(digest string, shards int, log replication.ChangeLog) (map[string]any, error) {
	changes, err := json.Marshal(log)
	if err != nil {
		return nil, fmt.Errorf("encode the change log: %w", err)
	}
	return map[string]any{"digest": digest, "shards": shards, "changes": string(changes), "pending": false,
		"updated_at": gfs.ServerTimestamp}, nil
}

// Status returns the directory's version and when it was last synced, in
// one read: what an instance's check costs.
func (s *Store) Status(ctx context.Context) (string, time.Time, error) {
	st, err := s.readState(ctx)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("check the directory: %w", err)
	}
	return st.log.Version(), st.LastSync, nil
}

// LastSync returns when the last recorded applied sync run finished, or the
// zero time when none was ever recorded.
func (s *Store) LastSync(ctx context.Context) (time.Time, error) {
	st, err := s.readState(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("read the last sync time: %w", err)
	}
	return st.LastSync, nil
}

// Digest returns the digest of the employees as the manifest holds them,
// in one read; "" before the first Apply and while one is unfinished.
func (s *Store) Digest(ctx context.Context) (string, error) {
	st, err := s.readState(ctx)
	if err != nil {
		return "", fmt.Errorf("read the directory digest: %w", err)
	}
	if st.Shards == 0 || st.Pending {
		return "", nil
	}
	return st.Digest, nil
}

// Changes hands a reader at version what changed since
// (replication.ChangeLog.CatchUp), reading one document per employee
// written.
func (s *Store) Changes(ctx context.Context, version string, visit func(roster.Employee), remove func(phone string)) (string, bool, error) {
	st, err := s.readState(ctx)
	if err != nil {
		return "", false, fmt.Errorf("read the directory's changes: %w", err)
	}
	now, ok, err := st.log.CatchUp(version, func(phones []string) (map[string]roster.Employee, error) {
		return s.employeesOf(ctx, phones)
	}, visit, remove)
	if err != nil {
		return "", false, fmt.Errorf("read the directory's changes: %w", err)
	}
	return now, ok, nil
}

package firestore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rollcall/rollcall/internal/replication"
	"github.com/rollcall/rollcall/internal/roster"
)

// stateFields is the meta/directory document (docs/google.md): everything
// an instance's check and a sync's plan need, in one read.
type stateFields struct {
	LastSync time.Time `firestore:"last_sync"`
	LastRun  string    `firestore:"last_run"`
	Digest   string    `firestore:"digest"` // "" before the first Apply and while one is pending
	Shards   int       `firestore:"shards"` // manifest documents
	// Changes is a replication.ChangeLog and PendingPhones, while Pending,
	// a replication.Pending, both as JSON: one field, not indexed per phone.
	Changes       string `firestore:"changes"`
	Pending       bool   `firestore:"pending"`
	PendingPhones string `firestore:"pending_phones"`
}

// state is the decoded meta/directory document.
type state struct {
	stateFields
	log     replication.ChangeLog
	pending replication.Pending
}

// readState reads meta/directory: the zero state when it is missing or on
// error. A pending record that cannot be read counts as All: the next sync
// then reads every employee rather than trust the manifest.
func (s *Store) readState(ctx context.Context) (state, error) {
	var st state
	if _, err := get(ctx, s.client.Doc(metaDoc), &st.stateFields); err != nil {
		return state{}, fmt.Errorf("read %s: %w", metaDoc, s.diagnosed(err))
	}
	if st.Changes != "" {
		if err := json.Unmarshal([]byte(st.Changes), &st.log); err != nil {
			return state{}, fmt.Errorf("decode the change log of %s: %w", metaDoc, err)
		}
	}
	if st.Pending && (json.Unmarshal([]byte(st.PendingPhones), &st.pending) != nil || len(st.pending.Phones) == 0) {
		st.pending = replication.Pending{All: true}
	}
	return st, nil
}

// Status returns the directory's version and when it was last synced, in
// one read: what an instance's check costs.
func (s *Store) Status(ctx context.Context) (string, time.Time, error) {
	st, err := s.readState(ctx)
	return st.log.Version(), st.LastSync, err
}

// LastSync returns when the last applied sync finished, or the zero time.
func (s *Store) LastSync(ctx context.Context) (time.Time, error) {
	st, err := s.readState(ctx)
	return st.LastSync, err
}

// Digest returns the digest of the manifest's hashes, in one read.
func (s *Store) Digest(ctx context.Context) (string, error) {
	st, err := s.readState(ctx)
	return st.Digest, err
}

// Changes is replication.ChangeLog.CatchUp, reading one document per
// employee written.
func (s *Store) Changes(ctx context.Context, version string) (replication.Changes, bool, error) {
	st, err := s.readState(ctx)
	if err != nil {
		return replication.Changes{}, false, err
	}
	return st.log.CatchUp(version, func(phones []string) (map[string]roster.Employee, error) {
		return s.employeesOf(ctx, phones)
	})
}

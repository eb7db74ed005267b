package firestore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	gfs "cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
)

// stateFields is the meta/directory document: everything an instance's
// check and a sync's plan need, in one read.
type stateFields struct {
	// LastSync is when the last recorded applied run finished; LastRun is
	// that run's sync_runs document.
	LastSync time.Time `firestore:"last_sync"`
	LastRun  string    `firestore:"last_run"`
	// Digest is rostersync.DigestOfHashes of the manifest, "" while an Apply
	// that cannot be one commit is under way.
	Digest string `firestore:"digest"`
	// Shards is how many manifest documents there are; 0 before the first
	// Apply of this layout.
	Shards int `firestore:"shards"`
	// Changes is the rostersync.ChangeLog as JSON: one field, not indexed per
	// phone.
	Changes string `firestore:"changes"`
}

// state is the decoded meta/directory document.
type state struct {
	stateFields
	log rostersync.ChangeLog
}

// readState reads meta/directory; a missing document is the zero state.
func (s *Store) readState(ctx context.Context) (state, error) {
	snap, err := s.metaDoc().Get(ctx)
	if d := s.diagnose(err); d != nil {
		return state{}, fmt.Errorf("read %s/%s: %w", metaCollection, directoryMetaDoc, d)
	}
	if status.Code(err) == codes.NotFound {
		return state{}, nil
	}
	if err != nil {
		return state{}, fmt.Errorf("read %s/%s: %w", metaCollection, directoryMetaDoc, err)
	}
	var st state
	if err := snap.DataTo(&st.stateFields); err != nil {
		return state{}, fmt.Errorf("decode %s/%s: %w", metaCollection, directoryMetaDoc, err)
	}
	if st.Changes != "" {
		if err := json.Unmarshal([]byte(st.Changes), &st.log); err != nil {
			return state{}, fmt.Errorf("decode the change log of %s/%s: %w", metaCollection, directoryMetaDoc, err)
		}
	}
	return st, nil
}

// indexUpdate is the part of meta/directory an Apply writes: it leaves the
// last sync to RecordRun.
func indexUpdate(digest string, shards int, log rostersync.ChangeLog) (map[string]any, error) {
	changes, err := json.Marshal(log)
	if err != nil {
		return nil, fmt.Errorf("encode the change log: %w", err)
	}
	return map[string]any{"digest": digest, "shards": shards, "changes": string(changes),
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

// Version returns a token that changes whenever an Apply changes the
// employees, "" before the first: the change log's version.
func (s *Store) Version(ctx context.Context) (string, error) {
	st, err := s.readState(ctx)
	if err != nil {
		return "", fmt.Errorf("read the directory version: %w", err)
	}
	return st.log.Version(), nil
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
// in one read; "" before the first Apply or while one is under way.
func (s *Store) Digest(ctx context.Context) (string, error) {
	st, err := s.readState(ctx)
	if err != nil {
		return "", fmt.Errorf("read the directory digest: %w", err)
	}
	if st.Shards == 0 {
		return "", nil
	}
	return st.Digest, nil
}

// Changes reads what changed after version: visit gets each employee
// written since (one document read each), remove each phone removed. It
// returns the version that brings the reader to, and false (having called
// nothing) when the change log does not reach back to version: the reader
// must then read every employee.
func (s *Store) Changes(ctx context.Context, version string, visit func(roster.Employee), remove func(phone string)) (string, bool, error) {
	st, err := s.readState(ctx)
	if err != nil {
		return "", false, fmt.Errorf("read the directory's changes: %w", err)
	}
	put, deleted, ok := st.log.Since(version)
	if !ok {
		return "", false, nil
	}
	refs := make([]*gfs.DocumentRef, 0, len(put))
	for _, phone := range put {
		doc, err := s.employeeDoc(phone)
		if err != nil {
			return "", false, fmt.Errorf("read the directory's changes: %w", err)
		}
		refs = append(refs, doc)
	}
	snaps, err := s.client.GetAll(ctx, refs)
	if err != nil {
		return "", false, fmt.Errorf("read the %d changed employees: %w", len(refs), err)
	}
	var found []roster.Employee
	for i, snap := range snaps {
		if !snap.Exists() {
			// Deleted by a later Apply whose record is not written yet.
			deleted = append(deleted, put[i])
			continue
		}
		var f employeeFields
		if err := snap.DataTo(&f); err != nil {
			return "", false, fmt.Errorf("read the directory's changes: decode changed employee %d: %w", i+1, err)
		}
		found = append(found, employeeOf(snap.Ref.ID, f))
	}
	for _, e := range found {
		visit(e)
	}
	for _, phone := range deleted {
		remove(phone)
	}
	return st.log.Version(), true, nil
}

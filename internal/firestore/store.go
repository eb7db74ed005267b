// Package firestore keeps rollcall's directory in Cloud Firestore, in the
// layout of the external contract (section 5): "employees", one document
// per employee whose id is the E.164 phone; every content hash in a few
// "manifest" documents, which a sync reads instead of every employee;
// "meta/directory" (digest, last sync, version and recent changes: one read
// per instance check; the pending phones while an Apply of several commits
// is under way: docs/replication.md); the last 50 "sync_runs"; and the sync
// lease ("locks/sync").
//
// The library honours FIRESTORE_EMULATOR_HOST, so the same code runs
// against Google's service and the emulator.
package firestore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	gfs "cloud.google.com/go/firestore"
	"google.golang.org/api/option"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/rostersync"
)

// The collections and documents of the layout.
const (
	employeesCollection = "employees"
	runsCollection      = "sync_runs"
	metaDoc             = "meta/directory"
	leaseDoc            = "locks/sync"
)

// errBadPhone refuses a phone that cannot be a Firestore document id.
var errBadPhone = errors.New("phone cannot be a Firestore document id")

// Store is the directory kept in one Firestore database. It is safe for
// concurrent use.
type Store struct {
	client            *gfs.Client
	now               func() time.Time // decides a lease's expiry
	project, database string           // for diagnoses
	// Tests cut an Apply short with beforeCommit, whose error fails a
	// commit, and lower writesPerCommit, so that a small change takes as
	// many commits as a large one.
	beforeCommit    func(ctx context.Context) error
	writesPerCommit int
}

var _ rostersync.Store = (*Store)(nil)

// Open connects to the Firestore database databaseID (the default database
// when empty) of project projectID, with the credentials of opts, else
// Application Default Credentials. Open does not reach the server.
func Open(ctx context.Context, projectID, databaseID string, opts ...option.ClientOption) (*Store, error) {
	if databaseID == "" {
		databaseID = gfs.DefaultDatabaseID
	}
	client, err := gfs.NewClientWithDatabase(ctx, projectID, databaseID, opts...)
	if err != nil {
		// The auth library's "could not find default credentials" has no type.
		if strings.Contains(err.Error(), "could not find default credentials") {
			err = &Diagnosis{kind: errUnauthenticated, cause: err, fix: credentialsFix}
		}
		return nil, fmt.Errorf("open Firestore database %s of project %s: %w", databaseID, projectID, err)
	}
	return &Store{client: client, now: time.Now, project: projectID, database: databaseID, writesPerCommit: maxWritesPerCommit}, nil
}

// Close releases the client's connections.
func (s *Store) Close() error {
	if err := s.client.Close(); err != nil {
		return fmt.Errorf("close Firestore: %w", err)
	}
	return nil
}

// get reads doc into v and reports whether it exists. A missing database
// is NOT_FOUND too, and is an error.
func get(ctx context.Context, doc *gfs.DocumentRef, v any) (bool, error) {
	snap, err := doc.Get(ctx)
	if st, _ := status.FromError(err); st.Code() == codes.NotFound && !isNoDatabase(st) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := snap.DataTo(v); err != nil {
		return false, fmt.Errorf("decode the stored document: %w", err)
	}
	return true, nil
}

// validDocID reports whether id obeys Firestore's rules for document ids.
func validDocID(id string) bool {
	reserved := len(id) >= 4 && strings.HasPrefix(id, "__") && strings.HasSuffix(id, "__")
	return id != "" && id != "." && id != ".." && len(id) <= 1500 && utf8.ValidString(id) && !strings.Contains(id, "/") && !reserved
}

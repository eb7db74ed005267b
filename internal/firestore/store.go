// Package firestore keeps rollcall's directory in Cloud Firestore, in the
// layout of the external contract (section 5): a collection "employees" with
// one document per employee whose id is the E.164 phone. It also keeps
// every employee's content hash in a few "manifest" documents, so that a
// sync reads those rather than every employee; one "meta/directory"
// document with the manifest's digest, when the directory was last synced
// and its version with the recent changes (what instances poll, one read a
// check, to catch up by what changed); "meta/pending", the phones an Apply
// of several commits is writing, until it ends (docs/replication.md); the
// last 50 sync runs ("sync_runs"); and the lease that lets one sync run at
// a time across instances ("locks/sync").
//
// The client honours FIRESTORE_EMULATOR_HOST through the Firestore library
// itself, so the same code runs against Google's service and the emulator.
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

	"github.com/rollcall/rollcall/internal/rostersync"
)

// Collection and document names of the layout.
const (
	employeesCollection = "employees"
	runsCollection      = "sync_runs"
	metaCollection      = "meta"
	directoryMetaDoc    = "directory"
	pendingMetaDoc      = "pending"
	locksCollection     = "locks"
	syncLockDoc         = "sync"
)

// DefaultDatabaseID is the database Open uses when given none.
const DefaultDatabaseID = gfs.DefaultDatabaseID

// errBadPhone refuses a phone that cannot be a Firestore document id.
var errBadPhone = errors.New("phone cannot be a Firestore document id")

// Store is the directory kept in one Firestore database. It is safe for
// concurrent use.
type Store struct {
	client *gfs.Client
	now    func() time.Time
	// project and database name the database in diagnoses (diagnose.go).
	project, database string
	// beforeCommit, when set, is called before each commit of an Apply,
	// and an error it returns fails that commit: the seam through which
	// tests cut an Apply short. Production leaves it nil.
	beforeCommit func(ctx context.Context) error
	// writesPerCommit is maxWritesPerCommit; tests lower it so that a small
	// change takes as many commits as a large one.
	writesPerCommit int
}

var _ rostersync.Store = (*Store)(nil)

// Open connects to the Firestore database databaseID (DefaultDatabaseID when
// empty) of project projectID. Credentials come from opts, else Application
// Default Credentials; when FIRESTORE_EMULATOR_HOST is set the library talks
// to that emulator instead. Open does not reach the server.
//
// The store reads the time from time.Now: it stamps reports without a start
// time and decides when a lease has expired. The package's tests replace
// that clock with one they advance.
func Open(ctx context.Context, projectID, databaseID string, opts ...option.ClientOption) (*Store, error) {
	if projectID == "" {
		return nil, errors.New("open Firestore: no project id")
	}
	if databaseID == "" {
		databaseID = DefaultDatabaseID
	}
	client, err := gfs.NewClientWithDatabase(ctx, projectID, databaseID, opts...)
	if err != nil {
		if noCredentials(err) {
			err = &Diagnosis{Kind: ErrUnauthenticated, cause: err, Fix: credentialsFix}
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

func (s *Store) metaDoc() *gfs.DocumentRef {
	return s.client.Collection(metaCollection).Doc(directoryMetaDoc)
}

func (s *Store) pendingDoc() *gfs.DocumentRef {
	return s.client.Collection(metaCollection).Doc(pendingMetaDoc)
}

func (s *Store) leaseDoc() *gfs.DocumentRef {
	return s.client.Collection(locksCollection).Doc(syncLockDoc)
}

// employeeDoc returns the document of the employee with phone, or
// errBadPhone when phone cannot name a document. Real phones are E.164
// ("+821012345678") and always can.
func (s *Store) employeeDoc(phone string) (*gfs.DocumentRef, error) {
	if !validDocID(phone) {
		return nil, errBadPhone
	}
	return s.client.Collection(employeesCollection).Doc(phone), nil
}

// validDocID reports whether id obeys Firestore's rules for document ids:
// non-empty UTF-8 of at most 1,500 bytes, no slash, not "." or "..", and not
// of the reserved form __name__.
func validDocID(id string) bool {
	switch {
	case id == "", id == ".", id == "..", len(id) > 1500:
		return false
	case !utf8.ValidString(id), strings.Contains(id, "/"):
		return false
	case len(id) >= 4 && strings.HasPrefix(id, "__") && strings.HasSuffix(id, "__"):
		return false
	}
	return true
}

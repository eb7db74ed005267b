package firestore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Failures a set-up meets; the store's error for one is a *Diagnosis that
// wraps the sentinel.
var (
	// ErrNoDatabase: the project has no Firestore database of that id.
	ErrNoDatabase = errors.New("no Firestore database")
	// ErrDatastoreMode: the database is in Datastore mode, which rollcall cannot use.
	ErrDatastoreMode = errors.New("the Firestore database is in Datastore mode")
	// ErrAPIDisabled: the Cloud Firestore API is off in the credentials' project.
	ErrAPIDisabled = errors.New("the Cloud Firestore API is disabled")
	// ErrPermission: the credentials may not use the database.
	ErrPermission = errors.New("no permission on Firestore")
	// ErrUnauthenticated: there are no credentials, or they were refused.
	//lint:ignore ST1005 a proper noun starts the operator's message
	ErrUnauthenticated = errors.New("Firestore has no usable credentials")
	// ErrUnreachable: Firestore did not answer.
	//lint:ignore ST1005 a proper noun starts the operator's message
	ErrUnreachable = errors.New("Firestore is unreachable")
)

// Diagnosis is a store failure that a set-up meets, with the one-sentence
// fix an operator needs. Its text names the project and database but never
// the server's message, which may quote a document path (a phone).
type Diagnosis struct {
	kind  error  // one of the sentinels above
	fix   string // what to do
	cause error
}

func (d *Diagnosis) Error() string {
	if _, ok := status.FromError(d.cause); !ok {
		return fmt.Sprintf("%v: %s", d.kind, d.fix)
	}
	return fmt.Sprintf("%v: %s (%s)", d.kind, d.fix, status.Code(d.cause))
}

// Unwrap makes the diagnosis its kind and its cause (the gRPC status).
func (d *Diagnosis) Unwrap() []error { return []error{d.kind, d.cause} }

// Remedy is the fix, in one sentence.
func (d *Diagnosis) Remedy() string { return d.fix }

// isNoDatabase tells Firestore's NOT_FOUND for a missing database ("The
// database (default) does not exist for project P ...") from a missing
// document's.
func isNoDatabase(st *status.Status) bool {
	return st.Code() == codes.NotFound && strings.Contains(st.Message(), "does not exist for project")
}

// diagnose names err's set-up failure with its fix, or returns nil when err
// is not one.
func (s *Store) diagnose(err error) *Diagnosis {
	if err == nil {
		return nil
	}
	if d, ok := errors.AsType[*Diagnosis](err); ok {
		return d
	}
	st, ok := status.FromError(err)
	if !ok {
		if errors.Is(err, context.DeadlineExceeded) {
			return &Diagnosis{kind: ErrUnreachable, cause: err, fix: s.unreachableFix()}
		}
		return nil
	}
	db, project := s.database, s.project
	switch {
	case isNoDatabase(st):
		return &Diagnosis{kind: ErrNoDatabase, cause: err, fix: fmt.Sprintf(
			"project %s has no database %s: create it in Native mode "+
				"(gcloud firestore databases create --database=%s --location=REGION --type=firestore-native --project=%s), "+
				"or correct ROLLCALL_STORE", project, db, db, project)}
	case st.Code() == codes.FailedPrecondition && strings.Contains(strings.ToLower(st.Message()), "datastore mode"):
		return &Diagnosis{kind: ErrDatastoreMode, cause: err, fix: fmt.Sprintf(
			"database %s of project %s is in Datastore mode, which rollcall cannot use: create a Native-mode database "+
				"(gcloud firestore databases create --database=rollcall --location=REGION --type=firestore-native --project=%s) "+
				"and set ROLLCALL_STORE=firestore:%s/rollcall", db, project, project, project)}
	case st.Code() == codes.PermissionDenied && serviceDisabled(st):
		return &Diagnosis{kind: ErrAPIDisabled, cause: err, fix: fmt.Sprintf(
			"enable firestore.googleapis.com in the project of rollcall's credentials "+
				"(gcloud services enable firestore.googleapis.com --project=%s)", project)}
	case st.Code() == codes.PermissionDenied:
		return &Diagnosis{kind: ErrPermission, cause: err, fix: fmt.Sprintf(
			"grant rollcall's service account the Cloud Datastore User role (roles/datastore.user) on project %s", project)}
	case st.Code() == codes.Unauthenticated:
		return &Diagnosis{kind: ErrUnauthenticated, cause: err, fix: credentialsFix}
	case st.Code() == codes.Unavailable || st.Code() == codes.DeadlineExceeded:
		return &Diagnosis{kind: ErrUnreachable, cause: err, fix: s.unreachableFix()}
	}
	return nil
}

const credentialsFix = "check Application Default Credentials (on a workstation: gcloud auth application-default login; " +
	"on Cloud Run the service account's are found by themselves)"

// noCredentials recognises the auth library's "could not find default
// credentials", which has no type of its own.
func noCredentials(err error) bool {
	return strings.Contains(err.Error(), "could not find default credentials")
}

func (s *Store) unreachableFix() string {
	if s.client != nil && s.client.UsesEmulator {
		return "start the Firestore emulator, or check FIRESTORE_EMULATOR_HOST"
	}
	return "check this machine's network access to firestore.googleapis.com, then try again"
}

// serviceDisabled says whether a PERMISSION_DENIED is Google's "API has not
// been used in project ... or it is disabled".
func serviceDisabled(st *status.Status) bool {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() == "SERVICE_DISABLED" {
			return true
		}
	}
	return strings.Contains(st.Message(), "has not been used in project")
}

// diagnosed returns err's diagnosis in its place when err is a set-up
// failure not yet diagnosed, and err otherwise.
func (s *Store) diagnosed(err error) error {
	if d := s.diagnose(err); d != nil && !errors.Is(err, d) {
		return d
	}
	return err
}

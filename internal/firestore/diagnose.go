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

// The failures a set-up meets; the store's error for one is a *Diagnosis
// that wraps one of these.
var (
	errNoDatabase    = errors.New("no Firestore database")
	errDatastoreMode = errors.New("the Firestore database is in Datastore mode")
	errAPIDisabled   = errors.New("the Cloud Firestore API is disabled")
	errPermission    = errors.New("no permission on Firestore")
	//lint:ignore ST1005 a proper noun starts the operator's message
	errUnauthenticated = errors.New("Firestore has no usable credentials")
	//lint:ignore ST1005 a proper noun starts the operator's message
	errUnreachable = errors.New("Firestore is unreachable")
)

// Diagnosis is a store failure that a set-up meets, with the one-sentence
// fix an operator needs. Its text names the project and database but never
// the server's message, which may quote a document path (a phone).
type Diagnosis struct {
	kind  error // one of the sentinels above
	fix   string
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

// diagnosed returns err's Diagnosis in its place when err is a set-up
// failure not yet diagnosed, and err otherwise.
func (s *Store) diagnosed(err error) error {
	if err == nil || errors.As(err, new(*Diagnosis)) {
		return err
	}
	st, ok := status.FromError(err)
	if !ok {
		if errors.Is(err, context.DeadlineExceeded) {
			return &Diagnosis{kind: errUnreachable, cause: err, fix: s.unreachableFix()}
		}
		return err
	}
	db, project := s.database, s.project
	switch {
	case isNoDatabase(st):
		return &Diagnosis{kind: errNoDatabase, cause: err, fix: fmt.Sprintf(
			"project %s has no database %s: create it in Native mode "+
				"(gcloud firestore databases create --database=%s --location=REGION --type=firestore-native --project=%s), "+
				"or correct ROLLCALL_STORE", project, db, db, project)}
	case st.Code() == codes.FailedPrecondition && strings.Contains(strings.ToLower(st.Message()), "datastore mode"):
		return &Diagnosis{kind: errDatastoreMode, cause: err, fix: fmt.Sprintf(
			"database %s of project %s is in Datastore mode, which rollcall cannot use: create a Native-mode database "+
				"(gcloud firestore databases create --database=rollcall --location=REGION --type=firestore-native --project=%s) "+
				"and set ROLLCALL_STORE=firestore:%s/rollcall", db, project, project, project)}
	case st.Code() == codes.PermissionDenied && serviceDisabled(st):
		return &Diagnosis{kind: errAPIDisabled, cause: err, fix: fmt.Sprintf(
			"enable firestore.googleapis.com in the project of rollcall's credentials "+
				"(gcloud services enable firestore.googleapis.com --project=%s)", project)}
	case st.Code() == codes.PermissionDenied:
		return &Diagnosis{kind: errPermission, cause: err, fix: fmt.Sprintf(
			"grant rollcall's service account the Cloud Datastore User role (roles/datastore.user) on project %s", project)}
	case st.Code() == codes.Unauthenticated:
		return &Diagnosis{kind: errUnauthenticated, cause: err, fix: credentialsFix}
	case st.Code() == codes.Unavailable || st.Code() == codes.DeadlineExceeded:
		return &Diagnosis{kind: errUnreachable, cause: err, fix: s.unreachableFix()}
	}
	return err
}

const credentialsFix = "check Application Default Credentials (on a workstation: gcloud auth application-default login; " +
	"on Cloud Run the service account's are found by themselves)"

func (s *Store) unreachableFix() string {
	if s.client.UsesEmulator {
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

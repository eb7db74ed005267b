package firestore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	gfs "cloud.google.com/go/firestore"
	"cloud.google.com/go/firestore/apiv1/firestorepb"
	"golang.org/x/sync/errgroup"
	"google.golang.org/api/iterator"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/directory"
)

// maxWritesPerCommit is Firestore's limit on the writes of one commit.
const maxWritesPerCommit = 500

// commitConcurrency bounds the commits an Apply has in flight at once.
const commitConcurrency = 4

// hashField is the field holding an employee's content hash.
const hashField = "hash"

// employeeFields is an employee document: the contract's fields, the content
// hash a sync compares, and when the document was last written. The document
// id is the phone too; the id is what Lookup and Hashes trust.
type employeeFields struct {
	Name       string    `firestore:"name"`
	Phone      string    `firestore:"phone"`
	Department string    `firestore:"department"`
	Position   string    `firestore:"position"`
	Email      string    `firestore:"email"`
	Row        int64     `firestore:"row"`
	Hash       string    `firestore:"hash"`
	UpdatedAt  time.Time `firestore:"updated_at,serverTimestamp"`
}

// employeeReadFields are the fields of employeeFields that make an
// employee: not the phone (the document id is the phone), hash or
// updated_at.
var employeeReadFields = []string{"name", "department", "position", "email", "row"}

// write is one document write of an Apply: a set of employee, or a delete.
type write struct {
	doc      *gfs.DocumentRef
	employee *employeeFields // nil: delete
}

// Hashes returns the content hash of every stored employee, keyed by phone
// (the document id). It reads the hash field only, streaming the collection.
// A document without a hash gets "", which a sync sees as changed.
func (s *Store) Hashes(ctx context.Context) (map[string]string, error) {
	hashes := map[string]string{}
	it := s.client.Collection(employeesCollection).Select(hashField).Documents(ctx)
	defer it.Stop()
	for {
		snap, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return hashes, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read employee hashes (%d read so far): %w", len(hashes), err)
		}
		hash, _ := snap.Data()[hashField].(string)
		hashes[snap.Ref.ID] = hash
	}
}

// Apply writes puts (whole documents: a field left empty is stored empty)
// and deletes the documents of the phones in deletes, with the bindings to
// them (deleteBindingsOf, before and after the employees); deleting an absent
// phone is not an error. A phone both put and deleted ends up deleted. An
// Apply with nothing to do issues no request.
//
// Firestore cannot commit more than 500 writes at once, so a large Apply is
// several commits, a few of them in flight at a time; each commit is atomic,
// the whole Apply is not. When a commit fails, Apply returns the first error
// and the commits that succeeded stay: the next sync compares hashes again
// and its plan repairs whatever is missing, stale or left over.
func (s *Store) Apply(ctx context.Context, puts []directory.Employee, deletes []string) error {
	writes, err := s.writes(puts, deletes)
	if err != nil {
		return fmt.Errorf("apply %d puts and %d deletes: %w", len(puts), len(deletes), err)
	}
	if len(writes) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("apply %d puts and %d deletes: %w", len(puts), len(deletes), err)
	}
	if err := s.deleteBindingsOf(ctx, deletes); err != nil {
		return fmt.Errorf("apply %d puts and %d deletes: %w", len(puts), len(deletes), err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(commitConcurrency)
	for start := 0; start < len(writes); start += maxWritesPerCommit {
		chunk := writes[start:min(start+maxWritesPerCommit, len(writes))]
		g.Go(func() error {
			if err := s.commit(gctx, chunk); err != nil {
				return fmt.Errorf("commit writes %d to %d of %d: %w", start+1, start+len(chunk), len(writes), err)
			}
			return nil
		})
	}
	err = g.Wait()
	if err == nil {
		err = s.deleteBindingsOf(ctx, deletes)
	}
	// Some commits may have landed even when one failed: the version moves
	// either way, so that every instance reloads what the store now holds.
	if verr := s.bumpVersion(ctx); verr != nil {
		err = errors.Join(err, verr)
	}
	if err != nil {
		return fmt.Errorf("apply %d puts and %d deletes: %w", len(puts), len(deletes), err)
	}
	return nil
}

// versionFields is the meta/employees document: a random token that every
// Apply with something to do replaces once its commits are done.
type versionFields struct {
	Version   string    `firestore:"version"`
	UpdatedAt time.Time `firestore:"updated_at,serverTimestamp"`
}

// bumpVersion gives the directory a new Version.
func (s *Store) bumpVersion(ctx context.Context) error {
	token := make([]byte, 8)
	if _, err := rand.Read(token); err != nil {
		return fmt.Errorf("new directory version: %w", err)
	}
	if _, err := s.versionDoc().Set(ctx, &versionFields{Version: hex.EncodeToString(token)}); err != nil {
		return fmt.Errorf("move the directory version: %w", err)
	}
	return nil
}

// Version returns a token that changes whenever an Apply changes the
// employees: a random value each Apply with something to do writes after
// its commits, "" before the first. It reads one small document, so that
// an instance can poll it to learn that its copy of the directory is out
// of date. A failed Apply moves it too (some of its commits may have
// landed); an Apply interrupted before it could write it leaves it, until
// the next sync's Apply.
func (s *Store) Version(ctx context.Context) (string, error) {
	snap, err := s.versionDoc().Get(ctx)
	if status.Code(err) == codes.NotFound {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the directory version: %w", err)
	}
	var v versionFields
	if err := snap.DataTo(&v); err != nil {
		return "", fmt.Errorf("read the directory version: decode %s/%s: %w", metaCollection, versionDoc, err)
	}
	return v.Version, nil
}

// VisitEmployees tells size how many employees the directory holds (a
// count the server makes, read just before), then calls visit with every
// stored employee as it streams in, ordered by phone (the document id),
// and stops at the first error visit returns. It never holds them all: the
// directory held in memory packs them as they come. It reads only the
// fields an employee is made of (the id is the phone): less to send,
// decode and collect. The count is a capacity hint, and the read is not
// one snapshot: an Apply running meanwhile may show in part, and moves
// Version after it, so that a reader polling Version reads again.
func (s *Store) VisitEmployees(ctx context.Context, size func(n int), visit func(directory.Employee) error) error {
	n, err := s.Count(ctx)
	if err != nil {
		return fmt.Errorf("read every employee: %w", err)
	}
	size(n)
	it := s.client.Collection(employeesCollection).Select(employeeReadFields...).Documents(ctx)
	defer it.Stop()
	for read := 0; ; read++ {
		snap, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read every employee (%d read so far): %w", read, err)
		}
		var f employeeFields
		if err := snap.DataTo(&f); err != nil {
			// The id is a phone number: it stays out of the error.
			return fmt.Errorf("read every employee: decode employee %d: %w", read+1, err)
		}
		if err := visit(employeeOf(snap.Ref.ID, f)); err != nil {
			return err
		}
	}
}

// writes turns an Apply's arguments into one write per document, in the
// order given, the last word on a phone winning and deletes coming last. With
// one write per document the commits are independent, so they can run
// concurrently without their order deciding what a document ends up as.
func (s *Store) writes(puts []directory.Employee, deletes []string) ([]write, error) {
	at := make(map[string]int, len(puts)+len(deletes))
	ws := make([]write, 0, len(puts)+len(deletes))
	add := func(phone string, w write) {
		if i, ok := at[phone]; ok {
			ws[i] = w
			return
		}
		at[phone] = len(ws)
		ws = append(ws, w)
	}
	for _, e := range puts {
		doc, err := s.employeeDoc(e.Phone)
		if err != nil {
			// The phone stays out of the message: it is PII.
			return nil, fmt.Errorf("put the employee from sheet row %d: %w", e.Row, err)
		}
		add(e.Phone, write{doc: doc, employee: &employeeFields{
			Name: e.Name, Phone: e.Phone, Department: e.Department, Position: e.Position,
			Email: e.Email, Row: int64(e.Row), Hash: e.Hash(),
		}})
	}
	for i, phone := range deletes {
		doc, err := s.employeeDoc(phone)
		if err != nil {
			return nil, fmt.Errorf("delete number %d: %w", i+1, err)
		}
		add(phone, write{doc: doc})
	}
	return ws, nil
}

// commit applies writes atomically in one transaction. The transaction
// only writes, so when Firestore aborts it the library retries it as is.
func (s *Store) commit(ctx context.Context, writes []write) error {
	return s.client.RunTransaction(ctx, func(_ context.Context, tx *gfs.Transaction) error {
		for _, w := range writes {
			var err error
			if w.employee == nil {
				err = tx.Delete(w.doc)
			} else {
				err = tx.Set(w.doc, w.employee)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// Lookup returns the employee stored under phone (E.164) and true, or false
// when there is none. It reads one document.
func (s *Store) Lookup(ctx context.Context, phone string) (directory.Employee, bool, error) {
	doc, err := s.employeeDoc(phone)
	if err != nil {
		// No document can have this id, so no employee has this phone; the
		// context is still honoured, as for any other look-up.
		if err := ctx.Err(); err != nil {
			return directory.Employee{}, false, fmt.Errorf("look up an employee: %w", err)
		}
		return directory.Employee{}, false, nil
	}
	snap, err := doc.Get(ctx)
	if status.Code(err) == codes.NotFound {
		return directory.Employee{}, false, nil
	}
	if err != nil {
		return directory.Employee{}, false, fmt.Errorf("look up an employee: %w", err)
	}
	var f employeeFields
	if err := snap.DataTo(&f); err != nil {
		return directory.Employee{}, false, fmt.Errorf("look up an employee: decode the stored document: %w", err)
	}
	return employeeOf(snap.Ref.ID, f), true, nil
}

// employeeOf is the employee a document with this id and these fields holds.
func employeeOf(id string, f employeeFields) directory.Employee {
	return directory.Employee{
		Phone: id, Name: f.Name, Department: f.Department, Position: f.Position,
		Email: f.Email, Row: int(f.Row),
	}
}

// countAlias names the count in Count's aggregation query.
const countAlias = "employees"

// Count returns how many employees the directory holds, with an
// aggregation query: the server counts, no document is read.
func (s *Store) Count(ctx context.Context) (int, error) {
	res, err := s.client.Collection(employeesCollection).NewAggregationQuery().WithCount(countAlias).Get(ctx)
	if err != nil {
		return 0, fmt.Errorf("count employees: %w", err)
	}
	v, ok := res[countAlias].(*firestorepb.Value)
	if !ok {
		return 0, fmt.Errorf("count employees: the answer has no count (got %T)", res[countAlias])
	}
	return int(v.GetIntegerValue()), nil
}

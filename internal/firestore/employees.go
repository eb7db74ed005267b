package firestore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cloud.google.com/go/firestore/apiv1/firestorepb"
	"google.golang.org/api/iterator"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/rollcall/rollcall/internal/roster"
)

// employeeFields is an employee document: the contract's fields, the sheet
// row it was read from when last written (a move alone does not rewrite
// it), its content hash, and when it was last written. The document id is
// the phone too; the id is what Lookup trusts.
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

// VisitEmployees tells size how many employees the directory holds (a
// count the server makes, read just before), then calls visit with every
// stored employee as it streams in, ordered by phone (the document id),
// and stops at the first error visit returns. It never holds them all: the
// directory held in memory takes them as they come. It reads only the
// fields an employee is made of (the id is the phone): less to send,
// decode and collect. The count is a capacity hint, and the read is not
// one snapshot: an Apply running meanwhile may show in part, and moves
// Version after it, so that a reader polling Version reads again.
func (s *Store) VisitEmployees(ctx context.Context, size func(n int), visit func(roster.Employee) error) error {
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

// Lookup returns the employee stored under phone (E.164) and true, or false
// when there is none. It reads one document.
func (s *Store) Lookup(ctx context.Context, phone string) (roster.Employee, bool, error) {
	doc, err := s.employeeDoc(phone)
	if err != nil {
		// No document can have this id, so no employee has this phone; the
		// context is still honoured, as for any other look-up.
		if err := ctx.Err(); err != nil {
			return roster.Employee{}, false, fmt.Errorf("look up an employee: %w", err)
		}
		return roster.Employee{}, false, nil
	}
	snap, err := doc.Get(ctx)
	if status.Code(err) == codes.NotFound {
		return roster.Employee{}, false, nil
	}
	if err != nil {
		return roster.Employee{}, false, fmt.Errorf("look up an employee: %w", err)
	}
	var f employeeFields
	if err := snap.DataTo(&f); err != nil {
		return roster.Employee{}, false, fmt.Errorf("look up an employee: decode the stored document: %w", err)
	}
	return employeeOf(snap.Ref.ID, f), true, nil
}

// employeeOf is the employee a document with this id and these fields holds.
func employeeOf(id string, f employeeFields) roster.Employee {
	return roster.Employee{
		Phone: id, Name: f.Name, Department: f.Department, Position: f.Position,
		Email: f.Email, Row: int(f.Row),
	}
}

// countAlias names the count in Count's aggregation query.
const countAlias = "employees"

// Count returns how many employees the directory holds, with an
// aggregation query: the server counts, no document is read.
func (s *Store) Count(ctx context.Context) (_ int, err error) {
	defer s.explain(&err)
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

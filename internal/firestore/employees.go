package firestore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	gfs "cloud.google.com/go/firestore"
	"cloud.google.com/go/firestore/apiv1/firestorepb"
	"google.golang.org/api/iterator"

	"github.com/rollcall/rollcall/internal/roster"
)

// employeeFields is an employee document (docs/google.md); reads take the
// phone from its id.
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

// getAllChunk bounds the documents one batch read asks for: a pending
// record lists up to replication.MaxPendingPhones.
const getAllChunk = 1000

// Employees returns every stored employee, by phone: a server-side count
// sizes the map, then the documents stream in. The read is not one
// snapshot: an Apply meanwhile may show in part, and moves the version
// after it, so a reader polling Status reads again.
func (s *Store) Employees(ctx context.Context) (map[string]roster.Employee, error) {
	n, err := s.Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("read every employee: %w", err)
	}
	employees := make(map[string]roster.Employee, n)
	err = s.eachEmployee(ctx, func(e roster.Employee) { employees[e.Phone] = e })
	return employees, err
}

func (s *Store) eachEmployee(ctx context.Context, visit func(roster.Employee)) error {
	// Only the fields an employee is made of, the id aside: less to send and decode.
	it := s.client.Collection(employeesCollection).Select("name", "department", "position", "email", "row").Documents(ctx)
	defer it.Stop()
	for read := 0; ; read++ {
		snap, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return nil
		}
		var f employeeFields
		if err == nil {
			err = snap.DataTo(&f)
		}
		if err != nil {
			// The id is a phone: it stays out of the error.
			return fmt.Errorf("read every employee (%d read so far): %w", read, err)
		}
		visit(employeeOf(snap.Ref.ID, f))
	}
}

// employeesOf reads the employees of phones, in batches, and returns those
// stored, by phone.
func (s *Store) employeesOf(ctx context.Context, phones []string) (map[string]roster.Employee, error) {
	found := make(map[string]roster.Employee, len(phones))
	for chunk := range slices.Chunk(phones, getAllChunk) {
		refs := make([]*gfs.DocumentRef, len(chunk))
		for i, phone := range chunk {
			refs[i] = s.client.Collection(employeesCollection).Doc(phone)
		}
		snaps, err := s.client.GetAll(ctx, refs)
		if err != nil {
			return nil, fmt.Errorf("read %d employees: %w", len(refs), err)
		}
		for _, snap := range snaps {
			if !snap.Exists() {
				continue
			}
			var f employeeFields
			if err := snap.DataTo(&f); err != nil {
				return nil, fmt.Errorf("decode an employee: %w", err)
			}
			found[snap.Ref.ID] = employeeOf(snap.Ref.ID, f)
		}
	}
	return found, nil
}

// Lookup returns the employee stored under phone (E.164) and true, or false
// when there is none, in one document read.
func (s *Store) Lookup(ctx context.Context, phone string) (roster.Employee, bool, error) {
	found, err := map[string]roster.Employee{}, ctx.Err()
	if err == nil && validDocID(phone) { // no document has another id
		found, err = s.employeesOf(ctx, []string{phone})
	}
	if err != nil {
		return roster.Employee{}, false, fmt.Errorf("look up an employee: %w", err)
	}
	e, ok := found[phone]
	return e, ok, nil
}

func employeeOf(id string, f employeeFields) roster.Employee {
	return roster.Employee{
		Phone: id, Name: f.Name, Department: f.Department, Position: f.Position,
		Email: f.Email, Row: int(f.Row),
	}
}

// Count returns how many employees the directory holds: the server counts,
// no document is read.
func (s *Store) Count(ctx context.Context) (int, error) {
	n, err := count(ctx, s.client.Collection(employeesCollection).Query)
	if err != nil {
		return 0, fmt.Errorf("count employees: %w", s.diagnosed(err))
	}
	return n, nil
}

func count(ctx context.Context, q gfs.Query) (int, error) {
	const alias = "n"
	res, err := q.NewAggregationQuery().WithCount(alias).Get(ctx)
	if err != nil {
		return 0, err
	}
	v, ok := res[alias].(*firestorepb.Value)
	if !ok {
		return 0, fmt.Errorf("the answer has no count (got %T)", res[alias])
	}
	return int(v.GetIntegerValue()), nil
}

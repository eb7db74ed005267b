package rostersync

import (
	"slices"

	"github.com/rollcall/rollcall/internal/roster"
)

// Plan is the difference between the sheet and the store: what a sync will
// write and delete so that the store holds exactly the sheet's employees.
type Plan struct {
	// Added and Updated are the employees to write.
	Added   []roster.Employee
	Updated []roster.Employee
	// Deleted holds the phones of stored employees the sheet no longer lists.
	Deleted   []string
	Unchanged int
	// Stored is how many employees the store held when the plan was made.
	Stored int
}

// NewPlan compares the sheet's employees with the store's content hashes
// (phone → hash).
func NewPlan(employees []roster.Employee, stored map[string]string) Plan {
	p := Plan{Stored: len(stored)}
	listed := make(map[string]bool, len(employees))
	for _, e := range employees {
		listed[e.Phone] = true
		switch hash, ok := stored[e.Phone]; {
		case !ok:
			p.Added = append(p.Added, e)
		case hash != e.Hash():
			p.Updated = append(p.Updated, e)
		default:
			p.Unchanged++
		}
	}
	for phone := range stored {
		if !listed[phone] {
			p.Deleted = append(p.Deleted, phone)
		}
	}
	slices.Sort(p.Deleted) // deterministic order for stores and tests
	return p
}

// Puts returns the employees the plan writes: the added, then the updated.
func (p Plan) Puts() []roster.Employee {
	return slices.Concat(p.Added, p.Updated)
}

// brakeMinDeletes is the handful of deletions a sync may always make,
// whatever the share: removing 2 of 5 people is 40% and perfectly normal.
const brakeMinDeletes = 3

// TripsBrake reports whether the plan deletes more than maxPercent of the
// stored directory and more than a handful of employees: a wrong sheet, an
// emptied tab or a broken export rather than leavers.
func (p Plan) TripsBrake(maxPercent float64) bool {
	n := len(p.Deleted)
	// A NaN threshold trips the brake: every comparison with NaN is false.
	return n > brakeMinDeletes && !(float64(n)*100 <= maxPercent*float64(p.Stored))
}

package replication

import (
	"errors"
	"slices"

	"github.com/rollcall/rollcall/internal/roster"
)

// ErrInterrupted means an Apply failed after some of its writes may have
// landed; the store keeps a Pending record and the next sync repairs it.
var ErrInterrupted = errors.New("the apply was cut short after some of its writes may have landed")

// MaxPendingPhones bounds the phones a Pending record lists (about 17 bytes
// each); a larger change is recorded as All.
const MaxPendingPhones = 20_000

// Pending is what a store keeps while an Apply that cannot be one atomic
// write is under way: the phones it writes or removes, whose employees the
// store's hashes may lag (docs/replication.md). Its zero value is "no Apply
// under way".
type Pending struct {
	// All is true when the phones were too many to list.
	All bool `json:"all,omitempty"`
	// Phones are the phones written or removed, sorted, no repeats.
	Phones []string `json:"phones,omitempty"`
}

// With returns p with the phones of lists added; All when they are more
// than MaxPendingPhones.
func (p Pending) With(lists ...[]string) Pending {
	if p.All {
		return p
	}
	phones := slices.Concat(append([][]string{p.Phones}, lists...)...)
	slices.Sort(phones)
	phones = slices.Compact(phones)
	if len(phones) > MaxPendingPhones {
		return Pending{All: true}
	}
	return Pending{Phones: phones}
}

// Settle makes hashes (phone → content hash, as the store's index holds
// them) agree with stored, the pending phones' employees that exist.
func (p Pending) Settle(hashes map[string]string, stored map[string]roster.Employee) {
	for _, phone := range p.Phones {
		if e, ok := stored[phone]; ok {
			hashes[phone] = e.Hash()
		} else {
			delete(hashes, phone)
		}
	}
}

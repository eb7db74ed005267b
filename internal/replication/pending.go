package replication

import (
	"errors"
	"maps"
	"slices"
)

// ErrInterrupted means an Apply failed after some of its writes may have
// landed: the store holds part of the change and a Pending record of it,
// and the next sync repairs it. An Apply that fails without it changed
// nothing.
var ErrInterrupted = errors.New("the apply was cut short after some of its writes may have landed")

// MaxPendingPhones bounds the phones a Pending record lists (about 17 bytes
// each in a store's document); an interrupted change larger than that is
// recorded as All, and its repair reads every employee once.
const MaxPendingPhones = 20_000

// Pending is what a store keeps while an Apply that cannot be one atomic
// write is under way: the phones it writes or removes. The store writes it
// before any employee, adds to it when another such Apply starts before
// one ended, and clears it in the write that ends an Apply. While it is
// set, the store's index (digest, hashes) may lag its employees for these
// phones, so the next sync reads them from the employees themselves
// (Settle), and its Apply tells every instance to read them again
// (ChangeLog.RecordAfter). Its zero value is "no Apply under way".
type Pending struct {
	// All is true when the phones were too many to list: the next sync
	// reads every employee and every instance reloads.
	All bool `json:"all,omitempty"`
	// Phones are the phones written or removed, sorted, no repeats.
	Phones []string `json:"phones,omitempty"`
}

// Empty reports whether no Apply is under way.
func (p Pending) Empty() bool { return !p.All && len(p.Phones) == 0 }

// With returns p with the phones of lists added; All when they are more
// than MaxPendingPhones.
func (p Pending) With(lists ...[]string) Pending {
	if p.All {
		return p
	}
	set := make(map[string]struct{}, len(p.Phones))
	for _, phone := range p.Phones {
		set[phone] = struct{}{}
	}
	for _, l := range lists {
		for _, phone := range l {
			set[phone] = struct{}{}
		}
	}
	if len(set) > MaxPendingPhones {
		return Pending{All: true}
	}
	return Pending{Phones: slices.Sorted(maps.Keys(set))}
}

// Settle makes hashes (phone → content hash, as the store's index holds
// them) agree with the employees for the pending phones. stored holds the
// content hash of every pending phone's employee that exists (every
// employee when p.All). It returns the settled hashes; with p.All that is
// stored itself.
func (p Pending) Settle(hashes, stored map[string]string) map[string]string {
	if p.All {
		return stored
	}
	for _, phone := range p.Phones {
		if hash, ok := stored[phone]; ok {
			hashes[phone] = hash
		} else {
			delete(hashes, phone)
		}
	}
	return hashes
}

package replication

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rollcall/rollcall/internal/roster"
)

// maxLoggedPhones bounds the phones a ChangeLog keeps over all its entries,
// so that the document instances poll stays small; a reader further behind
// reloads everything.
const maxLoggedPhones = 1000

// ChangeLog is the directory's version and the recent changes that moved
// it, kept by a store beside its employees: an instance that has seen an
// earlier version catches up by reading only the employees changed since.
// Its zero value is a directory that was never changed.
type ChangeLog struct {
	// Epoch is random, chosen at the first change: versions of a store that
	// was emptied and started again never match the old ones.
	Epoch string `json:"epoch"`
	// Seq counts the changes.
	Seq int64 `json:"seq"`
	// Entries are the latest changes, oldest first, with consecutive Seqs.
	Entries []Change `json:"entries,omitempty"`
}

// Change is one change of the directory: the phones written and removed.
type Change struct {
	Seq     int64    `json:"seq"`
	Put     []string `json:"put,omitempty"`
	Deleted []string `json:"deleted,omitempty"`
}

// Version names the state the log has reached: "" before any change.
func (l ChangeLog) Version() string {
	if l.Epoch == "" {
		return ""
	}
	return l.Epoch + "-" + strconv.FormatInt(l.Seq, 10)
}

// Record moves the version for a change that wrote put and removed deleted,
// dropping the oldest entries beyond what the log keeps. A change too large
// to keep empties the log: every reader behind it reloads everything.
func (l *ChangeLog) Record(put, deleted []string) error {
	if l.Epoch == "" {
		b := make([]byte, 6)
		if _, err := rand.Read(b); err != nil {
			return fmt.Errorf("new directory epoch: %w", err)
		}
		l.Epoch = hex.EncodeToString(b)
	}
	l.Seq++
	if len(put)+len(deleted) > maxLoggedPhones {
		l.Entries = nil
		return nil
	}
	l.Entries = append(l.Entries, Change{Seq: l.Seq, Put: slices.Clone(put), Deleted: slices.Clone(deleted)})
	n := 0
	for _, c := range l.Entries {
		n += len(c.Put) + len(c.Deleted)
	}
	for n > maxLoggedPhones {
		n -= len(l.Entries[0].Put) + len(l.Entries[0].Deleted)
		l.Entries = l.Entries[1:]
	}
	return nil
}

// RecordAfter moves the version for a change that wrote put and removed
// deleted where an interrupted Apply left p: the pending phones count as
// written, since some of them changed while the version stood still, so
// every reader reads each again (one no longer stored counts as removed).
// When p does not list them (All), the log starts a new epoch instead:
// every reader reloads everything, once.
func (l *ChangeLog) RecordAfter(p Pending, put, deleted []string) error {
	if p.All {
		*l = ChangeLog{}
		return l.Record(put, deleted)
	}
	seen := make(map[string]bool, len(put)+len(deleted))
	for _, phone := range slices.Concat(put, deleted) {
		seen[phone] = true
	}
	written := slices.Clone(put)
	for _, phone := range p.Phones {
		if !seen[phone] {
			written = append(written, phone)
		}
	}
	return l.Record(written, deleted)
}

// Since returns what changed after version: the phones to read again and
// the phones removed, a phone's last change winning. ok is false when the
// log does not reach back to version (another epoch, or too far behind):
// the reader must reload everything.
func (l ChangeLog) Since(version string) (put, deleted []string, ok bool) {
	if version == l.Version() {
		return nil, nil, true
	}
	epoch, seqText, found := strings.Cut(version, "-")
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if !found || err != nil || epoch != l.Epoch || seq > l.Seq ||
		len(l.Entries) == 0 || l.Entries[0].Seq > seq+1 {
		return nil, nil, false
	}
	last := map[string]bool{} // phone → still stored after its last change
	for _, c := range l.Entries {
		if c.Seq <= seq {
			continue
		}
		for _, p := range c.Put {
			last[p] = true
		}
		for _, p := range c.Deleted {
			last[p] = false
		}
	}
	for p, stored := range last {
		if stored {
			put = append(put, p)
		} else {
			deleted = append(deleted, p)
		}
	}
	slices.Sort(put)
	slices.Sort(deleted)
	return put, deleted, true
}

// CatchUp is a store's side of an instance's catch-up: it hands a reader
// at version what changed since, visit each employee written (read with
// read, which returns those of phones still stored) and remove each phone
// removed, a phone written but no longer stored counting as removed. It
// returns the version that brings the reader to, and false, having called
// nothing, when the log does not reach back to version: the reader must
// then read every employee.
func (l ChangeLog) CatchUp(version string, read func(phones []string) (map[string]roster.Employee, error),
	visit func(roster.Employee), remove func(phone string)) (string, bool, error) {
	put, deleted, ok := l.Since(version)
	if !ok {
		return "", false, nil
	}
	found, err := read(put)
	if err != nil {
		return "", false, err
	}
	for _, phone := range put {
		if e, ok := found[phone]; ok {
			visit(e)
		} else {
			deleted = append(deleted, phone) // removed by a change whose record is not written yet
		}
	}
	for _, phone := range deleted {
		remove(phone)
	}
	return l.Version(), true, nil
}

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

// maxLoggedPhones bounds the phones a ChangeLog keeps, so that the document
// instances poll stays small; a reader further behind reloads everything.
const maxLoggedPhones = 1000

// ChangeLog is the directory's version and the recent changes that moved
// it: an instance at an earlier version reads only the employees changed
// since. Its zero value is a directory that was never changed.
type ChangeLog struct {
	// Epoch is random, chosen at the first change, so that a store emptied
	// and started again never matches old versions.
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
// dropping the oldest entries beyond what the log keeps; a change too large
// to keep empties it.
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

// RecordAfter is Record where an interrupted Apply left p: the pending
// phones, some changed while the version stood still, count as written, so
// every reader reads each again. With p.All the log starts a new epoch
// instead, and every reader reloads once.
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

// Since returns the phones to read again and those removed after version, a
// phone's last change winning; false when the log does not reach back to
// version (another epoch, or too far behind).
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

// CatchUp is a store's side of an instance's catch-up from version: visit
// each employee written since (read returns those still stored) and remove
// each phone removed, or written but no longer stored. It returns the
// version that brings the reader to, and false, having called nothing,
// when the log does not reach back to version.
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

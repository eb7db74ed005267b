package replication

import (
	"crypto/rand"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/rollcall/rollcall/internal/roster"
)

// maxLoggedPhones bounds the phones a ChangeLog keeps, so that the document
// instances poll stays small; a reader further behind reloads everything.
const maxLoggedPhones = 1000

// ChangeLog is the directory's version and the phones the recent changes
// wrote or removed: an instance at an earlier version reads only those
// again. Its zero value is a directory that was never changed.
type ChangeLog struct {
	// Epoch is random, chosen at the first change, so that a store emptied
	// and started again never matches old versions.
	Epoch string `json:"epoch"`
	// Seq counts the changes; a reader at From or later can catch up.
	Seq  int64 `json:"seq"`
	From int64 `json:"from"`
	// Phones are the phones changed after From, each with the Seq of its
	// last change.
	Phones map[string]int64 `json:"phones,omitempty"`
}

// Version names the state the log has reached: "" before any change.
func (l ChangeLog) Version() string {
	if l.Epoch == "" {
		return ""
	}
	return l.Epoch + "-" + strconv.FormatInt(l.Seq, 10)
}

// reach is the earliest Seq a reader can catch up from: a log that lists no
// phone (a change too large to keep, or a log an earlier rollcall wrote)
// cannot tell what changed before its last.
func (l ChangeLog) reach() int64 {
	if len(l.Phones) == 0 {
		return l.Seq
	}
	return l.From
}

// Record moves the version for a change of the phones of lists (written or
// removed), forgetting the oldest changes beyond what the log keeps.
func (l *ChangeLog) Record(lists ...[]string) {
	if l.Epoch == "" {
		l.Epoch = rand.Text()
	}
	l.From = l.reach()
	l.Seq++
	if l.Phones == nil {
		l.Phones = map[string]int64{}
	}
	for _, phone := range slices.Concat(lists...) {
		l.Phones[phone] = l.Seq
	}
	for len(l.Phones) > maxLoggedPhones {
		l.From = slices.Min(slices.Collect(maps.Values(l.Phones)))
		maps.DeleteFunc(l.Phones, func(_ string, seq int64) bool { return seq <= l.From })
	}
}

// RecordAfter is Record of changed where an interrupted Apply left p: the
// pending phones, some changed while the version stood still, count as
// changed, so every reader reads each again. With p.All the log starts a
// new epoch instead, and every reader reloads once.
func (l *ChangeLog) RecordAfter(p Pending, changed []string) {
	if p.All {
		*l = ChangeLog{}
	}
	l.Record(changed, p.Phones)
}

// Since returns, sorted, the phones changed after version; false when the
// log does not reach back to version (another epoch, or too far behind).
func (l ChangeLog) Since(version string) (phones []string, ok bool) {
	epoch, seqText, _ := strings.Cut(version, "-")
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if err != nil || epoch != l.Epoch || seq < l.reach() || seq > l.Seq {
		return nil, version == l.Version()
	}
	for phone, at := range l.Phones {
		if at > seq {
			phones = append(phones, phone)
		}
	}
	slices.Sort(phones)
	return phones, true
}

// CatchUp is a store's side of an instance's catch-up from version: visit
// each employee changed since that is still stored (read returns those)
// and remove each other phone changed. It returns the version that brings
// the reader to, and false, having called nothing, when the log does not
// reach back to version.
func (l ChangeLog) CatchUp(version string, read func(phones []string) (map[string]roster.Employee, error),
	visit func(roster.Employee), remove func(phone string)) (string, bool, error) {
	phones, ok := l.Since(version)
	if !ok {
		return "", false, nil
	}
	found, err := read(phones)
	if err != nil {
		return "", false, err
	}
	for _, phone := range phones {
		if e, ok := found[phone]; ok {
			visit(e)
		} else {
			remove(phone)
		}
	}
	return l.Version(), true, nil
}

package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"go.etcd.io/bbolt"
)

// The bindings journal makes a bind one append and one fsync per group
// (groupCommit), where a bbolt commit writes each random key's leaf and
// branch pages and syncs twice (data, then meta). It lives beside the bolt
// file; the bindings it holds are also in an in-memory overlay that Binding
// reads before the bucket. Every bbolt transaction that touches bindings
// first folds the overlay into the bucket and records the last sequence
// number folded (foldedKey); after its commit the journal is emptied. Open
// replays what a crash left, skipping records at or below foldedKey, so a
// crash between a fold's commit and the truncate cannot bring back a
// binding that the fold's transaction deleted.
//
// What earns it (go test -run '^$' -bench PutBinding -benchtime 20000x
// ./internal/bolt, c8a21a5 without it and with it, alternately, twice
// each, 16:18 UTC, load average 1.5; CPU per bind, folds included):
//
//	                                  bbolt commit   journal
//	lone bind (BenchmarkPutBinding)   102, 107 µs    53, 46 µs
//	concurrent, empty file            26, 22 µs      11, 10 µs
//	concurrent, 100,000 bindings      35, 32 µs      18, 17 µs
//
// and a lone bind's latency 171-181 µs against 90-108 µs: one sync of an
// appended record, not a sync of random pages and then of the meta page.
//
// A record: sequence number (8 bytes), key (32), value length (4), value,
// then the CRC-32 (Castagnoli) of all that (4), big-endian.

// journalSuffix names the journal: the bolt file's path and this.
const journalSuffix = ".bindings.journal"

// foldedKey, in the meta bucket, is the sequence number of the last journal
// record whose binding is in bindingsBucket.
const foldedKey = "bindings_folded_through"

// foldEvery is how many records the journal holds before the committer
// folds them into the bolt file, bounding replay and the overlay's memory.
const foldEvery = 4096

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// journal is the bindings journal and its overlay. mu serializes appends
// with folds: held from a fold to its truncate, no record can be appended
// that the truncate would drop. overlayMu guards only the map, so readers
// never wait for a sync.
type journal struct {
	mu      sync.Mutex
	f       *os.File // nil on a read-only store
	size    int64
	seq     uint64 // the last sequence number written or folded
	records int    // records in the file
	dirty   bool   // a write or sync failed: the file's tail is unknown

	overlayMu sync.RWMutex
	overlay   map[[32]byte][]byte
}

// journalRecord is one decoded record.
type journalRecord struct {
	seq   uint64
	key   [32]byte
	value []byte
}

// appendRecord encodes one record onto buf.
func appendRecord(buf []byte, seq uint64, key, value []byte) []byte {
	start := len(buf)
	buf = binary.BigEndian.AppendUint64(buf, seq)
	buf = append(buf, key...)
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(value)))
	buf = append(buf, value...)
	return binary.BigEndian.AppendUint32(buf, crc32.Checksum(buf[start:], crcTable))
}

// readJournal decodes the records of data up to the first torn, short or
// damaged one: that record's batch was never synced, so no bind in it was
// answered, and nothing after it was written.
func readJournal(data []byte) []journalRecord {
	var out []journalRecord
	for len(data) >= 8+32+4+4 {
		n := int(binary.BigEndian.Uint32(data[40:44]))
		end := 44 + n + 4
		if n > len(data) || end > len(data) {
			break
		}
		if crc32.Checksum(data[:end-4], crcTable) != binary.BigEndian.Uint32(data[end-4:end]) {
			break
		}
		r := journalRecord{seq: binary.BigEndian.Uint64(data), value: data[44 : 44+n]}
		copy(r.key[:], data[8:40])
		out = append(out, r)
		data = data[end:]
	}
	return out
}

// readFolded returns foldedKey's sequence number, 0 before the first fold.
func readFolded(meta *bbolt.Bucket) (uint64, error) {
	v := meta.Get([]byte(foldedKey))
	if v == nil {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("%w: the bindings journal's folded sequence has %d bytes", ErrCorrupt, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// openJournal opens the journal at path for appending and replays it into
// the bucket in tx, Open's transaction; the caller truncates it (truncate)
// once tx has committed.
func openJournal(path string, tx *bbolt.Tx) (*journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the bindings journal: %w", err)
	}
	j := &journal{f: f, overlay: map[[32]byte][]byte{}}
	err = j.replay(tx)
	if err == nil {
		err = syncDir(filepath.Dir(path)) // the journal's name is durable before any bind relies on it
	}
	if err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return j, nil
}

// replay writes the journal's records above foldedKey into the bindings
// bucket and moves foldedKey to the last of them.
func (j *journal) replay(tx *bbolt.Tx) error {
	data, err := io.ReadAll(j.f)
	if err != nil {
		return fmt.Errorf("read the bindings journal: %w", err)
	}
	j.size = int64(len(data))
	meta := tx.Bucket([]byte(metaBucket))
	folded, err := readFolded(meta)
	if err != nil {
		return err
	}
	b := tx.Bucket([]byte(bindingsBucket))
	j.seq = folded
	for _, r := range readJournal(data) {
		j.records++
		if r.seq <= folded {
			continue
		}
		if err := b.Put(r.key[:], r.value); err != nil {
			return fmt.Errorf("replay the bindings journal: %w", err)
		}
		j.seq = max(j.seq, r.seq)
	}
	return meta.Put([]byte(foldedKey), binary.BigEndian.AppendUint64(nil, j.seq))
}

// readOnlyJournal loads the journal's records above foldedKey into the
// overlay of a read-only store, without changing the file; a missing
// journal holds none.
func readOnlyJournal(path string, tx *bbolt.Tx) (*journal, error) {
	j := &journal{overlay: map[[32]byte][]byte{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the bindings journal: %w", err)
	}
	folded, err := readFolded(tx.Bucket([]byte(metaBucket)))
	if err != nil {
		return nil, err
	}
	for _, r := range readJournal(data) {
		if r.seq > folded {
			j.overlay[r.key] = r.value
		}
	}
	return j, nil
}

// lookup returns the overlay's value for key, or nil.
func (j *journal) lookup(key []byte) []byte {
	j.overlayMu.RLock()
	defer j.overlayMu.RUnlock()
	return j.overlay[[32]byte(key)]
}

// append writes batch as records in one write and one sync, then puts them
// in the overlay. The caller holds j.mu. A write or sync that fails leaves
// the journal's tail unknown (after a failed fsync the kernel may have
// dropped the pages, and a later fsync succeed without them): the batch's
// sequence numbers are spent and the journal is dirty, so that the next
// append first folds the overlay and empties the file (appendBinds), and
// replay skips whatever of the batch reached the disk.
func (j *journal) append(batch []*pendingBind) error {
	var buf []byte
	seq := j.seq
	for _, p := range batch {
		seq++
		buf = appendRecord(buf, seq, p.key, p.value)
	}
	j.seq = seq
	if _, err := j.f.WriteAt(buf, j.size); err != nil {
		j.dirty = true
		return fmt.Errorf("write the bindings journal: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		j.dirty = true
		return fmt.Errorf("sync the bindings journal: %w", err)
	}
	j.size += int64(len(buf))
	j.records += len(batch)
	j.overlayMu.Lock()
	for _, p := range batch {
		j.overlay[[32]byte(p.key)] = p.value
	}
	j.overlayMu.Unlock()
	return nil
}

// fold writes the overlay into the bindings bucket in tx and records the
// last sequence folded. The caller holds j.mu until truncate.
func (j *journal) fold(tx *bbolt.Tx) error {
	b := tx.Bucket([]byte(bindingsBucket))
	j.overlayMu.RLock()
	defer j.overlayMu.RUnlock()
	for k, v := range j.overlay {
		if err := b.Put(k[:], v); err != nil {
			return fmt.Errorf("fold the bindings journal: %w", err)
		}
	}
	return tx.Bucket([]byte(metaBucket)).Put([]byte(foldedKey), binary.BigEndian.AppendUint64(nil, j.seq))
}

// truncate empties the overlay and the journal once a fold has committed.
// A truncate that fails leaves records that replay skips (foldedKey), so
// appends go on after them.
func (j *journal) truncate() error {
	j.overlayMu.Lock()
	clear(j.overlay)
	j.overlayMu.Unlock()
	if err := j.f.Truncate(0); err != nil {
		return fmt.Errorf("empty the bindings journal: %w", err)
	}
	j.size, j.records, j.dirty = 0, 0, false
	return nil
}

// syncDir makes the entries of directory dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return errors.Join(d.Sync(), d.Close())
}

// closeJournal folds the bindings journal into the bolt file, so that the
// next Open has nothing to replay, and closes it.
func (s *Store) closeJournal() error {
	j := s.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	var err error
	if j.records > 0 || j.dirty {
		err = s.updateBindingsLocked(context.Background(), nil)
	}
	err = errors.Join(err, j.f.Close())
	j.f = nil
	return err
}

// updateBindings is update for a transaction that touches bindingsBucket:
// it first folds the journal's overlay into the bucket, and empties the
// journal once the transaction has committed, holding the journal's lock
// throughout so that no bind is appended in between.
func (s *Store) updateBindings(ctx context.Context, fn func(*bbolt.Tx) error) error {
	s.journal.mu.Lock()
	defer s.journal.mu.Unlock()
	return s.updateBindingsLocked(ctx, fn)
}

// updateBindingsLocked is updateBindings for a caller holding the lock;
// fn may be nil.
func (s *Store) updateBindingsLocked(ctx context.Context, fn func(*bbolt.Tx) error) error {
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		if err := s.journal.fold(tx); err != nil {
			return err
		}
		if fn == nil {
			return nil
		}
		return fn(tx)
	})
	if err != nil {
		return err
	}
	if err := s.journal.truncate(); err != nil {
		return fmt.Errorf("the change is committed, but: %w", err)
	}
	return nil
}

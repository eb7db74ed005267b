package bolt

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"go.etcd.io/bbolt"
)

// The bindings journal makes a bind one append and one sync per group
// (groupCommit), where a bbolt commit writes each random key's leaf and
// branch pages and syncs twice (data, then meta). It is two files beside
// the bolt file, written in turns: binds go to the active one and to an
// in-memory overlay that Binding reads before the bucket. Once the active
// file holds foldEvery records the other becomes active and a background
// fold writes the full one's overlay into the bucket, with the last
// sequence number folded (foldedKey), then empties that file; binds never
// wait for it. A transaction that deletes bindings first folds both. Open
// replays what a crash left, in sequence order, skipping records at or
// below foldedKey, so a crash between a fold's commit and the emptying
// cannot bring back a binding that a later transaction deleted.
//
// What earns it (the launch-day bench, docs/benchmarks.md "The bindings
// journal"; runs alternating with a bbolt commit per group): capacity
// 0.51-0.62x the minimal handler in 21 of 21 runs against 0.44-0.57x (4 of
// 8 below 0.5x), rush p99 over it about +2.3 ms at the median against +2.8,
// and a bind that is one sync, not two.
//
// A record: sequence number (8 bytes), key (32), value length (4), value,
// then the CRC-32 (Castagnoli) of all that (4), big-endian.

// journalSuffixes name the journal's two files: the bolt file's path and
// these.
var journalSuffixes = [2]string{".bindings.0", ".bindings.1"}

// foldedKey, in the meta bucket, is the sequence number of the last journal
// record whose binding is in bindingsBucket.
const foldedKey = "bindings_folded_through"

// foldEvery is how many records the active file takes before the other
// becomes active and these are folded, bounding replay and the overlay
// (twice this, about 5 MB). A fold rewrites nearly every leaf of the bucket
// whatever its size, so fewer, larger folds write less: with the rush
// folding into 50,000 bindings, every 4,096 records cost 10-15 ms of CPU and
// a 23-33 ms commit each 8 s, and rush p99 over the minimal handler was
// +1.47 to +2.46 ms in five runs; every 16,384, +0.67 to +1.65 in the five
// alternating with them (docs/benchmarks.md, "The repeat phases").
const foldEvery = 16384

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// journal is the bindings journal and its overlay. mu serializes appends
// and the switch of files; foldMu is held by the one fold running, in the
// background or by a transaction that touches bindings (taken before mu).
// overlayMu guards only the maps, so readers never wait for a sync.
type journal struct {
	foldMu  sync.Mutex
	mu      sync.Mutex
	files   [2]*os.File // nil on a read-only store
	sizes   [2]int64
	active  int
	seq     uint64 // the last sequence number written or folded
	records int    // records in the active file
	foldAt  int    // records the active file takes before a fold: foldEvery, fewer in tests
	dirty   bool   // an append or a background fold failed: the next append folds it all first

	overlayMu sync.RWMutex
	overlay   map[[32]byte][]byte // the active file's bindings
	folding   map[[32]byte][]byte // the other file's, while a fold writes them
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

// unfolded returns the last sequence number folded (foldedKey in meta, 0
// before the first fold) and the records above it in the journal's files
// beside path, in sequence order; a missing file holds none.
func unfolded(path string, meta *bbolt.Bucket) (uint64, []journalRecord, error) {
	var folded uint64
	if v := meta.Get([]byte(foldedKey)); len(v) == 8 {
		folded = binary.BigEndian.Uint64(v)
	} else if v != nil {
		return 0, nil, fmt.Errorf("%w: the bindings journal's folded sequence has %d bytes", ErrCorrupt, len(v))
	}
	var records []journalRecord
	for _, suffix := range journalSuffixes {
		data, err := os.ReadFile(path + suffix)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return 0, nil, fmt.Errorf("read the bindings journal: %w", err)
		}
		for _, r := range readJournal(data) {
			if r.seq > folded {
				records = append(records, r)
			}
		}
	}
	slices.SortFunc(records, func(a, b journalRecord) int { return cmp.Compare(a.seq, b.seq) })
	return folded, records, nil
}

// openJournal opens the journal's files beside path and replays the
// unfolded records into the bucket in tx, Open's transaction, moving
// foldedKey to the last; the caller empties the files (truncate) once tx
// has committed.
func openJournal(path string, tx *bbolt.Tx) (*journal, error) {
	j := &journal{overlay: map[[32]byte][]byte{}, foldAt: foldEvery}
	meta, b := tx.Bucket([]byte(metaBucket)), tx.Bucket([]byte(bindingsBucket))
	folded, records, err := unfolded(path, meta)
	j.seq = folded
	for _, r := range records {
		if err == nil {
			err = b.Put(r.key[:], r.value)
			j.seq = r.seq
		}
	}
	if err == nil {
		err = meta.Put([]byte(foldedKey), binary.BigEndian.AppendUint64(nil, j.seq))
	}
	for i := range j.files {
		if err == nil {
			j.files[i], err = os.OpenFile(path+journalSuffixes[i], os.O_RDWR|os.O_CREATE, 0o600)
		}
	}
	if err == nil {
		err = syncDir(filepath.Dir(path)) // the files' names are durable before any bind relies on them
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("replay the bindings journal: %w", err), j.close())
	}
	return j, nil
}

// readOnlyJournal loads the unfolded records into the overlay of a
// read-only store, without changing the files.
func readOnlyJournal(path string, tx *bbolt.Tx) (*journal, error) {
	_, records, err := unfolded(path, tx.Bucket([]byte(metaBucket)))
	j := &journal{overlay: map[[32]byte][]byte{}}
	for _, r := range records {
		j.overlay[r.key] = r.value
	}
	return j, err
}

// close closes the files.
func (j *journal) close() error {
	var err error
	for i, f := range j.files {
		if f != nil {
			err = errors.Join(err, f.Close())
			j.files[i] = nil
		}
	}
	return err
}

// lookup returns the overlay's value for key, or nil.
func (j *journal) lookup(key []byte) []byte {
	j.overlayMu.RLock()
	defer j.overlayMu.RUnlock()
	if v, ok := j.overlay[[32]byte(key)]; ok {
		return v
	}
	return j.folding[[32]byte(key)]
}

// append writes batch as records in one write and one sync, then puts them
// in the overlay. The caller holds j.mu. A write or sync that fails leaves
// the journal's tail unknown (after a failed fsync the kernel may have
// dropped the pages, and a later fsync succeed without them): the batch's
// sequence numbers are spent and the journal is dirty, so that the next
// append first folds the overlays and empties the files (appendBinds), and
// replay skips whatever of the batch reached the disk.
func (j *journal) append(batch []*pendingBind) error {
	var buf []byte
	seq := j.seq
	for _, p := range batch {
		seq++
		buf = appendRecord(buf, seq, p.key, p.value)
	}
	j.seq = seq
	f := j.files[j.active]
	if _, err := f.WriteAt(buf, j.sizes[j.active]); err != nil {
		j.dirty = true
		return fmt.Errorf("write the bindings journal: %w", err)
	}
	if err := f.Sync(); err != nil {
		j.dirty = true
		return fmt.Errorf("sync the bindings journal: %w", err)
	}
	j.sizes[j.active] += int64(len(buf))
	j.records += len(batch)
	j.overlayMu.Lock()
	for _, p := range batch {
		j.overlay[[32]byte(p.key)] = p.value
	}
	j.overlayMu.Unlock()
	return nil
}

// fold writes the bindings of overlay into the bucket in tx and records
// through as the last sequence number folded. It takes no lock: no one
// writes the map meanwhile (updateBindings holds mu, and a background fold
// reads folding, which only it replaces), and holding overlayMu would stop
// appends and lookups for the whole fold.
func fold(tx *bbolt.Tx, overlay map[[32]byte][]byte, through uint64) error {
	b := tx.Bucket([]byte(bindingsBucket))
	for k, v := range overlay {
		if err := b.Put(k[:], v); err != nil {
			return fmt.Errorf("fold the bindings journal: %w", err)
		}
	}
	return tx.Bucket([]byte(metaBucket)).Put([]byte(foldedKey), binary.BigEndian.AppendUint64(nil, through))
}

// truncate empties the overlays and both files once a fold of both has
// committed. The caller holds mu and foldMu. A truncate that fails leaves
// records that replay skips (foldedKey), so appends go on after them.
func (j *journal) truncate() error {
	j.overlayMu.Lock()
	clear(j.overlay)
	j.folding = nil
	j.overlayMu.Unlock()
	var err error
	for i, f := range j.files {
		if terr := f.Truncate(0); terr != nil {
			err = errors.Join(err, terr)
		} else {
			j.sizes[i] = 0
		}
	}
	if err != nil {
		return fmt.Errorf("empty the bindings journal: %w", err)
	}
	j.records, j.dirty = 0, false
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

// closeJournal folds the journal into the bolt file, so that the next Open
// has nothing to replay, and closes its files.
func (s *Store) closeJournal() error {
	if s.journal.files[0] == nil {
		return nil // read-only
	}
	return errors.Join(s.updateBindings(context.Background(), nil), s.journal.close())
}

// updateBindings is update for a transaction that touches bindingsBucket:
// once no fold runs, it folds the overlay into the bucket first and empties
// the journal after the commit, holding both locks so that nothing is
// appended in between.
func (s *Store) updateBindings(ctx context.Context, fn func(*bbolt.Tx) error) error {
	j := s.journal
	j.foldMu.Lock()
	defer j.foldMu.Unlock()
	j.mu.Lock()
	defer j.mu.Unlock()
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		if err := fold(tx, j.overlay, j.seq); err != nil || fn == nil {
			return err
		}
		return fn(tx)
	})
	if err != nil {
		return err
	}
	if err := j.truncate(); err != nil {
		return fmt.Errorf("the change is committed, but: %w", err)
	}
	return nil
}

// appendBinds writes batch to the journal's active file. A failed append
// left the file's tail unknown: the whole journal is folded and emptied
// first. A full file hands over to the other, and is folded in the
// background (foldBehind) unless a fold still runs.
func (s *Store) appendBinds(batch []*pendingBind) error {
	j := s.journal
	j.mu.Lock()
	dirty := j.dirty
	j.mu.Unlock()
	if dirty { // only this goroutine appends, so it stays so until the fold
		if err := s.updateBindings(context.Background(), nil); err != nil {
			return err
		}
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.records >= j.foldAt && j.foldMu.TryLock() {
		full := j.active
		j.overlayMu.Lock()
		j.folding, j.overlay = j.overlay, map[[32]byte][]byte{}
		j.overlayMu.Unlock()
		j.active, j.records = 1-full, 0
		go s.foldBehind(full, j.seq)
	}
	return j.append(batch)
}

// foldBehind writes the bindings of the full file into the bucket, up to
// sequence number through, then empties that file; it holds foldMu, which
// appendBinds took for it. Should the commit fail, the bindings go back
// to the overlay and the journal is marked dirty, so that the next append
// folds it all.
func (s *Store) foldBehind(full int, through uint64) {
	j := s.journal
	defer j.foldMu.Unlock()
	err := s.update(context.Background(), func(tx *bbolt.Tx) error {
		return fold(tx, j.folding, through)
	})
	j.mu.Lock()
	defer j.mu.Unlock()
	j.overlayMu.Lock()
	if err != nil {
		for k, v := range j.folding {
			if _, newer := j.overlay[k]; !newer {
				j.overlay[k] = v
			}
		}
		j.dirty = true
	}
	j.folding = nil
	j.overlayMu.Unlock()
	if err == nil && j.files[full].Truncate(0) == nil {
		j.sizes[full] = 0 // else replay skips what stays, and appends go after it
	}
}

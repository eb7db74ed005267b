package firestore

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"

	gfs "cloud.google.com/go/firestore"
	"google.golang.org/api/iterator"
)

// The manifest is every employee's content hash, kept in a few documents
// ("manifest/<shards>-<i>") so that a sync that changes something reads
// those instead of every employee document. An entry is a line
// "<phone> <hash>"; a phone goes to shard fnv32a(phone) mod shards.
const (
	manifestCollection = "manifest"
	// shardTarget is the entries a shard is sized for: about 470 KB, under
	// Firestore's 1 MiB per document with room for the spread of hashing.
	shardTarget = 10_000
)

// manifestFields is one manifest document.
type manifestFields struct {
	Entries string `firestore:"entries"`
}

// shardsFor returns how many shards n entries need.
func shardsFor(n int) int { return max(1, (n+shardTarget-1)/shardTarget) }

// keepShards reports whether shards still suits n entries: resharding
// rewrites every shard, so it waits until a shard would be half again too
// full, or a third as full as intended.
func keepShards(shards, n int) bool {
	return shards > 0 && n <= shards*shardTarget*3/2 && (shards == 1 || n >= shards*shardTarget/3)
}

// shardOf returns the shard of phone among shards.
func shardOf(phone string, shards int) int {
	h := fnv.New32a()
	h.Write([]byte(phone))
	return int(h.Sum32() % uint32(shards))
}

func (s *Store) manifestDoc(shards, i int) *gfs.DocumentRef {
	return s.client.Collection(manifestCollection).Doc(fmt.Sprintf("%d-%d", shards, i))
}

// encodeShards returns the manifest documents' contents for hashes.
func encodeShards(hashes map[string]string, shards int) []string {
	parts := make([][]string, shards)
	for _, phone := range slices.Sorted(maps.Keys(hashes)) {
		i := shardOf(phone, shards)
		parts[i] = append(parts[i], phone+" "+hashes[phone]+"\n")
	}
	out := make([]string, shards)
	for i, lines := range parts {
		out[i] = strings.Join(lines, "")
	}
	return out
}

// errNoManifest means the manifest is missing or damaged: the employee
// documents are read instead, and the next Apply writes it again whole.
var errNoManifest = errors.New("no usable manifest")

// readShards reads the manifest's shards documents into hashes, and
// returns each document's entries as read; none before the first Apply.
func (s *Store) readShards(ctx context.Context, shards int) (map[string]string, []string, error) {
	refs := make([]*gfs.DocumentRef, shards)
	for i := range refs {
		refs[i] = s.manifestDoc(shards, i)
	}
	snaps, err := s.client.GetAll(ctx, refs)
	if err != nil {
		return nil, nil, fmt.Errorf("read the manifest: %w", err)
	}
	hashes := map[string]string{}
	raw := make([]string, shards)
	for i, snap := range snaps {
		var f manifestFields
		if !snap.Exists() || snap.DataTo(&f) != nil {
			return nil, nil, errNoManifest
		}
		raw[i] = f.Entries
		for line := range strings.Lines(f.Entries) {
			phone, hash, ok := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
			if !ok || shardOf(phone, shards) != i {
				return nil, nil, errNoManifest
			}
			hashes[phone] = hash
		}
	}
	return hashes, raw, nil
}

// index returns every stored employee's content hash as the employee
// documents hold them, and the manifest's documents as read (nil when the
// manifest must be written again whole). It reads the manifest, then the
// documents of the phones an unfinished Apply left pending (st, as
// readPending filled it in), which the manifest may not agree with
// (replication.Pending.Settle); every employee document instead when the
// manifest cannot be read or the pending phones were too many to list:
// the documents are the truth.
func (s *Store) index(ctx context.Context, st state) (map[string]string, []string, error) {
	hashes, raw, err := map[string]string{}, []string(nil), errNoManifest
	if !st.pending.All {
		hashes, raw, err = s.readShards(ctx, st.Shards)
	}
	if errors.Is(err, errNoManifest) {
		hashes, err := s.storedHashes(ctx, nil)
		return hashes, nil, err
	}
	if err != nil {
		return nil, nil, err
	}
	if st.Pending {
		stored, err := s.storedHashes(ctx, st.pending.Phones)
		if err != nil {
			return nil, nil, err
		}
		hashes = st.pending.Settle(hashes, stored)
	}
	return hashes, raw, nil
}

// storedHashes returns the content hash of the employee documents of
// phones that exist, read in one batch; of every employee document when
// phones is nil.
func (s *Store) storedHashes(ctx context.Context, phones []string) (map[string]string, error) {
	hashes := map[string]string{}
	if phones != nil {
		found, err := s.employeesOf(ctx, phones)
		if err != nil {
			return nil, fmt.Errorf("read the pending employees: %w", err)
		}
		for phone, e := range found {
			hashes[phone] = e.Hash()
		}
		return hashes, nil
	}
	it := s.client.Collection(employeesCollection).Select(employeeReadFields...).Documents(ctx)
	defer it.Stop()
	for {
		snap, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return hashes, nil
		}
		var f employeeFields
		if err == nil {
			err = snap.DataTo(&f)
		}
		if err != nil {
			return nil, fmt.Errorf("read every employee's hash (%d read so far): %w", len(hashes), err)
		}
		hashes[snap.Ref.ID] = employeeOf(snap.Ref.ID, f).Hash()
	}
}

// Hashes returns the content hash of every stored employee, keyed by
// phone, from the manifest: a few document reads however many employees,
// and one per phone an interrupted Apply left pending.
func (s *Store) Hashes(ctx context.Context) (map[string]string, error) {
	st, err := s.readState(ctx)
	if err == nil {
		err = s.readPending(ctx, &st)
	}
	if err != nil {
		return nil, fmt.Errorf("read employee hashes: %w", err)
	}
	hashes, _, err := s.index(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("read employee hashes: %w", err)
	}
	return hashes, nil
}

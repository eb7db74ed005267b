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

	"github.com/rollcall/rollcall/internal/roster"
)

// The manifest is every employee's content hash in a few documents
// ("manifest/<shards>-<i>"), which a sync reads instead of every employee.
// An entry is a line "<phone> <hash>", in shard fnv32a(phone) mod shards.
const (
	manifestCollection = "manifest"
	// shardTarget is the entries a shard is sized for: about 470 KB, under
	// Firestore's 1 MiB per document with room for the spread of hashing.
	shardTarget = 10_000
)

type manifestFields struct {
	Entries string `firestore:"entries"`
}

func shardsFor(n int) int { return max(1, (n+shardTarget-1)/shardTarget) }

// keepShards reports whether shards still suits n entries: resharding
// rewrites every shard, so it waits until a shard would be half again too
// full, or a third as full as intended.
func keepShards(shards, n int) bool {
	return shards > 0 && n <= shards*shardTarget*3/2 && (shards == 1 || n >= shards*shardTarget/3)
}

func shardOf(phone string, shards int) int {
	h := fnv.New32a()
	h.Write([]byte(phone))
	return int(h.Sum32() % uint32(shards))
}

func (s *Store) manifestDoc(shards, i int) *gfs.DocumentRef {
	return s.client.Collection(manifestCollection).Doc(fmt.Sprintf("%d-%d", shards, i))
}

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
// returns each document's entries as read.
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

// index returns meta/directory with meta/pending, every stored employee's
// content hash as the documents hold them, and the manifest's documents as
// read (nil when the manifest must be written again whole). The manifest
// may lag the documents of the phones an unfinished Apply left pending, so
// those are read too (replication.Pending.Settle); every document is,
// instead, when the manifest cannot be read or the pending phones were too
// many to list.
func (s *Store) index(ctx context.Context) (state, map[string]string, []string, error) {
	st, err := s.readState(ctx)
	if err == nil {
		err = s.readPending(ctx, &st)
	}
	if err != nil {
		return state{}, nil, nil, err
	}
	hashes, raw, err := map[string]string{}, []string(nil), errNoManifest
	if !st.pending.All {
		hashes, raw, err = s.readShards(ctx, st.Shards)
	}
	if errors.Is(err, errNoManifest) {
		hashes, err = s.storedHashes(ctx, nil)
		return st, hashes, nil, err
	}
	if err == nil && st.Pending {
		var stored map[string]string
		if stored, err = s.storedHashes(ctx, st.pending.Phones); err == nil {
			hashes = st.pending.Settle(hashes, stored)
		}
	}
	return st, hashes, raw, err
}

// storedHashes returns the content hash of the employee documents of
// phones that exist; of every employee document when phones is nil.
func (s *Store) storedHashes(ctx context.Context, phones []string) (map[string]string, error) {
	hashes := map[string]string{}
	if phones == nil {
		err := s.eachEmployee(ctx, func(e roster.Employee) error {
			hashes[e.Phone] = e.Hash()
			return nil
		})
		if err != nil {
			return nil, err
		}
		return hashes, nil
	}
	found, err := s.employeesOf(ctx, phones)
	if err != nil {
		return nil, fmt.Errorf("read the pending employees: %w", err)
	}
	for phone, e := range found {
		hashes[phone] = e.Hash()
	}
	return hashes, nil
}

// Hashes returns the content hash of every stored employee, by phone, from
// the manifest: a few reads however many employees, and one per phone an
// interrupted Apply left pending.
func (s *Store) Hashes(ctx context.Context) (map[string]string, error) {
	_, hashes, _, err := s.index(ctx)
	if err != nil {
		return nil, fmt.Errorf("read employee hashes: %w", err)
	}
	return hashes, nil
}

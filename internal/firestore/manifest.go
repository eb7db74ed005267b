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

// shardsFor returns how many shards suit n entries: shards while it still
// does, since resharding rewrites every shard, until a shard would be half
// again too full, or a third as full as intended.
func shardsFor(shards, n int) int {
	if shards > 0 && n <= shards*shardTarget*3/2 && (shards == 1 || n >= shards*shardTarget/3) {
		return shards
	}
	return max(1, (n+shardTarget-1)/shardTarget)
}

func shardOf(phone string, shards int) int {
	h := fnv.New32a()
	h.Write([]byte(phone))
	return int(h.Sum32() % uint32(shards))
}

func (s *Store) manifestDoc(shards, i int) *gfs.DocumentRef {
	return s.client.Collection(manifestCollection).Doc(fmt.Sprintf("%d-%d", shards, i))
}

// manifestOps returns the writes that make the manifest hold hashes in
// shards documents: the shards whose entries differ from raw (as read from
// oldShards documents; nil when the manifest is rebuilt), and the deletes
// of the old shards when their number changed.
func (s *Store) manifestOps(hashes map[string]string, shards, oldShards int, raw []string) []op {
	entries := make([]strings.Builder, shards)
	for _, phone := range slices.Sorted(maps.Keys(hashes)) {
		entries[shardOf(phone, shards)].WriteString(phone + " " + hashes[phone] + "\n")
	}
	var ops []op
	for i := range entries {
		if e := entries[i].String(); shards != oldShards || raw == nil || raw[i] != e {
			ops = append(ops, op{doc: s.manifestDoc(shards, i), data: map[string]any{"entries": e}})
		}
	}
	if oldShards != shards {
		for i := range oldShards {
			ops = append(ops, op{doc: s.manifestDoc(oldShards, i)})
		}
	}
	return ops
}

// errNoManifest means the manifest is missing or damaged: the employee
// documents are read instead, and the next Apply writes it again whole.
var errNoManifest = errors.New("no usable manifest")

// readShards returns the manifest's hashes, and each document's entries.
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
		entries, ok := snap.Data()["entries"].(string)
		if !ok {
			return nil, nil, errNoManifest
		}
		raw[i] = entries
		for line := range strings.Lines(entries) {
			phone, hash, ok := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
			if !ok || shardOf(phone, shards) != i {
				return nil, nil, errNoManifest
			}
			hashes[phone] = hash
		}
	}
	return hashes, raw, nil
}

// index returns meta/directory, every employee's content hash as the
// documents hold them, and the manifest's documents as read (nil when it
// must be written again whole): the manifest, settled with the documents of
// the pending phones it may lag, or else every document.
func (s *Store) index(ctx context.Context) (state, map[string]string, []string, error) {
	st, err := s.readState(ctx)
	if err != nil {
		return state{}, nil, nil, err
	}
	if !st.pending.All {
		hashes, raw, err := s.readShards(ctx, st.Shards)
		if err == nil && st.Pending {
			var found map[string]roster.Employee
			if found, err = s.employeesOf(ctx, st.pending.Phones); err == nil {
				st.pending.Settle(hashes, found)
			}
		}
		if !errors.Is(err, errNoManifest) {
			return st, hashes, raw, err
		}
	}
	hashes, err := s.allHashes(ctx)
	return st, hashes, nil, err
}

func (s *Store) allHashes(ctx context.Context) (map[string]string, error) {
	hashes := map[string]string{}
	err := s.eachEmployee(ctx, func(e roster.Employee) { hashes[e.Phone] = e.Hash() })
	return hashes, err
}

// Hashes returns the content hash of every stored employee, by phone, from
// the manifest: a few reads however many employees, and one per phone an
// interrupted Apply left pending.
func (s *Store) Hashes(ctx context.Context) (map[string]string, error) {
	_, hashes, _, err := s.index(ctx)
	return hashes, err
}

// Package replication owns how the directory a sync writes reaches every
// instance, and how it stays right when a sync is cut short: the digest
// that lets an unchanged sync read one value, the change log that carries
// the directory's version and lets an instance read only what changed, and
// the pending record that an Apply of more than one commit leaves until it
// ends, which tells the next sync what to read again. docs/replication.md
// says what a store keeps and why it costs O(changes).
//
// It is pure: the stores (bolt, firestore) keep these values inside their
// own transactions, and the sync (rostersync) and the instances (memdir)
// read them through the stores.
package replication

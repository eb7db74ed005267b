// Package replication owns how the directory a sync writes reaches every
// instance, and stays right when a sync is cut short: the digest (an
// unchanged sync reads one value), the change log (the version, and an
// instance's catch-up by what changed) and the pending record (what the
// next sync reads again after an Apply cut short); docs/replication.md.
//
// It is pure: the stores keep these values inside their own transactions,
// and the sync and the instances read them through the stores.
package replication

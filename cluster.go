package inapp

import (
	"context"
	"time"
)

// Several inappd nodes may share one database (PostgreSQL). Two optional
// store capabilities make that work; a store for a single node (SQLite)
// implements neither, and cmd/inappd then runs as the only node.

// ChangeFeed tells every node sharing the store that the inputs of an
// app's delivery snapshot (its settings, campaigns, segments, or the
// account's templates) changed, so that each node drops its snapshot.
//
// The backend announces every committed write to those inputs itself, in
// the writing transaction, whichever node (or tool) made it: announcing
// from the API after the write instead would leave a window (the node
// dies, or loses the database, between the commit and the announcement)
// in which a committed change reaches no other node.
//
// A backend must deliver every committed change within a second, also
// while notifications are lost: it keeps a record of changes it can check
// without them, and when it cannot check (the database is away) it
// reports "" (every app), so that nothing stale is served once the
// database is back.
type ChangeFeed interface {
	// Changes delivers the IDs of the apps whose inputs changed, "" meaning
	// every app, until ctx ends (the channel is then closed). Changes made
	// through this node are reported too (the node has dropped those
	// snapshots already; dropping one twice costs a rebuild). It may report
	// an app that did not change; it never misses one for longer than a
	// second.
	Changes(ctx context.Context) (<-chan string, error)
}

// LeaseStore hands out leases: named, time-limited claims that let one
// node among many do a piece of background work (an import job) and let
// another take it over when the holder stops renewing (it died, or lost
// the database). Expiry is decided by the database's clock, not the
// nodes', so that clock skew between nodes does not matter.
type LeaseStore interface {
	// AcquireLease takes the lease name for holder for ttl, if nobody holds
	// it, its holder let it expire, or holder already holds it (then it is
	// renewed). It reports whether holder holds it now.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// RenewLease extends holder's lease by ttl from now. It reports false
	// when holder no longer holds it (it expired and another node took it,
	// or it was released).
	RenewLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease gives the lease up, if holder holds it.
	ReleaseLease(ctx context.Context, name, holder string) error
}

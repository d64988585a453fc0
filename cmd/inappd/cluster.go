package main

// Several nodes on one database (PostgreSQL): what a node does so that it
// answers as if it were the only one.
//
//   - Delivery snapshots: every node keeps its own. The store's change
//     feed (inapp.ChangeFeed) reports every change of their inputs, made
//     on any node, and the node drops the snapshots concerned.
//   - Background work (import jobs): a node runs a job only while it holds
//     the job's lease (inapp.LeaseStore), so one node runs it, and another
//     takes it over if that node dies.
//
// A store with neither capability (SQLite) serves one node, and none of
// this runs.

import (
	"context"
	"fmt"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/delivery"
	"github.com/inappd/inappd/lease"
)

// cluster is the node's part in a group of nodes sharing one database.
type cluster struct {
	// holder names this node (this process) in leases.
	holder string
	// stopFeed stops the change feed and waits until it stopped (nil when
	// the store has no feed).
	stopFeed func()

	// Tests shorten these (0: the runner's defaults: a job whose node died
	// is taken over within about 20 s).
	leaseTTL        time.Duration
	rescan          time.Duration
	importPieceSize int
}

// stop stops the change feed, if it runs.
func (c *cluster) stop() {
	if c.stopFeed != nil {
		c.stopFeed()
		c.stopFeed = nil
	}
}

// startFeed applies the store's change feed to the engine, when the store
// has one: every change of a snapshot's inputs, made on any node, drops
// the snapshot here. (This node's own admin writes drop their snapshots at
// once, as on a single node; the feed reports them too, harmlessly.)
func (m *Main) startFeed(ctx context.Context, store inapp.Store, engine *delivery.Engine) error {
	feed, ok := store.(inapp.ChangeFeed)
	if !ok {
		return nil
	}
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	changes, err := feed.Changes(fctx)
	if err != nil {
		cancel()
		return fmt.Errorf("change feed: %w", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for appID := range changes {
			// In the background: the feed goes on with the next change.
			engine.Refresh(appID)
		}
	}()
	m.cluster.stopFeed = func() {
		cancel()
		<-done
	}
	return nil
}

// shareImports makes the import runner one of several nodes when the
// store hands out leases: a job runs on the node that holds its lease and
// moves to another if that node dies.
func (m *Main) shareImports(store inapp.Store) {
	ls, ok := store.(inapp.LeaseStore)
	if !ok {
		return
	}
	if m.cluster.holder == "" {
		m.cluster.holder = lease.Holder()
	}
	r := m.imports
	r.Leases, r.Holder = ls, m.cluster.holder
	r.LeaseTTL, r.Rescan = m.cluster.leaseTTL, m.cluster.rescan
	if m.cluster.importPieceSize > 0 {
		r.PieceSize = m.cluster.importPieceSize
	}
	m.Logger.Info("import jobs: shared with the other nodes of the database", "holder", r.Holder)
}

package inapp

import (
	"context"
	"time"
)

// Retention: what inappd stores for every event grows with traffic
// (events, endpoint activity, daily cap counters, analytics rollups and
// their uniques). A background janitor (package retention) calls Prune
// until nothing old is left, a small batch at a time.
//
// What is never pruned: the all-time ("*") cap counters, which total caps
// depend on, and the lifetime ("*") analytics rows, which
// GetCampaignActivities reads. The stream outbox is not touched either: it
// empties as the stream delivers.
//
// A retried PutEvents of an event already pruned stores it again (the
// event ID's record is gone) and counts it again. That takes a client
// retrying an event for longer than the retention, and is accepted.

// PruneRequest says what to delete. A zero field keeps that kind of row.
type PruneRequest struct {
	// EventsBefore: events whose Time is before it go.
	EventsBefore time.Time
	// ActivityBefore: the endpoint activity row of an endpoint whose events
	// this call deletes goes too, when its time is before ActivityBefore
	// (the row holds the time of the endpoint's latest event, so an
	// endpoint whose every event has gone loses it with the last one). It
	// is not used without EventsBefore, and should not be later than it.
	ActivityBefore time.Time
	// CounterDaysBefore ("2006-01-02"): daily cap counter rows of earlier
	// days go. The "*" (total) rows stay.
	CounterDaysBefore string
	// RollupDaysBefore ("2006-01-02", UTC): analytics rollup and uniques
	// rows of earlier days go. The AllTime rows stay.
	RollupDaysBefore string
	// Limit bounds the rows of events, counters, rollups and uniques that
	// one call deletes, together (DefaultPruneLimit when 0 or less); the
	// activity rows of the endpoints whose events go come on top.
	Limit int
}

// DefaultPruneLimit is PruneRequest.Limit when none is given: small enough
// that a Prune call never holds the event tables for long (SQLite's event
// writer, PostgreSQL's row locks).
const DefaultPruneLimit = 5000

// PruneResult counts the rows one Prune call deleted.
type PruneResult struct {
	Events   int64
	Activity int64
	Counters int64
	Rollups  int64
	Uniques  int64
	// More reports that the call stopped at its limit: there may be more
	// to delete, so call again.
	More bool
}

// Add adds r's counts to p (More is r's).
func (p *PruneResult) Add(r PruneResult) {
	p.Events += r.Events
	p.Activity += r.Activity
	p.Counters += r.Counters
	p.Rollups += r.Rollups
	p.Uniques += r.Uniques
	p.More = r.More
}

// Pruner deletes old rows.
type Pruner interface {
	// Prune deletes at most Limit rows that the request names, in one
	// short transaction, through indexes only (its cost follows the rows
	// it deletes, not the size of the tables), and reports what it
	// deleted. It is safe to run next to every other method, also on
	// several nodes at once (though one is enough).
	Prune(ctx context.Context, req PruneRequest) (PruneResult, error)
}

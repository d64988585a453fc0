// Package retention deletes, in the background, what inappd stores for
// every event once it is older than the operator's retention (--retention):
// events, the endpoint activity that goes with them, analytics rollups and
// their uniques (inapp.Pruner, retention.go in the root package), and the
// day buckets of cap counters, which daily caps need for today only.
//
// A pass runs shortly after start and then every hour. It deletes a small
// batch at a time (one short transaction each) and waits between batches
// as long as the batch took, so that it never takes more than half of the
// database's writer (SQLite has one) from PutEvents. With several nodes on
// one database, a pass runs under a lease: one node prunes at a time.
package retention

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/lease"
)

// Defaults of the Janitor's settings.
const (
	// DefaultRetention is Pinpoint's: its analytics were kept 90 days, and
	// the KPI operations refuse a range that starts earlier.
	DefaultRetention = 90 * 24 * time.Hour
	DefaultInterval  = time.Hour
	DefaultDelay     = time.Minute
	DefaultLeaseTTL  = 15 * time.Second
)

// CounterDays is how many days of cap counter buckets are kept before
// today, whatever the retention: a daily cap reads only the endpoint's
// local today, which is at most one day off UTC's, and the total caps
// read the "*" rows, which are never deleted.
const CounterDays = 2

// ActivityMinRetention is the shortest retention under which endpoint
// activity rows go with their events: Behavior.Recency looks back up to
// 30 days (DAY_30), and an activity row gone reads as "never active".
// With a shorter retention the rows are kept.
const ActivityMinRetention = 31 * 24 * time.Hour

// LeaseName is the lease a node holds while it prunes.
const LeaseName = "retention"

// ErrElsewhere is what Run answers when another node holds the lease: it
// is pruning now.
var ErrElsewhere = errors.New("retention: another node is pruning")

// Request is what a pass deletes at now: events, analytics days and (with
// a retention of at least ActivityMinRetention) endpoint activity older
// than the retention, unless it is 0 (kept forever); cap counter days
// older than CounterDays, always.
func Request(now time.Time, retention time.Duration) inapp.PruneRequest {
	req := inapp.PruneRequest{
		CounterDaysBefore: now.UTC().AddDate(0, 0, -CounterDays).Format(time.DateOnly),
	}
	if retention > 0 {
		cutoff := now.Add(-retention)
		req.EventsBefore = cutoff
		// The cutoff's own day stays: a KPI range may start on it.
		req.RollupDaysBefore = inapp.AnalyticsDay(cutoff)
		if retention >= ActivityMinRetention {
			req.ActivityBefore = cutoff
		}
	}
	return req
}

// Janitor prunes the store in the background (Start, Close), or when
// asked (Run).
type Janitor struct {
	Store inapp.Pruner
	// Retention is how long events and analytics days are kept; 0 keeps
	// them forever.
	Retention time.Duration
	Clock     inapp.Clock  // SystemClock when nil
	Logger    *slog.Logger // slog.Default() when nil

	// Several nodes on one database: with Leases set, a pass runs only
	// under the lease LeaseName, held as Holder.
	Leases   inapp.LeaseStore
	Holder   string
	LeaseTTL time.Duration // DefaultLeaseTTL when 0

	Interval time.Duration // between passes; DefaultInterval when 0
	Delay    time.Duration // before the first pass; DefaultDelay when 0
	Limit    int           // rows per batch; inapp.DefaultPruneLimit when 0

	pass   sync.Mutex // one pass at a time: the background's or Run's
	stop   context.CancelFunc
	done   chan struct{}
	closed sync.Once
}

// Start runs a pass after Delay, then every Interval, until Close.
func (j *Janitor) Start(ctx context.Context) {
	ctx, j.stop = context.WithCancel(context.WithoutCancel(ctx))
	j.done = make(chan struct{})
	go j.loop(ctx)
}

// Close stops the background passes and waits for the one running, which
// stops after its current batch (a batch cut short is rolled back whole).
func (j *Janitor) Close() error {
	j.closed.Do(func() {
		if j.stop != nil {
			j.stop()
			<-j.done
		}
	})
	return nil
}

func (j *Janitor) loop(ctx context.Context) {
	defer close(j.done)
	wait := orDefault(j.Delay, DefaultDelay)
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = orDefault(j.Interval, DefaultInterval)
		// Run logs what happened; a failed pass is tried again at the next.
		j.Run(ctx)
	}
}

// Run runs one pass now: batches until nothing older than the retention
// is left, or ctx ends. It reports what it deleted (also when it failed
// half-way), and logs it.
func (j *Janitor) Run(ctx context.Context) (inapp.PruneResult, error) {
	j.pass.Lock()
	defer j.pass.Unlock()
	if j.Leases != nil {
		l, err := lease.Acquire(ctx, j.Leases, LeaseName, j.Holder, orDefault(j.LeaseTTL, DefaultLeaseTTL))
		if err != nil {
			if ctx.Err() == nil {
				j.logger().Warn("retention: cannot take the lease; the next pass tries again", "error", err)
			}
			return inapp.PruneResult{}, err
		}
		if l == nil {
			j.logger().Debug("retention: another node is pruning; this node skips this pass")
			return inapp.PruneResult{}, ErrElsewhere
		}
		defer l.Release()
		ctx = l.Context()
		defer func() {
			if l.Lost() {
				j.logger().Warn("retention: this node could not renew its lease and stopped pruning; the next pass goes on")
			}
		}()
	}
	start := time.Now()
	req := Request(j.now(), j.Retention)
	req.Limit = j.Limit
	var total inapp.PruneResult
	batches := 0
	var err error
	for {
		began := time.Now()
		var res inapp.PruneResult
		res, err = j.Store.Prune(ctx, req)
		if err != nil {
			break
		}
		batches++
		total.Add(res)
		if !res.More {
			break
		}
		// Leave the writer to the others for as long as the batch held it.
		if err = sleep(ctx, max(time.Since(began), time.Millisecond)); err != nil {
			break
		}
	}
	total.More = err != nil
	attrs := []any{
		"events", total.Events, "endpoint_activity", total.Activity, "cap_counters", total.Counters,
		"analytics_rollups", total.Rollups, "analytics_uniques", total.Uniques,
		"batches", batches, "duration", time.Since(start).Round(time.Millisecond),
		"retention", retentionText(j.Retention),
	}
	switch {
	case err != nil && ctx.Err() != nil:
		// Shutdown (or a lost lease, logged above): the next pass goes on.
		j.logger().Info("retention: pass interrupted", attrs...)
		return total, err
	case err != nil:
		j.logger().Warn("retention: pass failed; the next pass tries again", append(attrs, "error", err)...)
		return total, err
	}
	j.logger().Info("retention: pruned", attrs...)
	return total, nil
}

func (j *Janitor) now() time.Time {
	if j.Clock == nil {
		return time.Now()
	}
	return j.Clock.Now()
}

func (j *Janitor) logger() *slog.Logger {
	if j.Logger == nil {
		return slog.Default()
	}
	return j.Logger
}

func retentionText(d time.Duration) string {
	if d <= 0 {
		return "forever"
	}
	return FormatDuration(d)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

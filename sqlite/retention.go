package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	inapp "github.com/inappd/inappd"
)

// Retention (inapp.Pruner): one Prune call is one write transaction of
// the events file that deletes at most Limit rows, found through indexes
// (migration 0008 and the tables' keys; plan tests in
// retention_test.go), so its writer is never held for long and PutEvents'
// batches get it between calls.

var _ inapp.Pruner = (*DB)(nil)

// The statements of Prune. Deletes pick their rows in a subquery with a
// LIMIT (this SQLite has no DELETE … LIMIT), by rowid or by the full key.
const (
	// Old events, oldest first through events_by_time; the endpoints they
	// belonged to come back for their activity rows.
	pruneEventsSQL = `DELETE FROM events WHERE rowid IN (
		SELECT rowid FROM events WHERE time < ? ORDER BY time LIMIT ?)
		RETURNING app_id, endpoint_id`
	pruneActivitySQL = `DELETE FROM endpoint_activity WHERE app_id = ? AND endpoint_id = ? AND time < ?`
	// Past days of the cap counters, through counters_by_day ('*', the
	// totals, is not in that index and never matches).
	pruneCountersSQL = `DELETE FROM counters WHERE (app_id, endpoint_id, day, campaign_id) IN (
		SELECT app_id, endpoint_id, day, campaign_id FROM counters WHERE day <> '*' AND day < ? ORDER BY day LIMIT ?)`
	// The campaigns that have rollups of days to prune: a range of each
	// app's rollups key (app_id, day). '*' sorts before every date, so
	// day > '*' leaves the lifetime rows out. CROSS JOIN makes SQLite read
	// apps first (it would rather scan the rollups, not knowing their size).
	oldRollupCampaignsSQL = `SELECT DISTINCT r.app_id, r.campaign_id FROM apps a
		CROSS JOIN analytics_rollups r ON r.app_id = a.id AND r.day > '*' AND r.day < ?`
	// A campaign's uniques of those days: a range of the uniques key
	// (app_id, campaign_id, day).
	pruneUniquesSQL = `DELETE FROM analytics_uniques WHERE (app_id, campaign_id, day, event_type, treatment_id, endpoint_id) IN (
		SELECT app_id, campaign_id, day, event_type, treatment_id, endpoint_id FROM analytics_uniques
		WHERE app_id = ? AND campaign_id = ? AND day > '*' AND day < ? LIMIT ?)`
	// …then its rollups of those days.
	pruneRollupsSQL = `DELETE FROM analytics_rollups WHERE (app_id, day, campaign_id, treatment_id, event_type) IN (
		SELECT app_id, day, campaign_id, treatment_id, event_type FROM analytics_rollups
		WHERE app_id = ? AND day > '*' AND day < ? AND campaign_id = ? LIMIT ?)`
)

// Prune deletes, within one budget of Limit rows: past days of the cap
// counters, old analytics days (a campaign's uniques first, its rollups
// once its uniques are gone: the rollups are how the next call finds the
// campaign), then old events and the activity rows that go with them.
func (db *DB) Prune(ctx context.Context, req inapp.PruneRequest) (inapp.PruneResult, error) {
	limit := req.Limit
	if limit <= 0 {
		limit = inapp.DefaultPruneLimit
	}
	// What an app's or a stream's deletion left owed to the events file
	// (cleanup.go), should an error have kept it from finishing then.
	if err := db.finishCleanups(ctx); err != nil {
		return inapp.PruneResult{}, err
	}
	// Found on the read pool, so that the writer is taken only to delete.
	var campaigns []appCampaign
	if req.RollupDaysBefore != "" {
		var err error
		if campaigns, err = db.oldRollupCampaigns(ctx, req.RollupDaysBefore); err != nil {
			return inapp.PruneResult{}, err
		}
	}
	var res inapp.PruneResult
	err := db.updateEvents(ctx, func(tx *sql.Tx) error {
		res = inapp.PruneResult{}
		p := pruneTx{ctx: ctx, tx: tx, budget: limit}
		if req.CounterDaysBefore != "" {
			n, err := p.exec("counters", pruneCountersSQL, req.CounterDaysBefore)
			if err != nil {
				return err
			}
			res.Counters = n
		}
		for _, c := range campaigns {
			if p.budget == 0 {
				break
			}
			n, err := p.exec("analytics uniques", pruneUniquesSQL, c.appID, c.campaignID, req.RollupDaysBefore)
			if err != nil {
				return err
			}
			res.Uniques += n
			if p.budget == 0 {
				break // maybe more uniques: the rollups stay until they are gone
			}
			if n, err = p.exec("analytics rollups", pruneRollupsSQL, c.appID, req.RollupDaysBefore, c.campaignID); err != nil {
				return err
			}
			res.Rollups += n
		}
		if !req.EventsBefore.IsZero() && p.budget > 0 {
			events, activity, err := p.events(req)
			if err != nil {
				return err
			}
			res.Events, res.Activity = events, activity
		}
		res.More = p.budget == 0
		return nil
	})
	if err != nil {
		return inapp.PruneResult{}, err
	}
	return res, nil
}

type appCampaign struct{ appID, campaignID string }

func (db *DB) oldRollupCampaigns(ctx context.Context, before string) ([]appCampaign, error) {
	rows, err := db.read.QueryContext(ctx, oldRollupCampaignsSQL, before)
	if err != nil {
		return nil, fmt.Errorf("sqlite: prune: find old analytics: %w", err)
	}
	defer rows.Close()
	var out []appCampaign
	for rows.Next() {
		var c appCampaign
		if err := rows.Scan(&c.appID, &c.campaignID); err != nil {
			return nil, fmt.Errorf("sqlite: prune: find old analytics: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: prune: find old analytics: %w", err)
	}
	return out, nil
}

// pruneTx runs the deletes of one Prune call and keeps its budget.
type pruneTx struct {
	ctx    context.Context
	tx     *sql.Tx
	budget int
}

// exec runs a delete whose last parameter is its LIMIT, with what is left
// of the budget, and charges the rows it deleted.
func (p *pruneTx) exec(what, query string, args ...any) (int64, error) {
	r, err := p.tx.ExecContext(p.ctx, query, append(args, p.budget)...)
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune %s: %w", what, err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune %s: %w", what, err)
	}
	p.budget -= int(n)
	return n, nil
}

// events deletes old events, then the activity rows of their endpoints
// that are older than req.ActivityBefore.
func (p *pruneTx) events(req inapp.PruneRequest) (events, activity int64, err error) {
	rows, err := p.tx.QueryContext(p.ctx, pruneEventsSQL, req.EventsBefore.UnixNano(), p.budget)
	if err != nil {
		return 0, 0, fmt.Errorf("sqlite: prune events: %w", err)
	}
	endpoints := map[endpointKey]struct{}{}
	for rows.Next() {
		var k endpointKey
		if err := rows.Scan(&k.appID, &k.endpointID); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("sqlite: prune events: %w", err)
		}
		endpoints[k] = struct{}{}
		events++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("sqlite: prune events: %w", err)
	}
	p.budget -= int(events)
	if req.ActivityBefore.IsZero() || len(endpoints) == 0 {
		return events, 0, nil
	}
	stmt, err := p.tx.PrepareContext(p.ctx, pruneActivitySQL)
	if err != nil {
		return 0, 0, fmt.Errorf("sqlite: prune endpoint activity: %w", err)
	}
	defer stmt.Close()
	before := req.ActivityBefore.UnixNano()
	for k := range endpoints {
		r, err := stmt.ExecContext(p.ctx, k.appID, k.endpointID, before)
		if err != nil {
			return 0, 0, fmt.Errorf("sqlite: prune endpoint activity: %w", err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return 0, 0, fmt.Errorf("sqlite: prune endpoint activity: %w", err)
		}
		activity += n
	}
	return events, activity, nil
}

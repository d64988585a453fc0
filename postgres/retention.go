package postgres

import (
	"context"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
)

// Retention (inapp.Pruner): one Prune call is one short transaction that
// deletes at most Limit rows, found through indexes (migration 0008 and
// the tables' keys; plan test in retention_test.go). Rows are picked by
// ctid in a subquery with a LIMIT (PostgreSQL has no DELETE … LIMIT); a
// row that a concurrent batch updated meanwhile has moved and is simply
// left for the next call.

var _ inapp.Pruner = (*DB)(nil)

const (
	// Old events, oldest first through events_by_time, and the activity
	// rows of their endpoints that are older than $3 (the row holds the
	// endpoint's latest event time: a batch that moves it meanwhile makes
	// the recheck of a.time < $3 fail, and the row stays).
	pruneEventsSQL = `WITH gone AS (
			DELETE FROM events WHERE ctid = ANY (ARRAY(
				SELECT ctid FROM events WHERE time < $1 ORDER BY time LIMIT $2))
			RETURNING app_id, endpoint_id),
		act AS (
			DELETE FROM endpoint_activity a USING (SELECT DISTINCT app_id, endpoint_id FROM gone) g
			WHERE a.app_id = g.app_id AND a.endpoint_id = g.endpoint_id AND a.time < $3
			RETURNING 1)
		SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM act)`
	// Past days of the cap counters, through counters_by_day (the "*"
	// totals are not in that partial index and never match).
	pruneCountersSQL = `DELETE FROM counters WHERE ctid = ANY (ARRAY(
		SELECT ctid FROM counters WHERE day <> '*' AND day < $1 ORDER BY day LIMIT $2))`
	// The campaigns that have rollups of days to prune: a range of each
	// app's rollups key (app_id, day); '*' sorts before every date in the
	// "C" collation, so day > '*' leaves the lifetime rows out. LATERAL
	// keeps the planner from reading the rollups' whole key for the days
	// without an app.
	oldRollupCampaignsSQL = `SELECT a.id, c.campaign_id FROM apps a CROSS JOIN LATERAL (
		SELECT DISTINCT r.campaign_id FROM analytics_rollups r
		WHERE r.app_id = a.id AND r.day > '*' AND r.day < $1) c`
	// A campaign's uniques of those days: a range of the uniques key.
	pruneUniquesSQL = `DELETE FROM analytics_uniques WHERE ctid = ANY (ARRAY(
		SELECT ctid FROM analytics_uniques
		WHERE app_id = $1 AND campaign_id = $2 AND day > '*' AND day < $3 LIMIT $4))`
	// …then its rollups of those days (every shard), but not one that
	// still has uniques: an event of such an old day that a batch stored
	// meanwhile keeps its rollup row, through which the next call finds
	// its uniques.
	pruneRollupsSQL = `DELETE FROM analytics_rollups r WHERE ctid = ANY (ARRAY(
		SELECT ctid FROM analytics_rollups
		WHERE app_id = $1 AND day > '*' AND day < $2 AND campaign_id = $3 LIMIT $4))
		AND NOT EXISTS (SELECT 1 FROM analytics_uniques u WHERE u.app_id = r.app_id
			AND u.campaign_id = r.campaign_id AND u.day = r.day AND u.event_type = r.event_type
			AND u.treatment_id = r.treatment_id)`
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
	// Found before the transaction, which then only deletes.
	var campaigns []appCampaign
	if req.RollupDaysBefore != "" {
		var err error
		if campaigns, err = db.oldRollupCampaigns(ctx, req.RollupDaysBefore); err != nil {
			return inapp.PruneResult{}, err
		}
	}
	var res inapp.PruneResult
	err := db.update(ctx, "prune", func(tx pgx.Tx) error {
		res = inapp.PruneResult{} // update may run fn again
		budget := int64(limit)
		exec := func(what, query string, args ...any) (int64, error) {
			tag, err := tx.Exec(ctx, query, append(args, budget)...)
			if err != nil {
				return 0, fmt.Errorf("%s: %w", what, err)
			}
			budget -= tag.RowsAffected()
			return tag.RowsAffected(), nil
		}
		if req.CounterDaysBefore != "" {
			n, err := exec("counters", pruneCountersSQL, req.CounterDaysBefore)
			if err != nil {
				return err
			}
			res.Counters = n
		}
		for _, c := range campaigns {
			if budget <= 0 {
				break
			}
			n, err := exec("analytics uniques", pruneUniquesSQL, c.appID, c.campaignID, req.RollupDaysBefore)
			if err != nil {
				return err
			}
			res.Uniques += n
			if budget <= 0 {
				break // maybe more uniques: the rollups stay until they are gone
			}
			if n, err = exec("analytics rollups", pruneRollupsSQL, c.appID, req.RollupDaysBefore, c.campaignID); err != nil {
				return err
			}
			res.Rollups += n
		}
		if !req.EventsBefore.IsZero() && budget > 0 {
			activityBefore := int64(math.MinInt64) // matches no row
			if !req.ActivityBefore.IsZero() {
				activityBefore = req.ActivityBefore.UnixNano()
			}
			err := tx.QueryRow(ctx, pruneEventsSQL, req.EventsBefore.UnixNano(), budget, activityBefore).Scan(&res.Events, &res.Activity)
			if err != nil {
				return fmt.Errorf("events: %w", err)
			}
			budget -= res.Events
		}
		res.More = budget <= 0
		return nil
	})
	if err != nil {
		return inapp.PruneResult{}, err
	}
	return res, nil
}

type appCampaign struct{ appID, campaignID string }

func (db *DB) oldRollupCampaigns(ctx context.Context, before string) ([]appCampaign, error) {
	rows, err := db.pool.Query(ctx, oldRollupCampaignsSQL, before)
	if err != nil {
		return nil, wrapErr("prune: find old analytics", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (appCampaign, error) {
		var c appCampaign
		err := r.Scan(&c.appID, &c.campaignID)
		return c, err
	})
	if err != nil {
		return nil, wrapErr("prune: find old analytics", err)
	}
	return out, nil
}

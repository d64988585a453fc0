package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"

	inapp "github.com/inappd/inappd"
)

// rollupKey is one row of analytics_rollups.
type rollupKey struct {
	appID, day, campaignID, treatmentID, eventType string
}

// uniqueKey is one row of analytics_uniques.
type uniqueKey struct {
	rollupKey
	endpointID string
}

// rollupBatch sums a RecordEvents transaction's rollups in memory, the
// way the cap counters are summed: each rollup row is then written once
// per transaction, and each (rollup, endpoint) pair is tried once.
//
// RecordEvents inserts the batch's pairs after its events (writePairs),
// and writes the rollup rows once at the end of the transaction
// (writeCounts), with the pairs that were new.
type rollupBatch struct {
	counts map[rollupKey]int64    // events, per day and lifetime rollup
	seen   map[uniqueKey]struct{} // (day rollup, endpoint) pairs of the batch, of the types whose uniques are kept
	added  map[rollupKey]int64    // pairs that were new, per rollup
}

// add counts a freshly stored event, on its day and in the lifetime row.
// Only the day's (rollup, endpoint) pair is remembered, and only for the
// event types whose uniques are kept (inapp.UniquesKept): writePairs tries
// the lifetime pair only when the day's was new.
func (b *rollupBatch) add(r *inapp.EventRecord) {
	campaign, treatment := inapp.RollupTarget(r.Event)
	if campaign == "" {
		return
	}
	if b.counts == nil {
		b.counts = map[rollupKey]int64{}
		b.seen = map[uniqueKey]struct{}{}
		b.added = map[rollupKey]int64{}
	}
	k := rollupKey{r.AppID, inapp.AnalyticsDay(r.Time), campaign, treatment, r.Event.EventType}
	b.counts[k]++
	if inapp.UniquesKept(k.eventType) {
		b.seen[uniqueKey{k, r.EndpointID}] = struct{}{}
	}
	k.day = inapp.AllTime
	b.counts[k]++
}

// writeCounts adds to each rollup its events and the pairs that were new:
// an endpoint already seen that day (or ever, for the lifetime row) does
// not move uniques, and a rollup of an event type without pairs keeps
// uniques at 0. It runs after the last writePairs of the transaction.
func (b *rollupBatch) writeCounts(ctx context.Context, tx *sql.Tx) error {
	if len(b.counts) == 0 {
		return nil
	}
	upsert, err := tx.PrepareContext(ctx, `INSERT INTO analytics_rollups
		(app_id, day, campaign_id, treatment_id, event_type, count, uniques) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (app_id, day, campaign_id, treatment_id, event_type)
		DO UPDATE SET count = count + excluded.count, uniques = uniques + excluded.uniques`)
	if err != nil {
		return fmt.Errorf("sqlite: analytics rollups: %w", err)
	}
	defer upsert.Close()
	for k, n := range b.counts {
		if _, err := upsert.ExecContext(ctx, k.appID, k.day, k.campaignID, k.treatmentID, k.eventType, n, b.added[k]); err != nil {
			return fmt.Errorf("sqlite: analytics rollups: %w", err)
		}
	}
	return nil
}

// writePairs inserts the day pairs added since the last call, and the
// lifetime pairs of those that were new, and counts the new pairs per
// rollup. Both pairs are always written together, so an endpoint already
// seen that day has its lifetime pair too: that insert is skipped, which
// in steady state (endpoints that come back the same day) halves the
// inserts.
func (b *rollupBatch) writePairs(ctx context.Context, tx *sql.Tx) error {
	if len(b.seen) == 0 {
		return nil
	}
	insert, err := tx.PrepareContext(ctx, `INSERT INTO analytics_uniques
		(app_id, campaign_id, day, event_type, treatment_id, endpoint_id) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`)
	if err != nil {
		return fmt.Errorf("sqlite: analytics uniques: %w", err)
	}
	defer insert.Close()
	// In key order: each index page is visited once, not at random.
	pairs := make([]uniqueKey, 0, len(b.seen))
	for k := range b.seen {
		pairs = append(pairs, k)
	}
	clear(b.seen)
	slices.SortFunc(pairs, func(x, y uniqueKey) int {
		return cmp.Or(cmp.Compare(x.appID, y.appID), cmp.Compare(x.campaignID, y.campaignID), cmp.Compare(x.day, y.day),
			cmp.Compare(x.eventType, y.eventType), cmp.Compare(x.treatmentID, y.treatmentID), cmp.Compare(x.endpointID, y.endpointID))
	})
	try := func(k uniqueKey) (bool, error) {
		res, err := insert.ExecContext(ctx, k.appID, k.campaignID, k.day, k.eventType, k.treatmentID, k.endpointID)
		if err != nil {
			return false, fmt.Errorf("sqlite: analytics uniques: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, fmt.Errorf("sqlite: analytics uniques: %w", err)
		}
		b.added[k.rollupKey] += n
		return n == 1, nil
	}
	for _, k := range pairs {
		isNew, err := try(k)
		if err != nil {
			return err
		}
		if isNew {
			k.day = inapp.AllTime
			if _, err := try(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// Rollups reads the primary key's range (app, days), keeping one
// campaign's rows when asked.
func (db *DB) Rollups(ctx context.Context, appID, campaignID, from, to string) ([]*inapp.Rollup, error) {
	if err := appExists(ctx, db.read, appID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, rollupsQuery, appID, from, to, campaignID, campaignID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: rollups: %w", err)
	}
	defer rows.Close()
	out := []*inapp.Rollup{}
	for rows.Next() {
		r := &inapp.Rollup{}
		if err := rows.Scan(&r.Day, &r.CampaignID, &r.TreatmentID, &r.EventType, &r.Count, &r.Uniques); err != nil {
			return nil, fmt.Errorf("sqlite: rollups: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: rollups: %w", err)
	}
	return out, nil
}

// UniqueEndpoints counts distinct endpoints in analytics_uniques. For one
// campaign it reads the key range (app, campaign, days); for the whole app
// it seeks that range for each campaign that has rollups in the days
// asked (a small read of analytics_rollups), rather than reading every
// day the app ever had.
func (db *DB) UniqueEndpoints(ctx context.Context, q inapp.UniqueQuery) (map[string]int64, error) {
	if err := inapp.CheckUniquesKept(q.EventType); err != nil {
		return nil, err
	}
	group, err := uniqueGroup(q)
	if err != nil {
		return nil, err
	}
	if err := appExists(ctx, db.read, q.AppID); err != nil {
		return nil, err
	}
	var rows *sql.Rows
	if q.CampaignID != "" {
		rows, err = db.read.QueryContext(ctx, campaignUniquesQuery(group), q.AppID, q.CampaignID, q.From, q.To, q.EventType)
	} else {
		rows, err = db.read.QueryContext(ctx, appUniquesQuery(group), q.AppID, q.AppID, q.From, q.To, q.EventType, q.From, q.To, q.EventType)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: unique endpoints: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("sqlite: unique endpoints: %w", err)
		}
		if n > 0 {
			out[k] = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: unique endpoints: %w", err)
	}
	return out, nil
}

// rollupsQuery takes app, from, to, campaign (or ""), campaign.
const rollupsQuery = `SELECT day, campaign_id, treatment_id, event_type, count, uniques
	FROM analytics_rollups WHERE app_id = ? AND day >= ? AND day <= ? AND (? = '' OR campaign_id = ?)
	ORDER BY day, campaign_id, treatment_id, event_type`

// campaignUniquesQuery takes app, campaign, from, to, event type.
func campaignUniquesQuery(group string) string {
	return `SELECT ` + group + `, count(DISTINCT endpoint_id) FROM analytics_uniques
		WHERE app_id = ? AND campaign_id = ? AND day >= ? AND day <= ? AND event_type = ?
		GROUP BY 1`
}

// appUniquesQuery takes app, then app, from, to, event type twice: the
// campaigns with rollups in the range, then each one's key range.
func appUniquesQuery(group string) string {
	return `SELECT ` + group + `, count(DISTINCT endpoint_id) FROM analytics_uniques
		WHERE app_id = ? AND campaign_id IN (SELECT DISTINCT campaign_id FROM analytics_rollups
			WHERE app_id = ? AND day >= ? AND day <= ? AND event_type = ?)
		AND day >= ? AND day <= ? AND event_type = ?
		GROUP BY 1`
}

// uniqueGroup is the column UniqueEndpoints groups by (a constant for
// the total).
func uniqueGroup(q inapp.UniqueQuery) (string, error) {
	switch q.By {
	case inapp.UniqueTotal:
		return "''", nil
	case inapp.UniqueByCampaign:
		return "campaign_id", nil
	case inapp.UniqueByTreatment:
		if q.CampaignID == "" {
			return "", inapp.Errorf(inapp.EINVALID, "Unique endpoints by treatment need a campaign: treatment IDs are per campaign.")
		}
		return "treatment_id", nil
	case inapp.UniqueByDay:
		return "day", nil
	}
	return "", inapp.Errorf(inapp.EINVALID, "Unknown unique endpoint grouping %d.", q.By)
}

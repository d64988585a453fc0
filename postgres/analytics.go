package postgres

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
)

// rollupShards is how many rows share one rollup key (see the migration):
// concurrent batches from several nodes rarely wait for each other's
// commits on a hot campaign's row of the day.
const rollupShards = 8

// rollupKey is one rollup (summed over its shards).
type rollupKey struct {
	appID, day, campaignID, treatmentID, eventType string
}

// uniqueKey is one row of analytics_uniques.
type uniqueKey struct {
	rollupKey
	endpointID string
}

// rollupBatch sums a RecordEvents batch's rollups in memory, the way the
// cap counters are summed, and writes them in two steps:
//
//  1. insertDays inserts the batch's (day rollup, endpoint) pairs, of the
//     event types whose uniques are kept (inapp.UniquesKept), with ON
//     CONFLICT DO NOTHING, RETURNING the new ones;
//  2. queue adds, to the round trip of the cap counters, one statement
//     that inserts the lifetime pairs of only those endpoints (an
//     endpoint already seen that day was seen ever: the two pairs are
//     always written together) and upserts every rollup with its events
//     and its new pairs (none for the other event types: uniques stays 0).
//
// Skipping the lifetime pairs of returning endpoints halves the inserts
// in steady state. Each step writes in key order, and the steps in a fixed
// order (day pairs, counters, activity, lifetime pairs, rollups), so that
// concurrent batches take shared locks in one order and cannot deadlock.
type rollupBatch struct {
	counts   map[rollupKey]int64    // events, per day and lifetime rollup
	days     map[uniqueKey]struct{} // (day rollup, endpoint) pairs
	added    map[rollupKey]int64    // new day pairs per day rollup (insertDays)
	lifetime map[uniqueKey]struct{} // lifetime pairs to try (insertDays)
}

// add counts a freshly stored event (its key columns already as stored),
// on its day and in the lifetime row.
func (b *rollupBatch) add(appID, endpointID string, r *inapp.EventRecord) {
	campaign, treatment := inapp.RollupTarget(r.Event)
	if campaign == "" {
		return
	}
	if b.counts == nil {
		b.counts = map[rollupKey]int64{}
		b.days = map[uniqueKey]struct{}{}
	}
	k := rollupKey{appID, inapp.AnalyticsDay(r.Time), keyText(campaign), keyText(treatment), keyText(r.Event.EventType)}
	b.counts[k]++
	if inapp.UniquesKept(r.Event.EventType) {
		b.days[uniqueKey{k, endpointID}] = struct{}{}
	}
	k.day = inapp.AllTime
	b.counts[k]++
}

// uniqueColumns splits pairs, sorted in the primary key's order, into
// column arrays for unnest.
func uniqueColumns(set map[uniqueKey]struct{}) (apps, campaigns, days, types, treatments, endpoints []string) {
	pairs := make([]uniqueKey, 0, len(set))
	for k := range set {
		pairs = append(pairs, k)
	}
	slices.SortFunc(pairs, func(x, y uniqueKey) int {
		return cmp.Or(cmp.Compare(x.appID, y.appID), cmp.Compare(x.campaignID, y.campaignID), cmp.Compare(x.day, y.day),
			cmp.Compare(x.eventType, y.eventType), cmp.Compare(x.treatmentID, y.treatmentID), cmp.Compare(x.endpointID, y.endpointID))
	})
	n := len(pairs)
	apps, campaigns, days, types, treatments, endpoints = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, k := range pairs {
		apps[i], campaigns[i], days[i], types[i], treatments[i], endpoints[i] = k.appID, k.campaignID, k.day, k.eventType, k.treatmentID, k.endpointID
	}
	return
}

// insertDays is step 1: one round trip, when the batch has events to count.
func (b *rollupBatch) insertDays(ctx context.Context, tx pgx.Tx) error {
	if len(b.days) == 0 {
		return nil
	}
	apps, campaigns, days, types, treatments, endpoints := uniqueColumns(b.days)
	rows, err := tx.Query(ctx, `INSERT INTO analytics_uniques (app_id, campaign_id, day, event_type, treatment_id, endpoint_id)
		SELECT u.app_id, u.campaign_id, u.day, u.event_type, u.treatment_id, u.endpoint_id
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
			WITH ORDINALITY AS u(app_id, campaign_id, day, event_type, treatment_id, endpoint_id, ord)
		ORDER BY u.ord
		ON CONFLICT DO NOTHING
		RETURNING app_id, campaign_id, day, event_type, treatment_id, endpoint_id`,
		apps, campaigns, days, types, treatments, endpoints)
	if err != nil {
		return err
	}
	b.added = map[rollupKey]int64{}
	b.lifetime = map[uniqueKey]struct{}{}
	var k uniqueKey
	_, err = pgx.ForEachRow(rows, []any{&k.appID, &k.campaignID, &k.day, &k.eventType, &k.treatmentID, &k.endpointID}, func() error {
		b.added[k.rollupKey]++
		life := k
		life.day = inapp.AllTime
		b.lifetime[life] = struct{}{}
		return nil
	})
	return err
}

// queue adds step 2 to a pgx batch.
func (b *rollupBatch) queue(batch *pgx.Batch) {
	if len(b.counts) == 0 {
		return
	}
	uApps, uCampaigns, uDays, uTypes, uTreatments, uEndpoints := uniqueColumns(b.lifetime)
	keys := make([]rollupKey, 0, len(b.counts))
	for k := range b.counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y rollupKey) int {
		return cmp.Or(cmp.Compare(x.appID, y.appID), cmp.Compare(x.day, y.day), cmp.Compare(x.campaignID, y.campaignID),
			cmp.Compare(x.treatmentID, y.treatmentID), cmp.Compare(x.eventType, y.eventType))
	})
	m := len(keys)
	rApps, rDays, rCampaigns, rTreatments, rTypes := make([]string, m), make([]string, m), make([]string, m), make([]string, m), make([]string, m)
	rCounts, rAdded := make([]int64, m), make([]int64, m)
	for i, k := range keys {
		rApps[i], rDays[i], rCampaigns[i], rTreatments[i], rTypes[i] = k.appID, k.day, k.campaignID, k.treatmentID, k.eventType
		rCounts[i], rAdded[i] = b.counts[k], b.added[k]
	}
	batch.Queue(`WITH added AS (
			INSERT INTO analytics_uniques (app_id, campaign_id, day, event_type, treatment_id, endpoint_id)
			SELECT u.app_id, u.campaign_id, u.day, u.event_type, u.treatment_id, u.endpoint_id
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
				WITH ORDINALITY AS u(app_id, campaign_id, day, event_type, treatment_id, endpoint_id, ord)
			ORDER BY u.ord
			ON CONFLICT DO NOTHING
			RETURNING app_id, day, campaign_id, treatment_id, event_type
		), fresh AS (
			SELECT app_id, day, campaign_id, treatment_id, event_type, count(*) AS n
			FROM added GROUP BY app_id, day, campaign_id, treatment_id, event_type
		)
		INSERT INTO analytics_rollups AS r (app_id, day, campaign_id, treatment_id, event_type, shard, count, uniques)
		SELECT c.app_id, c.day, c.campaign_id, c.treatment_id, c.event_type, $14, c.n, c.added + coalesce(f.n, 0)
		FROM unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[])
			WITH ORDINALITY AS c(app_id, day, campaign_id, treatment_id, event_type, n, added, ord)
		LEFT JOIN fresh f USING (app_id, day, campaign_id, treatment_id, event_type)
		ORDER BY c.ord
		ON CONFLICT (app_id, day, campaign_id, treatment_id, event_type, shard)
		DO UPDATE SET count = r.count + EXCLUDED.count, uniques = r.uniques + EXCLUDED.uniques`,
		uApps, uCampaigns, uDays, uTypes, uTreatments, uEndpoints,
		rApps, rDays, rCampaigns, rTreatments, rTypes, rCounts, rAdded, int16(rand.IntN(rollupShards)))
}

// Rollups reads the primary key's range (app, days), adding up shards,
// keeping one campaign's rows when asked.
func (db *DB) Rollups(ctx context.Context, appID, campaignID, from, to string) ([]*inapp.Rollup, error) {
	if err := appExists(ctx, db.pool, appID); err != nil {
		return nil, wrapErr("rollups", err)
	}
	rows, err := db.pool.Query(ctx, `SELECT day, campaign_id, treatment_id, event_type, sum(count)::bigint, sum(uniques)::bigint
		FROM analytics_rollups WHERE app_id = $1 AND day >= $2 AND day <= $3 AND ($4 = '' OR campaign_id = $4)
		GROUP BY day, campaign_id, treatment_id, event_type
		ORDER BY day, campaign_id, treatment_id, event_type`, appID, keyText(from), keyText(to), keyText(campaignID))
	if err != nil {
		return nil, wrapErr("rollups", err)
	}
	out := []*inapp.Rollup{}
	var r inapp.Rollup
	_, err = pgx.ForEachRow(rows, []any{&r.Day, &r.CampaignID, &r.TreatmentID, &r.EventType, &r.Count, &r.Uniques}, func() error {
		row := r
		out = append(out, &row)
		return nil
	})
	if err != nil {
		return nil, wrapErr("rollups", err)
	}
	return out, nil
}

// UniqueEndpoints counts distinct endpoints in analytics_uniques. For one
// campaign it reads the key range (app, campaign, days); for the whole app
// it seeks that range for each campaign that has rollups in the days
// asked, rather than reading every day the app ever had.
func (db *DB) UniqueEndpoints(ctx context.Context, q inapp.UniqueQuery) (map[string]int64, error) {
	if err := inapp.CheckUniquesKept(q.EventType); err != nil {
		return nil, err
	}
	var group string
	switch q.By {
	case inapp.UniqueTotal:
		group = "''"
	case inapp.UniqueByCampaign:
		group = "campaign_id"
	case inapp.UniqueByTreatment:
		if q.CampaignID == "" {
			return nil, inapp.Errorf(inapp.EINVALID, "Unique endpoints by treatment need a campaign: treatment IDs are per campaign.")
		}
		group = "treatment_id"
	case inapp.UniqueByDay:
		group = "day"
	default:
		return nil, inapp.Errorf(inapp.EINVALID, "Unknown unique endpoint grouping %d.", q.By)
	}
	if err := appExists(ctx, db.pool, q.AppID); err != nil {
		return nil, wrapErr("unique endpoints", err)
	}
	from, to, eventType := keyText(q.From), keyText(q.To), keyText(q.EventType)
	var rows pgx.Rows
	var err error
	if q.CampaignID != "" {
		rows, err = db.pool.Query(ctx, `SELECT `+group+`::text, count(DISTINCT endpoint_id) FROM analytics_uniques
			WHERE app_id = $1 AND campaign_id = $2 AND day >= $3 AND day <= $4 AND event_type = $5
			GROUP BY 1`, q.AppID, keyText(q.CampaignID), from, to, eventType)
	} else {
		rows, err = db.pool.Query(ctx, `SELECT `+group+`::text, count(DISTINCT endpoint_id) FROM analytics_uniques
			WHERE app_id = $1 AND campaign_id = ANY (ARRAY(SELECT DISTINCT campaign_id FROM analytics_rollups
				WHERE app_id = $1 AND day >= $2 AND day <= $3 AND event_type = $4))
			AND day >= $2 AND day <= $3 AND event_type = $4
			GROUP BY 1`, q.AppID, from, to, eventType)
	}
	if err != nil {
		return nil, wrapErr("unique endpoints", err)
	}
	out := map[string]int64{}
	var k string
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&k, &n}, func() error {
		if n > 0 {
			out[k] = n
		}
		return nil
	})
	if err != nil {
		return nil, wrapErr("unique endpoints", err)
	}
	return out, nil
}

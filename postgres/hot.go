package postgres

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
)

// endpointCapsSQL reads an endpoint and its counters in one statement,
// one round trip instead of two. The endpoint's row comes with an empty day
// (no counter has that day) and its document in the second column; the
// counters follow, for the total ("*") and the candidate days.
const endpointCapsSQL = `SELECT ''::text COLLATE "C", doc, 0::bigint FROM endpoints WHERE app_id = $1 AND id = $2
	UNION ALL
	SELECT day, campaign_id, n FROM counters WHERE app_id = $1 AND endpoint_id = $2 AND day = ANY ($3)`

// GetEndpointCaps reads an endpoint and its cap counts in one statement
// (delivery.EndpointCaps): the totals, and the counts of the day that
// day(endpoint) names, which should be one of days (the endpoint's time
// zone, hence its day, is known only once it is read). A day outside days
// costs a second query.
func (db *DB) GetEndpointCaps(ctx context.Context, appID, id string, days []string, day func(*inapp.Endpoint) string, decode func(string) (*inapp.Endpoint, error)) (*inapp.Endpoint, map[string]inapp.CapCount, error) {
	asked := make([]string, 0, len(days)+1)
	asked = append(asked, totalDay)
	for _, d := range days {
		asked = append(asked, keyText(d))
	}
	rows, err := db.pool.Query(ctx, endpointCapsSQL, keyText(appID), keyText(id), asked)
	if err != nil {
		return nil, nil, wrapErr("get endpoint", err)
	}
	type row struct {
		day, campaign string
		n             int64
	}
	var doc string
	var counters []row
	var r row
	_, err = pgx.ForEachRow(rows, []any{&r.day, &r.campaign, &r.n}, func() error {
		if r.day == "" {
			doc = r.campaign
		} else {
			counters = append(counters, r)
		}
		return nil
	})
	if err != nil {
		return nil, nil, wrapErr("get endpoint", err)
	}
	if doc == "" {
		return nil, nil, errNoEndpoint(appID, id)
	}
	if decode == nil {
		decode = inapp.DecodeEndpoint
	}
	ep, err := decode(doc)
	if err != nil {
		return nil, nil, wrapErr("get endpoint", err)
	}
	local := day(ep)
	if !slices.Contains(days, local) {
		counts, err := db.CapCounts(ctx, appID, id, local)
		return ep, counts, err
	}
	local = keyText(local)
	counts := make(map[string]inapp.CapCount, len(counters))
	for _, r := range counters {
		inapp.AddCapCount(counts, r.day, r.campaign, r.n, local)
	}
	return ep, counts, nil
}

// ChangeVersion is the change version of what appID's delivery snapshot is
// built from (delivery.ChangeVersions): the app's app_changes version plus
// the account's (templates). Both only grow, so the sum moves with every
// change of either. A node reads it before building a snapshot, and skips
// a rebuild when it has not moved since (the change feed reports this
// node's own writes too).
func (db *DB) ChangeVersion(ctx context.Context, appID string) (int64, error) {
	var v int64
	err := db.pool.QueryRow(ctx, `SELECT coalesce((SELECT version FROM app_changes WHERE app_id = $1), 0)
		+ coalesce((SELECT version FROM app_changes WHERE app_id = ''), 0)`, keyText(appID)).Scan(&v)
	return v, wrapErr("change version", err)
}

// LatestVersions lists the latest version of each of an app's campaigns
// and segments, from their head rows, without reading a document
// (delivery.Versions): a snapshot rebuild after an admin write then reads
// and decodes only the documents that changed instead of all of them.
func (db *DB) LatestVersions(ctx context.Context, appID string) (campaigns, segments map[string]int, err error) {
	if err := appExists(ctx, db.pool, appID); err != nil {
		return nil, nil, wrapErr("latest versions", err)
	}
	rows, err := db.pool.Query(ctx, `SELECT true, id, latest FROM campaigns WHERE app_id = $1
		UNION ALL SELECT false, id, latest FROM segments WHERE app_id = $1`, keyText(appID))
	if err != nil {
		return nil, nil, wrapErr("latest versions", err)
	}
	campaigns, segments = map[string]int{}, map[string]int{}
	var isCampaign bool
	var id string
	var version int32
	_, err = pgx.ForEachRow(rows, []any{&isCampaign, &id, &version}, func() error {
		if isCampaign {
			campaigns[id] = int(version)
		} else {
			segments[id] = int(version)
		}
		return nil
	})
	if err != nil {
		return nil, nil, wrapErr("latest versions", err)
	}
	return campaigns, segments, nil
}

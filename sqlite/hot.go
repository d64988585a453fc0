package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	inapp "github.com/inappd/inappd"
)

// The statements GetInAppMessages runs on every request, prepared once:
// parsing the SQL again on each request showed up in profiles.
const (
	getEndpointSQL = `SELECT doc FROM endpoints WHERE app_id = ? AND id = ?`
	capCountsSQL   = `SELECT day, campaign_id, count FROM counters
		WHERE app_id = ? AND endpoint_id = ? AND day IN (?, ?)`
	// endpointCapsSQL reads an endpoint and its counters in one
	// statement: one read transaction, one trip through database/sql and
	// the driver instead of two. The endpoint's row comes with an empty day
	// (no counter has that day) and its document in the second column;
	// the counters follow: the total ("*"), then the candidate days, as
	// the range from the first to the last (they are consecutive, so the
	// range holds no other day; one would only be dropped). An IN list of
	// them made SQLite build a temporary index of its values on every
	// execution: the range reads 8–17 % faster (BenchmarkHotReads).
	endpointCapsSQL = `SELECT '', doc, 0 FROM endpoints WHERE app_id = ?1 AND id = ?2
		UNION ALL
		SELECT day, campaign_id, count FROM counters
		WHERE app_id = ?1 AND endpoint_id = ?2 AND day = ?3
		UNION ALL
		SELECT day, campaign_id, count FROM counters
		WHERE app_id = ?1 AND endpoint_id = ?2 AND day BETWEEN ?4 AND ?5`
)

func (db *DB) prepareHotReads(ctx context.Context) error {
	for _, s := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&db.getEndpointStmt, getEndpointSQL},
		{&db.capCountsStmt, capCountsSQL},
		{&db.endpointCapsStmt, endpointCapsSQL},
	} {
		var err error
		if *s.stmt, err = db.read.PrepareContext(ctx, s.sql); err != nil {
			return fmt.Errorf("sqlite: prepare: %w", err)
		}
	}
	return nil
}

// hotContext is the context of the hot reads: ctx without its
// cancellation. With a context that can end, database/sql and the driver
// each start a goroutine per query to watch it (two per statement, which
// showed in profiles); these reads take microseconds and never wait for a
// lock (WAL readers), so there is nothing to cancel.
func hotContext(ctx context.Context) context.Context {
	if ctx.Done() == nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// GetEndpointCaps reads an endpoint and its cap counts in one statement
// (delivery.EndpointCaps): the totals, and the counts of the day that
// day(endpoint) names, which should be one of days (at most three: the
// endpoint's time zone, hence its day, is known only once it is read). A
// day outside days costs a second read.
func (db *DB) GetEndpointCaps(ctx context.Context, appID, id string, days []string, day func(*inapp.Endpoint) string, decode func(string) (*inapp.Endpoint, error)) (*inapp.Endpoint, map[string]inapp.CapCount, error) {
	// Without candidate days the range is the total again, and the day's
	// counts are read below once the endpoint's day is known.
	first, last := totalDay, totalDay
	if len(days) > 0 {
		first, last = slices.Min(days), slices.Max(days)
	}
	rows, err := db.endpointCapsStmt.QueryContext(hotContext(ctx), appID, id, totalDay, first, last)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: get endpoint: %w", err)
	}
	defer rows.Close()
	var doc string
	type row struct {
		day, campaign string
		n             int64 // the driver's type: no conversion
	}
	var room [16]row
	counters := room[:0]
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.day, &r.campaign, &r.n); err != nil {
			return nil, nil, fmt.Errorf("sqlite: get endpoint: %w", err)
		}
		if r.day == "" {
			doc = r.campaign
			continue
		}
		counters = append(counters, r)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("sqlite: get endpoint: %w", err)
	}
	if doc == "" {
		return nil, nil, errNoEndpoint(appID, id)
	}
	if decode == nil {
		decode = inapp.DecodeEndpoint
	}
	ep, err := decode(doc)
	if err != nil {
		return nil, nil, err
	}
	local := day(ep)
	if !slices.Contains(days, local) {
		counts, err := db.CapCounts(ctx, appID, id, local)
		return ep, counts, err
	}
	counts := make(map[string]inapp.CapCount, len(counters))
	for _, r := range counters {
		inapp.AddCapCount(counts, r.day, r.campaign, r.n, local)
	}
	return ep, counts, nil
}

// LatestVersions lists the latest version of each of an app's campaigns
// and segments, from their head rows, without reading a document
// (delivery.Versions): a snapshot rebuild after an admin write then reads
// and decodes only the documents that changed instead of all of them.
func (db *DB) LatestVersions(ctx context.Context, appID string) (campaigns, segments map[string]int, err error) {
	if err := appExists(ctx, db.read, appID); err != nil {
		return nil, nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT 'c', id, latest FROM campaigns WHERE app_id = ?1
		UNION ALL SELECT 's', id, latest FROM segments WHERE app_id = ?1`, appID)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: latest versions: %w", err)
	}
	defer rows.Close()
	campaigns, segments = map[string]int{}, map[string]int{}
	for rows.Next() {
		var kind, id string
		var version int
		if err := rows.Scan(&kind, &id, &version); err != nil {
			return nil, nil, fmt.Errorf("sqlite: latest versions: %w", err)
		}
		if kind == "c" {
			campaigns[id] = version
		} else {
			segments[id] = version
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("sqlite: latest versions: %w", err)
	}
	return campaigns, segments, nil
}

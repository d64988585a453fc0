package postgres

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
)

// totalDay is the counters' day bucket for the all-time total.
const totalDay = inapp.TotalCapDay

// counterKey is one row of the counters table.
type counterKey struct {
	appID, endpointID, day, campaignID string
}

// endpointKey is one row of the endpoint_activity table.
type endpointKey struct{ appID, endpointID string }

type eventKey struct{ appID, endpointID, eventID string }

// RecordEvents is the hot write path (PutEvents, in group-commit batches
// from the ingest writer): one transaction, acknowledged only once
// committed, of three statements however large the batch (five with
// analytics, see 4):
//
//  1. one multi-row INSERT of every event (unnest of column arrays, sent
//     in binary) with ON CONFLICT DO NOTHING, RETURNING the keys it
//     inserted: the unique key makes retries idempotent, also when two
//     nodes store the same retried batch at once (the second waits for the
//     first's commit, then skips);
//  2. one upsert of the cap counters the fresh displayed events move,
//     summed in memory first (INSERT … ON CONFLICT DO UPDATE SET
//     n = n + EXCLUDED.n: an addition, so concurrent batches for the same
//     endpoint and campaign, from any node, never lose a count);
//  3. one upsert of the endpoints' latest activity (greatest wins);
//  4. when the batch has events with a campaign_id, the analytics rollups
//     (analytics.go): one insert of the day's unique pairs before 2, one
//     statement of lifetime pairs and rollups sent with 2 and 3.
//
// Rows are written in key order (events, then counters, then activity, each
// sorted), so two batches that touch the same keys take their locks in the
// same order and cannot deadlock.
func (db *DB) RecordEvents(ctx context.Context, events []*inapp.EventRecord) ([]bool, error) {
	fresh := make([]bool, len(events))
	if len(events) == 0 {
		return fresh, nil
	}
	docs := make([]string, len(events))
	for i, r := range events {
		if err := checkRecord(r); err != nil {
			return nil, err
		}
		doc, err := eventDoc(r)
		if err != nil {
			return nil, err
		}
		docs[i] = doc
	}
	// The key columns as stored, then the records in key order; the
	// earlier of two records with one key goes first, so that it is the
	// one stored and reported fresh, as in the SQLite backend.
	n := len(events)
	keys := make([]eventKey, n)
	for i, r := range events {
		keys[i] = eventKey{keyText(r.AppID), keyText(r.EndpointID), keyText(r.EventID)}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		ka, kb := keys[a], keys[b]
		return cmp.Or(cmp.Compare(ka.appID, kb.appID), cmp.Compare(ka.endpointID, kb.endpointID),
			cmp.Compare(ka.eventID, kb.eventID), cmp.Compare(a, b))
	})
	apps, endpoints, ids, days, bodies := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	times := make([]int64, n)
	for j, i := range order {
		k := keys[i]
		apps[j], endpoints[j], ids[j], days[j], bodies[j] = k.appID, k.endpointID, k.eventID, keyText(events[i].CapDay), docs[i]
		times[j] = events[i].Time.UnixNano()
	}

	err := db.update(ctx, "record events", func(tx pgx.Tx) error {
		clear(fresh) // a retried transaction starts over
		rows, err := tx.Query(ctx, `INSERT INTO events (app_id, endpoint_id, event_id, time, cap_day, doc)
			SELECT u.app_id, u.endpoint_id, u.event_id, u.time, u.cap_day, u.doc
			FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[])
				WITH ORDINALITY AS u(app_id, endpoint_id, event_id, time, cap_day, doc, ord)
			ORDER BY u.ord
			ON CONFLICT (app_id, endpoint_id, event_id) DO NOTHING
			RETURNING app_id, endpoint_id, event_id`, apps, endpoints, ids, times, days, bodies)
		if err != nil {
			return err
		}
		inserted := make(map[eventKey]bool, n)
		var k eventKey
		if _, err := pgx.ForEachRow(rows, []any{&k.appID, &k.endpointID, &k.eventID}, func() error {
			inserted[k] = true
			return nil
		}); err != nil {
			return err
		}
		counts := map[counterKey]int64{}
		latest := map[endpointKey]int64{}
		var rollups rollupBatch // analytics (analytics.go)
		for _, i := range order {
			r := events[i]
			k := keys[i]
			if !inserted[k] {
				continue
			}
			// The first record of a key is the one stored: later ones
			// with the same key in this batch are retries.
			delete(inserted, k)
			fresh[i] = true
			ek, at := endpointKey{k.appID, k.endpointID}, r.Time.UnixNano()
			if seen, ok := latest[ek]; !ok || at > seen {
				latest[ek] = at
			}
			rollups.add(k.appID, k.endpointID, r)
			if campaign := keyText(displayedCampaign(r.Event)); campaign != "" {
				counts[counterKey{k.appID, k.endpointID, totalDay, campaign}]++
				if r.CapDay != "" && r.CapDay != totalDay {
					counts[counterKey{k.appID, k.endpointID, keyText(r.CapDay), campaign}]++
				}
			}
		}
		if err := rollups.insertDays(ctx, tx); err != nil {
			return err
		}
		return bumpCountersAndActivity(ctx, tx, counts, latest, &rollups)
	})
	if err != nil {
		return nil, err
	}
	return fresh, nil
}

// bumpCountersAndActivity sends both upserts, and the analytics rollups'
// statement, in one round trip.
func bumpCountersAndActivity(ctx context.Context, tx pgx.Tx, counts map[counterKey]int64, latest map[endpointKey]int64, rollups *rollupBatch) error {
	batch := &pgx.Batch{}
	if len(counts) > 0 {
		keys := make([]counterKey, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b counterKey) int {
			return cmp.Or(cmp.Compare(a.appID, b.appID), cmp.Compare(a.endpointID, b.endpointID),
				cmp.Compare(a.day, b.day), cmp.Compare(a.campaignID, b.campaignID))
		})
		apps, endpoints, days, campaigns := make([]string, len(keys)), make([]string, len(keys)), make([]string, len(keys)), make([]string, len(keys))
		ns := make([]int64, len(keys))
		for i, k := range keys {
			apps[i], endpoints[i], days[i], campaigns[i], ns[i] = k.appID, k.endpointID, k.day, k.campaignID, counts[k]
		}
		batch.Queue(`INSERT INTO counters (app_id, endpoint_id, day, campaign_id, n)
			SELECT u.app_id, u.endpoint_id, u.day, u.campaign_id, u.n
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
				WITH ORDINALITY AS u(app_id, endpoint_id, day, campaign_id, n, ord)
			ORDER BY u.ord
			ON CONFLICT (app_id, endpoint_id, day, campaign_id) DO UPDATE SET n = counters.n + EXCLUDED.n`,
			apps, endpoints, days, campaigns, ns)
	}
	if len(latest) > 0 {
		keys := make([]endpointKey, 0, len(latest))
		for k := range latest {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b endpointKey) int {
			return cmp.Or(cmp.Compare(a.appID, b.appID), cmp.Compare(a.endpointID, b.endpointID))
		})
		apps, endpoints, times := make([]string, len(keys)), make([]string, len(keys)), make([]int64, len(keys))
		for i, k := range keys {
			apps[i], endpoints[i], times[i] = k.appID, k.endpointID, latest[k]
		}
		// The WHERE skips rewriting a row that already holds a later time.
		batch.Queue(`INSERT INTO endpoint_activity (app_id, endpoint_id, time)
			SELECT u.app_id, u.endpoint_id, u.time
			FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS u(app_id, endpoint_id, time, ord)
			ORDER BY u.ord
			ON CONFLICT (app_id, endpoint_id) DO UPDATE SET time = EXCLUDED.time
			WHERE endpoint_activity.time < EXCLUDED.time`, apps, endpoints, times)
	}
	rollups.queue(batch)
	if batch.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, batch).Close()
}

// keyText is s as a key column can hold it. PostgreSQL text cannot hold
// a NUL byte or invalid UTF-8, and one such ID (a client can send
// "\u0000" in an event ID or a campaign_id attribute) would fail the whole
// group-commit batch, every other request's events with it. Such bytes
// become U+FFFD in the key columns; no real ID contains them, and the
// event's document keeps the text as sent.
func keyText(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// checkRecord rejects records the caller should never have built: nothing
// of a batch is written if one of them is malformed.
func checkRecord(r *inapp.EventRecord) error {
	switch {
	case r == nil || r.Event == nil:
		return inapp.Errorf(inapp.EINVALID, "Event record without an event.")
	case r.AppID == "" || r.EndpointID == "" || r.EventID == "":
		return inapp.Errorf(inapp.EINVALID, "Event record without an application, endpoint or event ID.")
	case r.Time.IsZero() || r.Time.Year() < 1678 || r.Time.Year() > 2261:
		// Times are stored as Unix nanoseconds, which an int64 holds
		// from 1678 to 2262.
		return inapp.Errorf(inapp.EINVALID, "Event %s has no usable time (%v).", r.EventID, r.Time)
	}
	return nil
}

// displayedCampaign returns the campaign a displayed event counts for, ""
// when the event moves no cap counter.
func displayedCampaign(e *inapp.Event) string {
	if e.EventType != inapp.EventDisplayed {
		return ""
	}
	return e.Attributes["campaign_id"]
}

// CapCounts is one query on the counters' primary key: the endpoint's "*"
// rows and its rows for day.
func (db *DB) CapCounts(ctx context.Context, appID, endpointID, day string) (map[string]inapp.CapCount, error) {
	dayKey := keyText(day)
	rows, err := db.pool.Query(ctx, `SELECT day, campaign_id, n FROM counters
		WHERE app_id = $1 AND endpoint_id = $2 AND day IN ($3, $4)`, keyText(appID), keyText(endpointID), totalDay, dayKey)
	if err != nil {
		return nil, wrapErr("cap counts", err)
	}
	counts := map[string]inapp.CapCount{}
	var d, campaign string
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&d, &campaign, &n}, func() error {
		inapp.AddCapCount(counts, d, campaign, n, dayKey)
		return nil
	})
	if err != nil {
		return nil, wrapErr("cap counts", err)
	}
	return counts, nil
}

func (db *DB) EndpointActivity(ctx context.Context, appID, endpointID string) (time.Time, error) {
	var latest int64
	err := db.pool.QueryRow(ctx, `SELECT time FROM endpoint_activity WHERE app_id = $1 AND endpoint_id = $2`, keyText(appID), keyText(endpointID)).Scan(&latest)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, wrapErr("endpoint activity", err)
	}
	return time.Unix(0, latest).UTC(), nil
}

// defaultEventLimit applies when ListEvents is given no limit.
const defaultEventLimit = 100

// ListEvents returns an endpoint's events newest first; seq breaks ties
// between events of the same time in favour of the one stored last. The
// primary key finds the endpoint's events, which are then sorted: fine for
// a listing off the hot paths, and it spares the write path a second index.
func (db *DB) ListEvents(ctx context.Context, appID, endpointID string, limit int) ([]*inapp.EventRecord, error) {
	if limit <= 0 {
		limit = defaultEventLimit
	}
	rows, err := db.pool.Query(ctx, `SELECT event_id, time, cap_day, doc FROM events
		WHERE app_id = $1 AND endpoint_id = $2 ORDER BY time DESC, seq DESC LIMIT $3`, keyText(appID), keyText(endpointID), limit)
	if err != nil {
		return nil, wrapErr("list events", err)
	}
	records := []*inapp.EventRecord{}
	var id, day, doc string
	var nanos int64
	_, err = pgx.ForEachRow(rows, []any{&id, &nanos, &day, &doc}, func() error {
		e, err := decode[inapp.Event](doc)
		if err != nil {
			return err
		}
		records = append(records, &inapp.EventRecord{
			AppID: appID, EndpointID: endpointID, EventID: id, CapDay: day,
			Time: time.Unix(0, nanos).UTC(), Event: e,
		})
		return nil
	})
	if err != nil {
		return nil, wrapErr("list events", err)
	}
	return records, nil
}

// eventDoc is the stored document of an event: the encoding the API made in
// the request's goroutine when it did (off the single writer), else its own.
func eventDoc(r *inapp.EventRecord) (string, error) {
	if r.Doc != nil {
		return string(r.Doc), nil
	}
	return encode(r.Event)
}

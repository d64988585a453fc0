package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

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

// RecordEvents is the hot write path (PutEvents, in group-commit batches):
// documents are encoded before the writer is taken, the batch is one
// transaction of the events file that runs prepared statements, and the
// cap counters and endpoint activity of the batch are summed in memory
// first, so that each of those rows is written once however many events
// it counts. The events file has a writer of its own (db.go): no admin
// or endpoint write waits for a batch.
func (db *DB) RecordEvents(ctx context.Context, events []*inapp.EventRecord) ([]bool, error) {
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
	fresh := make([]bool, len(events))
	err := db.updateEvents(ctx, func(tx *sql.Tx) error {
		var rollups rollupBatch // analytics (analytics.go)
		if err := recordBatch(ctx, tx, events, docs, keyOrder(events), fresh, &rollups); err != nil {
			return err
		}
		return rollups.writeCounts(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return fresh, nil
}

// recordBatch writes the events order indexes, in that order, and marks
// in fresh those it stored: their cap counters, endpoint activity,
// analytics pairs and stream entries go in with them. The rollup rows'
// counts stay in rollups for the transaction's end.
func recordBatch(ctx context.Context, tx *sql.Tx, events []*inapp.EventRecord, docs []string, order []int, fresh []bool, rollups *rollupBatch) error {
	insert, err := tx.PrepareContext(ctx, `INSERT INTO events (app_id, endpoint_id, event_id, time, cap_day, doc)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (app_id, endpoint_id, event_id) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("sqlite: record events: %w", err)
	}
	defer insert.Close()
	counts := map[counterKey]int{}
	latest := map[endpointKey]int64{}
	var queued outbox // streams (streams.go)
	for _, i := range order {
		r := events[i]
		res, err := insert.ExecContext(ctx, r.AppID, r.EndpointID, r.EventID, r.Time.UnixNano(), r.CapDay, docs[i])
		if err != nil {
			return fmt.Errorf("sqlite: record event: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("sqlite: record event: %w", err)
		}
		// ON CONFLICT DO NOTHING changes no row for an event already
		// stored: that is how a retried batch counts once.
		fresh[i] = n == 1
		if !fresh[i] {
			continue
		}
		k, at := endpointKey{r.AppID, r.EndpointID}, r.Time.UnixNano()
		if seen, ok := latest[k]; !ok || at > seen {
			latest[k] = at
		}
		rollups.add(r)
		queued.add(i)
		if campaign := displayedCampaign(r.Event); campaign != "" {
			counts[counterKey{r.AppID, r.EndpointID, totalDay, campaign}]++
			if r.CapDay != "" && r.CapDay != totalDay {
				counts[counterKey{r.AppID, r.EndpointID, r.CapDay, campaign}]++
			}
		}
	}
	if err := bumpCounters(ctx, tx, counts); err != nil {
		return err
	}
	if err := rollups.writePairs(ctx, tx); err != nil {
		return err
	}
	if err := queued.write(ctx, tx, events); err != nil {
		return err
	}
	return moveActivity(ctx, tx, latest)
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

func bumpCounters(ctx context.Context, tx *sql.Tx, counts map[counterKey]int) error {
	if len(counts) == 0 {
		return nil
	}
	bump, err := tx.PrepareContext(ctx, `INSERT INTO counters (app_id, endpoint_id, day, campaign_id, count)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (app_id, endpoint_id, day, campaign_id) DO UPDATE SET count = count + excluded.count`)
	if err != nil {
		return fmt.Errorf("sqlite: bump counters: %w", err)
	}
	defer bump.Close()
	for k, n := range counts {
		if _, err := bump.ExecContext(ctx, k.appID, k.endpointID, k.day, k.campaignID, n); err != nil {
			return fmt.Errorf("sqlite: bump counter: %w", err)
		}
	}
	return nil
}

func moveActivity(ctx context.Context, tx *sql.Tx, latest map[endpointKey]int64) error {
	if len(latest) == 0 {
		return nil
	}
	move, err := tx.PrepareContext(ctx, `INSERT INTO endpoint_activity (app_id, endpoint_id, time) VALUES (?, ?, ?)
		ON CONFLICT (app_id, endpoint_id) DO UPDATE SET time = max(time, excluded.time)`)
	if err != nil {
		return fmt.Errorf("sqlite: endpoint activity: %w", err)
	}
	defer move.Close()
	for k, t := range latest {
		if _, err := move.ExecContext(ctx, k.appID, k.endpointID, t); err != nil {
			return fmt.Errorf("sqlite: endpoint activity: %w", err)
		}
	}
	return nil
}

// CapCounts is one query on the counters' primary key: the endpoint's "*"
// rows and its rows for day.
func (db *DB) CapCounts(ctx context.Context, appID, endpointID, day string) (map[string]inapp.CapCount, error) {
	rows, err := db.capCountsStmt.QueryContext(hotContext(ctx), appID, endpointID, totalDay, day)
	if err != nil {
		return nil, fmt.Errorf("sqlite: cap counts: %w", err)
	}
	defer rows.Close()
	counts := map[string]inapp.CapCount{}
	for rows.Next() {
		var d, campaign string
		var n int64
		if err := rows.Scan(&d, &campaign, &n); err != nil {
			return nil, fmt.Errorf("sqlite: cap counts: %w", err)
		}
		inapp.AddCapCount(counts, d, campaign, n, day)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: cap counts: %w", err)
	}
	return counts, nil
}

func (db *DB) EndpointActivity(ctx context.Context, appID, endpointID string) (time.Time, error) {
	var latest int64
	err := db.read.QueryRowContext(ctx, `SELECT time FROM endpoint_activity WHERE app_id = ? AND endpoint_id = ?`, appID, endpointID).Scan(&latest)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlite: endpoint activity: %w", err)
	}
	return time.Unix(0, latest).UTC(), nil
}

// defaultEventLimit applies when ListEvents is given no limit.
const defaultEventLimit = 100

func (db *DB) ListEvents(ctx context.Context, appID, endpointID string, limit int) ([]*inapp.EventRecord, error) {
	if limit <= 0 {
		limit = defaultEventLimit
	}
	// Newest first; rowid breaks ties between events of the same time in
	// favour of the one stored last. The unique key finds the endpoint's
	// events, which are then sorted: fine for a listing off the hot paths,
	// and it spares the write path a second index (migration 0002).
	rows, err := db.read.QueryContext(ctx, `SELECT event_id, time, cap_day, doc FROM events
		WHERE app_id = ? AND endpoint_id = ? ORDER BY time DESC, rowid DESC LIMIT ?`, appID, endpointID, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list events: %w", err)
	}
	defer rows.Close()
	records := []*inapp.EventRecord{}
	for rows.Next() {
		r := &inapp.EventRecord{AppID: appID, EndpointID: endpointID}
		var nanos int64
		var doc string
		if err := rows.Scan(&r.EventID, &nanos, &r.CapDay, &doc); err != nil {
			return nil, fmt.Errorf("sqlite: list events: %w", err)
		}
		r.Time = time.Unix(0, nanos).UTC()
		if r.Event, err = decode[inapp.Event](doc); err != nil {
			return nil, err
		}
		records = append(records, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list events: %w", err)
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

// keyOrder returns the indexes of events sorted by their key (stable, so
// the earlier of two records with one key is stored and reported fresh):
// inserting in index order touches each page of the events index once
// instead of at random.
func keyOrder(events []*inapp.EventRecord) []int {
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := events[a], events[b]
		return cmp.Or(cmp.Compare(x.AppID, y.AppID), cmp.Compare(x.EndpointID, y.EndpointID), cmp.Compare(x.EventID, y.EventID))
	})
	return order
}

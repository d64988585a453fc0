package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	inapp "github.com/inappd/inappd"
)

// Event streams and their outbox (inapp.EventStreamStore, migration 0006).
// RecordEvents fills the outbox (outbox, below); these methods only read
// and empty it.

var _ inapp.EventStreamStore = (*DB)(nil)

// outbox collects the events a RecordEvents transaction inserted, in the
// order it inserted them, and queues those of apps with a stream in the
// same transaction: an event is queued if and only if it was stored, once
// (a retried event inserts nothing, so it is not queued again).
type outbox struct {
	inserted []int // indexes into the batch
}

func (o *outbox) add(i int) { o.inserted = append(o.inserted, i) }

// write looks up once per app of the batch whether it has a stream, and
// queues that app's inserted events. Apps without a stream cost one
// primary-key lookup per batch.
func (o *outbox) write(ctx context.Context, tx *sql.Tx, events []*inapp.EventRecord) error {
	streamed := map[string]bool{}
	queue := false
	for _, i := range o.inserted {
		app := events[i].AppID
		if _, known := streamed[app]; known {
			continue
		}
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM event_streams WHERE app_id = ?`, app).Scan(&one)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlite: stream outbox: %w", err)
		}
		streamed[app] = err == nil
		queue = queue || err == nil
	}
	if !queue {
		return nil
	}
	insert, err := tx.PrepareContext(ctx, `INSERT INTO stream_outbox (app_id, endpoint_id, event_id, arrival) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("sqlite: stream outbox: %w", err)
	}
	defer insert.Close()
	arrival := time.Now().UnixMilli()
	for _, i := range o.inserted {
		r := events[i]
		if !streamed[r.AppID] {
			continue
		}
		if _, err := insert.ExecContext(ctx, r.AppID, r.EndpointID, r.EventID, arrival); err != nil {
			return fmt.Errorf("sqlite: stream outbox: %w", err)
		}
	}
	return nil
}

func errNoStream(appID string) error {
	return notFound("Application %s has no event stream.", appID)
}

func (db *DB) PutEventStream(ctx context.Context, s *inapp.EventStream) error {
	return db.putAppDoc(ctx, "event_streams", "event stream", s.ApplicationID, s)
}

func (db *DB) GetEventStream(ctx context.Context, appID string) (*inapp.EventStream, error) {
	return getEventStream(ctx, db.read, appID)
}

func getEventStream(ctx context.Context, q querier, appID string) (*inapp.EventStream, error) {
	var doc sql.NullString
	// LEFT JOIN: one query tells a missing app from an app without a stream.
	err := q.QueryRowContext(ctx, `SELECT s.doc FROM apps a LEFT JOIN event_streams s ON s.app_id = a.id WHERE a.id = ?`, appID).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoApp(appID)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get event stream: %w", err)
	}
	if !doc.Valid {
		return nil, errNoStream(appID)
	}
	return decode[inapp.EventStream](doc.String)
}

// DeleteEventStream deletes the stream; its outbox rows in the events
// file go right after it commits (cleanup.go).
func (db *DB) DeleteEventStream(ctx context.Context, appID string) (*inapp.EventStream, error) {
	var s *inapp.EventStream
	err := db.update(ctx, func(tx *sql.Tx) error {
		var err error
		if s, err = getEventStream(ctx, tx, appID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_streams WHERE app_id = ?`, appID); err != nil {
			return fmt.Errorf("sqlite: delete event stream: %w", err)
		}
		return oweCleanup(ctx, tx, appID, cleanStream)
	})
	if err != nil {
		return nil, err
	}
	db.cleanAfter(ctx, appID, cleanStream)
	return s, nil
}

func (db *DB) ListEventStreams(ctx context.Context) ([]*inapp.EventStream, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT doc FROM event_streams ORDER BY app_id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list event streams: %w", err)
	}
	defer rows.Close()
	streams := []*inapp.EventStream{}
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("sqlite: list event streams: %w", err)
		}
		s, err := decode[inapp.EventStream](doc)
		if err != nil {
			return nil, err
		}
		streams = append(streams, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list event streams: %w", err)
	}
	return streams, nil
}

// ReadOutbox reads the oldest items with their documents: one range scan
// of the outbox index, and a primary-key lookup of the event and of the
// endpoint per item.
func (db *DB) ReadOutbox(ctx context.Context, appID string, limit int) ([]*inapp.OutboxItem, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.read.QueryContext(ctx, `SELECT o.seq, o.endpoint_id, o.event_id, o.arrival, e.doc, p.doc
		FROM stream_outbox o
		LEFT JOIN events e ON e.app_id = o.app_id AND e.endpoint_id = o.endpoint_id AND e.event_id = o.event_id
		LEFT JOIN endpoints p ON p.app_id = o.app_id AND p.id = o.endpoint_id
		WHERE o.app_id = ? ORDER BY o.seq LIMIT ?`, appID, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read stream outbox: %w", err)
	}
	defer rows.Close()
	items := []*inapp.OutboxItem{}
	for rows.Next() {
		it := &inapp.OutboxItem{}
		var arrival int64
		var event, endpoint sql.NullString
		if err := rows.Scan(&it.Seq, &it.EndpointID, &it.EventID, &arrival, &event, &endpoint); err != nil {
			return nil, fmt.Errorf("sqlite: read stream outbox: %w", err)
		}
		it.Arrival = time.UnixMilli(arrival).UTC()
		if event.Valid {
			it.Event = []byte(event.String)
		}
		if endpoint.Valid {
			it.Endpoint = []byte(endpoint.String)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read stream outbox: %w", err)
	}
	return items, nil
}

// AckOutbox deletes the delivered items in one statement per 500 (well
// under SQLite's limit of bound parameters).
func (db *DB) AckOutbox(ctx context.Context, appID string, seqs []int64) error {
	if len(seqs) == 0 {
		return nil
	}
	return db.updateEvents(ctx, func(tx *sql.Tx) error {
		for chunk := range slices.Chunk(seqs, 500) {
			args := make([]any, 0, len(chunk)+1)
			args = append(args, appID)
			for _, s := range chunk {
				args = append(args, s)
			}
			q := `DELETE FROM stream_outbox WHERE app_id = ? AND seq IN (?` + strings.Repeat(", ?", len(chunk)-1) + `)`
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("sqlite: acknowledge stream outbox: %w", err)
			}
		}
		return nil
	})
}

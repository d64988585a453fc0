package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
)

// Event streams and their outbox (inapp.EventStreamStore, migration 0006).
// The outbox is filled by a trigger on events; these methods only read
// and empty it. Which node delivers an app's stream is decided by a lease
// (package streams), not here.

var _ inapp.EventStreamStore = (*DB)(nil)

func errNoStream(appID string) error {
	return notFound("Application %s has no event stream.", appID)
}

func (db *DB) PutEventStream(ctx context.Context, s *inapp.EventStream) error {
	doc, err := encode(s)
	if err != nil {
		return err
	}
	return db.update(ctx, "put event stream", func(tx pgx.Tx) error {
		if err := appExists(ctx, tx, s.ApplicationID); err != nil {
			return err
		}
		// xmax = 0 tells an inserted row from an updated one.
		var created bool
		if err := tx.QueryRow(ctx, `INSERT INTO event_streams (app_id, doc) VALUES ($1, $2)
			ON CONFLICT (app_id) DO UPDATE SET doc = EXCLUDED.doc
			RETURNING xmax = 0`, s.ApplicationID, doc).Scan(&created); err != nil {
			return err
		}
		if created {
			// Rows a batch queued while the app's previous stream was
			// being deleted (migration 0006): they belong to no stream.
			_, err := tx.Exec(ctx, `DELETE FROM stream_outbox WHERE app_id = $1`, s.ApplicationID)
			return err
		}
		return nil
	})
}

func (db *DB) GetEventStream(ctx context.Context, appID string) (*inapp.EventStream, error) {
	s, err := getEventStream(ctx, db.pool, appID)
	return s, wrapErr("get event stream", err)
}

func getEventStream(ctx context.Context, q querier, appID string) (*inapp.EventStream, error) {
	var doc *string
	// LEFT JOIN: one query tells a missing app from an app without a stream.
	err := q.QueryRow(ctx, `SELECT s.doc FROM apps a LEFT JOIN event_streams s ON s.app_id = a.id WHERE a.id = $1`, appID).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNoApp(appID)
	}
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, errNoStream(appID)
	}
	return decode[inapp.EventStream](*doc)
}

// DeleteEventStream deletes the stream; its outbox rows go with it (the
// delete trigger of migration 0006).
func (db *DB) DeleteEventStream(ctx context.Context, appID string) (*inapp.EventStream, error) {
	var s *inapp.EventStream
	err := db.update(ctx, "delete event stream", func(tx pgx.Tx) error {
		var doc string
		err := tx.QueryRow(ctx, `DELETE FROM event_streams WHERE app_id = $1 RETURNING doc`, appID).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			// Say which is missing, the app or its stream.
			_, err = getEventStream(ctx, tx, appID)
			if err == nil {
				err = errNoStream(appID)
			}
			return err
		}
		if err != nil {
			return err
		}
		s, err = decode[inapp.EventStream](doc)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (db *DB) ListEventStreams(ctx context.Context) ([]*inapp.EventStream, error) {
	rows, err := db.pool.Query(ctx, `SELECT doc FROM event_streams ORDER BY app_id`)
	if err != nil {
		return nil, wrapErr("list event streams", err)
	}
	streams := []*inapp.EventStream{}
	var doc string
	_, err = pgx.ForEachRow(rows, []any{&doc}, func() error {
		s, err := decode[inapp.EventStream](doc)
		if err != nil {
			return err
		}
		streams = append(streams, s)
		return nil
	})
	if err != nil {
		return nil, wrapErr("list event streams", err)
	}
	return streams, nil
}

// ReadOutbox reads the oldest items with their documents: one range scan
// of the outbox's primary key, and a primary-key lookup of the event and
// of the endpoint per item.
func (db *DB) ReadOutbox(ctx context.Context, appID string, limit int) ([]*inapp.OutboxItem, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.pool.Query(ctx, `SELECT o.seq, o.endpoint_id, o.event_id, o.arrival, e.doc, p.doc
		FROM stream_outbox o
		LEFT JOIN events e ON e.app_id = o.app_id AND e.endpoint_id = o.endpoint_id AND e.event_id = o.event_id
		LEFT JOIN endpoints p ON p.app_id = o.app_id AND p.id = o.endpoint_id
		WHERE o.app_id = $1 ORDER BY o.seq LIMIT $2`, keyText(appID), limit)
	if err != nil {
		return nil, wrapErr("read stream outbox", err)
	}
	items := []*inapp.OutboxItem{}
	var seq, arrival int64
	var endpointID, eventID string
	var event, endpoint *string
	_, err = pgx.ForEachRow(rows, []any{&seq, &endpointID, &eventID, &arrival, &event, &endpoint}, func() error {
		it := &inapp.OutboxItem{Seq: seq, EndpointID: endpointID, EventID: eventID, Arrival: time.UnixMilli(arrival).UTC()}
		if event != nil {
			it.Event = []byte(*event)
		}
		if endpoint != nil {
			it.Endpoint = []byte(*endpoint)
		}
		items = append(items, it)
		return nil
	})
	if err != nil {
		return nil, wrapErr("read stream outbox", err)
	}
	return items, nil
}

// AckOutbox deletes the delivered items by their exact seqs: never "up to
// a seq", because a transaction that drew a lower seq may commit after a
// higher one was read (see migration 0006).
func (db *DB) AckOutbox(ctx context.Context, appID string, seqs []int64) error {
	if len(seqs) == 0 {
		return nil
	}
	_, err := db.pool.Exec(ctx, `DELETE FROM stream_outbox WHERE app_id = $1 AND seq = ANY($2::bigint[])`, keyText(appID), seqs)
	return wrapErr("acknowledge stream outbox", err)
}

package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// Deleting an app or an event stream deletes rows in both files: the app
// or stream in the main file, its events, counters, activity, analytics
// or outbox in the events file. Two files commit apart, so the main
// file's transaction also writes a row of event_cleanups (migration
// 0011), and the row is removed once the events file committed the
// deletes. Whatever a crash or an error left owed is finished when the
// database opens and by the retention janitor (Prune).

// The cleanups event_cleanups names.
const (
	cleanApp    = "app"    // every event table's rows of the app
	cleanStream = "stream" // the app's stream outbox
)

// oweCleanup records in the main file's transaction tx that the events
// file owes a cleanup.
func oweCleanup(ctx context.Context, tx *sql.Tx, appID, what string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO event_cleanups (app_id, what) VALUES (?, ?) ON CONFLICT DO NOTHING`, appID, what)
	if err != nil {
		return fmt.Errorf("sqlite: record cleanup: %w", err)
	}
	return nil
}

// cleanEvents runs one owed cleanup in the events file, then forgets it.
// An error leaves it owed.
func (db *DB) cleanEvents(ctx context.Context, appID, what string) error {
	err := db.updateEvents(ctx, func(tx *sql.Tx) error {
		tables := eventTables
		if what == cleanStream {
			// A stream made again since (PutEventStream) keeps the
			// outbox: its rows are its events now.
			var streams int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM appdb.event_streams WHERE app_id = ?`, appID).Scan(&streams); err != nil {
				return err
			}
			if streams > 0 {
				return nil
			}
			tables = []string{"stream_outbox"}
		}
		for _, table := range tables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM main.`+table+` WHERE app_id = ?`, appID); err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
		}
		return nil
	})
	if err == nil {
		_, err = db.write.ExecContext(ctx, `DELETE FROM event_cleanups WHERE app_id = ? AND what = ?`, appID, what)
	}
	if err != nil {
		return fmt.Errorf("sqlite: delete the %s rows of app %s from the events file: %w", what, appID, err)
	}
	return nil
}

// cleanAfter runs the cleanup a deletion just recorded, to its end even
// if the caller goes away meanwhile. The deletion has committed, so it is
// not undone when the cleanup fails: the cleanup stays owed and is
// logged.
func (db *DB) cleanAfter(ctx context.Context, appID, what string) {
	if err := db.cleanEvents(context.WithoutCancel(ctx), appID, what); err != nil {
		db.log.Warn("sqlite: cleanup left for the next start or retention run", "err", err)
	}
}

// finishCleanups runs every cleanup still owed.
func (db *DB) finishCleanups(ctx context.Context) error {
	rows, err := db.read.QueryContext(ctx, `SELECT app_id, what FROM event_cleanups`)
	if err != nil {
		return fmt.Errorf("sqlite: owed cleanups: %w", err)
	}
	type owed struct{ appID, what string }
	var all []owed
	for rows.Next() {
		var o owed
		if err := rows.Scan(&o.appID, &o.what); err != nil {
			rows.Close()
			return fmt.Errorf("sqlite: owed cleanups: %w", err)
		}
		all = append(all, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: owed cleanups: %w", err)
	}
	for _, o := range all {
		if err := db.cleanEvents(ctx, o.appID, o.what); err != nil {
			return err
		}
	}
	return nil
}

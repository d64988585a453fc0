package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// eventTables are the tables of the events file (migrations/events) that
// the main file held before it had one.
var eventTables = []string{"events", "counters", "endpoint_activity", "analytics_rollups", "analytics_uniques", "stream_outbox"}

// splitEventTables moves the event tables a main file still holds into
// the events file: a database from before the split, or one the main
// migrations have just created (their tables are empty then). Each table
// is copied in one transaction of the events file that also records the
// copy (moved_from_main), and then dropped from the main file: a crash
// in between resumes at the next start without copying twice.
func (db *DB) splitEventTables(ctx context.Context) error {
	for _, table := range eventTables {
		var held int
		if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&held); err != nil {
			return fmt.Errorf("sqlite: split %s: %w", table, err)
		}
		if held == 0 {
			continue
		}
		if err := db.copyToEvents(ctx, table); err != nil {
			return fmt.Errorf("sqlite: move table %s to the events file: %w", table, err)
		}
		start := time.Now()
		if _, err := db.write.ExecContext(ctx, `DROP TABLE `+table); err != nil {
			return fmt.Errorf("sqlite: drop table %s from the main file after moving it: %w", table, err)
		}
		if took := time.Since(start); took > time.Second {
			db.log.Info("sqlite: dropped a moved table from the main file; its pages are free for reuse (VACUUM gives them back to the disk)", "table", table, "took", took.Round(time.Millisecond))
		}
	}
	return nil
}

// copyToEvents copies table's rows from the main file (attached as appdb
// on the events writer) unless a copy was committed already.
func (db *DB) copyToEvents(ctx context.Context, table string) error {
	var rows int64
	start := time.Now()
	err := db.updateEvents(ctx, func(tx *sql.Tx) error {
		var moved int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM main.moved_from_main WHERE name = ?`, table).Scan(&moved); err != nil {
			return err
		}
		if moved > 0 {
			return nil
		}
		// Columns by name: the events file's schema is the main file's as
		// of its migration 0010, whatever order a table's columns were
		// added in.
		cols, err := columns(ctx, tx, table)
		if err != nil {
			return err
		}
		// A step of the upgrade that takes a while on a big table (2.1
		// million events took 23 s): said before it starts.
		var holds int
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM appdb.`+table+`)`).Scan(&holds); err != nil {
			return err
		}
		if holds == 1 {
			db.log.Info("sqlite: moving a table to the events file (once, on the first start after the upgrade)", "table", table)
		}
		start = time.Now()
		res, err := tx.ExecContext(ctx, `INSERT INTO main.`+table+` (`+cols+`) SELECT `+cols+` FROM appdb.`+table)
		if err != nil {
			return err
		}
		if rows, err = res.RowsAffected(); err != nil {
			return err
		}
		if table == "stream_outbox" {
			// Its AUTOINCREMENT counter too: a seq is never used twice
			// (the streams name their batches after them), also for rows
			// delivered and deleted before the move.
			if _, err := tx.ExecContext(ctx, `UPDATE main.sqlite_sequence SET seq = max(seq, coalesce(
					(SELECT seq FROM appdb.sqlite_sequence WHERE name = 'stream_outbox'), 0))
				WHERE name = 'stream_outbox'`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO main.sqlite_sequence (name, seq)
				SELECT name, seq FROM appdb.sqlite_sequence WHERE name = 'stream_outbox'
					AND NOT EXISTS (SELECT 1 FROM main.sqlite_sequence WHERE name = 'stream_outbox')`); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO main.moved_from_main (name) VALUES (?)`, table)
		return err
	})
	if err != nil {
		return err
	}
	if rows > 0 {
		db.log.Info("sqlite: moved a table to the events file", "table", table, "rows", rows, "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// columns lists the columns of a table of the events file, comma
// separated.
func columns(ctx context.Context, q querier, table string) (string, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM pragma_table_info(?, 'main') ORDER BY cid`, table)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", err
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if len(names) == 0 {
		return "", fmt.Errorf("no table %s in the events file", table)
	}
	return strings.Join(names, ", "), nil
}

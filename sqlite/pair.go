package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/google/uuid"
)

// The two files of a database are made together and belong together: a
// main file restored from a backup without its events file would
// otherwise go on with no events, cap counters or analytics, and a
// stale events file beside a new main file would mix two databases. The
// pair's ID is written to the main file (events_file, migration 0011),
// then to the events file (main_file); Open refuses files that do not
// match.

// requireEventsFile runs after the main file's migrations, before the
// events file is opened (which would create it): a main file that has
// been paired refuses to go on without its events file. It returns the
// main file's pair ID, "" when it has none yet.
func requireEventsFile(ctx context.Context, mainW *sql.DB, mainPath, eventsPath string) (string, error) {
	m, err := pairID(ctx, mainW, "events_file")
	if err != nil || m == "" {
		return "", err
	}
	if _, err := os.Stat(eventsPath); errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("sqlite: %s is missing: it holds the events, cap counters and analytics of %s, and the two files are backed up and restored together. "+
			"Restore it from the same backup as %[2]s; or, to go on without them, run: sqlite3 %[2]s 'DELETE FROM events_file'",
			eventsPath, mainPath)
	}
	return m, nil
}

// pairFiles checks the events file's pair ID against m, the main file's
// (requireEventsFile), after both files' migrations, and makes a new pair
// from two files that have none.
func pairFiles(ctx context.Context, mainW, eventsW *sql.DB, m, mainPath, eventsPath string) error {
	e, err := pairID(ctx, eventsW, "main.main_file")
	if err != nil {
		return err
	}
	if e != "" && e != m {
		return fmt.Errorf("sqlite: %s belongs to another database than %s (one file restored without the other?): restore both from the same backup", eventsPath, mainPath)
	}
	if m == "" {
		m = uuid.NewString()
		if _, err := mainW.ExecContext(ctx, `INSERT INTO events_file (id) VALUES (?)`, m); err != nil {
			return fmt.Errorf("sqlite: pair the database files: %w", err)
		}
	}
	if e == "" {
		// A new pair, or one whose making stopped between the two files:
		// an events file gets its ID in the Open that creates it.
		if _, err := eventsW.ExecContext(ctx, `INSERT INTO main.main_file (id) VALUES (?)`, m); err != nil {
			return fmt.Errorf("sqlite: pair the database files: %w", err)
		}
	}
	return nil
}

// pairID reads the pair's ID from table, "" when it has none.
func pairID(ctx context.Context, w *sql.DB, table string) (string, error) {
	var id string
	err := w.QueryRowContext(ctx, `SELECT id FROM `+table).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: read %s: %w", table, err)
	}
	return id, nil
}

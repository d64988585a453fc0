package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"time"

	"github.com/inappd/inappd/internal/migrations"
)

// Migrations are numbered files, NNNN_what.sql, applied in order, each in
// its own transaction together with its row in schema_migrations. A file
// never changes once released: a schema change is a new file. Each of
// the two database files has its own (db.go): the main file's in
// migrations, the events file's in migrations/events. A change to an
// event table goes in the latter.
var (
	//go:embed migrations/*.sql
	mainMigrationFiles embed.FS
	//go:embed migrations/events/*.sql
	eventMigrationFiles embed.FS
)

// mainMigrations and eventMigrations list each file's embedded
// migrations in version order.
func mainMigrations() ([]migrations.Migration, error) {
	return migrations.List(mainMigrationFiles, "migrations")
}

func eventMigrations() ([]migrations.Migration, error) {
	return migrations.List(eventMigrationFiles, "migrations/events")
}

// migrate applies the migrations of list the database has not seen yet.
func migrate(ctx context.Context, db *sql.DB, list func() ([]migrations.Migration, error)) error {
	ms, err := list()
	if err != nil {
		return err
	}
	// main.: the events file's writer has the main file attached, which
	// has a table of that name too.
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS main.schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return err
	}
	for _, m := range ms {
		if err := applyMigration(ctx, db, m); err != nil {
			return fmt.Errorf("%s: %w", m.Name, err)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, db *sql.DB, m migrations.Migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Checked inside the write transaction: two processes opening a new
	// file at once cannot both apply the same migration.
	var applied int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM main.schema_migrations WHERE version = ?`, m.Version).Scan(&applied); err != nil {
		return err
	}
	if applied > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO main.schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.Version, m.Name, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		return err
	}
	return tx.Commit()
}

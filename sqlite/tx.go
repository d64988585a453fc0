package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// querier is what *sql.DB and *sql.Tx have in common: lookups that run
// on the read pool on their own, or inside a write transaction when the
// write depends on them.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// update runs fn in a transaction on the writer connection and commits it
// if fn returns nil. fn's errors come back as they are, so that an
// *inapp.Error keeps its code.
//
// While it waits for the writer it counts in db.waiting: a RecordEvents
// batch in progress looks at that between parts and commits early, so
// that an admin write waits for one part of a batch, not the whole of it.
func (db *DB) update(ctx context.Context, fn func(tx *sql.Tx) error) error {
	db.waiting.Add(1)
	tx, err := db.write.BeginTx(ctx, nil)
	db.waiting.Add(-1)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	return db.within(tx, fn)
}

// updateEvents is update for RecordEvents, the writes the others must not
// wait behind: it does not count in db.waiting.
func (db *DB) updateEvents(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	return db.within(tx, fn)
}

func (db *DB) within(tx *sql.Tx, fn func(tx *sql.Tx) error) error {
	// Also runs when fn panics: the single writer connection must never be
	// left inside a transaction, or every later write would wait forever.
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	db.commits.Add(1)
	return nil
}

// exec runs one statement on the writer outside a transaction, counting
// in db.waiting like update.
func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	db.waiting.Add(1)
	defer db.waiting.Add(-1)
	return db.write.ExecContext(ctx, query, args...)
}

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
func (db *DB) update(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
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

// adminUpdate is update for the writes someone waits to see: apps and
// their settings, campaigns, segments, templates, keys, tags, streams,
// test sends. While it waits for the writer it counts in db.waiting, and
// a RecordEvents batch in progress rolls back or commits after its
// current part to let it through (events.go), so that it waits for one
// part of a batch, not the whole of it. Endpoint writes, imports, retention and the stream
// outbox use update and queue behind event batches: devices and jobs do
// not watch for them, and letting each of them through early would cut
// event transactions short.
func (db *DB) adminUpdate(ctx context.Context, fn func(tx *sql.Tx) error) error {
	db.waiting.Add(1)
	defer db.waiting.Add(-1)
	return db.update(ctx, fn)
}

// adminExec runs one admin statement on the writer outside a transaction,
// counting in db.waiting like adminUpdate.
func (db *DB) adminExec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	db.waiting.Add(1)
	defer db.waiting.Add(-1)
	return db.write.ExecContext(ctx, query, args...)
}

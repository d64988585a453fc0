package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
)

// querier is what *sql.DB and *sql.Tx have in common: lookups that run
// on the read pool on their own, or inside a write transaction when the
// write depends on them.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// update runs fn in a transaction on the main file's writer: apps and
// their settings, campaigns, segments, templates, endpoints, keys, tags,
// imports. fn's errors come back as they are, so that an *inapp.Error
// keeps its code.
func (db *DB) update(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return transact(ctx, db.write, &db.commits, fn)
}

// updateEvents runs fn in a transaction on the events file's writer
// (events, cap counters, endpoint activity, analytics, the stream
// outbox), where the main file is attached read-only as appdb. The two
// writers never wait for each other.
func (db *DB) updateEvents(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return transact(ctx, db.events, &db.eventCommits, fn)
}

// transact runs fn in a transaction on writer, a pool of one connection,
// commits it if fn returns nil and counts the commit in commits.
func transact(ctx context.Context, writer *sql.DB, commits *atomic.Int64, fn func(tx *sql.Tx) error) error {
	tx, err := writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	// Also runs when fn panics: a writer connection must never be left
	// inside a transaction, or every later write would wait forever.
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	commits.Add(1)
	return nil
}

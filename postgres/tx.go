package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// querier is what *pgxpool.Pool and pgx.Tx have in common: lookups that
// run on the pool on their own, or inside a transaction when a write
// depends on them.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// txAttempts is how often update runs a transaction that PostgreSQL
// aborted for a deadlock or a serialization failure. Locks are taken in
// a fixed order everywhere, so this is a safety net, not a design.
const txAttempts = 4

// update runs fn in a READ COMMITTED transaction and commits it if fn
// returns nil. fn's own errors come back as they are (an *inapp.Error
// keeps its code); database errors are mapped by wrapErr. fn may run again
// if PostgreSQL aborts the transaction for a deadlock: it must not have
// effects outside tx.
func (db *DB) update(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = pgx.BeginFunc(ctx, db.pool, fn)
		if err == nil {
			return nil
		}
		if s := sqlState(err); (s != "40P01" && s != "40001") || attempt == txAttempts || ctx.Err() != nil {
			return wrapErr(op, err)
		}
		// A short random pause, so that the two transactions that met do
		// not meet again.
		time.Sleep(time.Duration(attempt) * time.Duration(1+rand.IntN(10)) * time.Millisecond)
	}
}

// encode renders a resource as the JSON document stored for it.
func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("postgres: encode %T: %w", v, err)
	}
	return string(b), nil
}

// decode reads a stored document, with go-json (2-3 times faster than
// encoding/json on these documents, which a delivery snapshot's first
// build decodes by the thousand).
func decode[T any](doc string) (*T, error) {
	v := new(T)
	if err := gojson.Unmarshal([]byte(doc), v); err != nil {
		return nil, fmt.Errorf("postgres: decode %T: %w", v, err)
	}
	return v, nil
}

// appExists answers ENOTFOUND for an app that is not there, so that
// app-scoped calls report the missing app rather than an empty result.
func appExists(ctx context.Context, q querier, appID string) error {
	var exists bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM apps WHERE id = $1)`, appID).Scan(&exists); err != nil {
		return fmt.Errorf("look up app: %w", err)
	}
	if !exists {
		return errNoApp(appID)
	}
	return nil
}

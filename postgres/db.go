// Package postgres is inappd's storage on PostgreSQL: an inapp.Store that
// several inappd nodes can share, through pgx (github.com/jackc/pgx/v5).
//
// It mirrors package sqlite table for table: resources are stored as the
// JSON documents the API returns, next to the few columns needed to find
// and order them; listings page in creation order through identity
// sequences; events are written in group-commit batches whose counter
// upserts add (n = n + EXCLUDED.n), so concurrent writers, on one node or
// several, never lose a count. Both backends pass the same suite
// (storetest), so switching changes nothing a client can see.
//
// Documents are TEXT, not JSONB. TEXT gives back exactly the bytes
// encoding/json wrote (JSONB reorders keys, drops duplicate keys and
// rewrites numbers), costs no parsing on the write path and no rendering
// on the read path, and accepts every string encoding/json produces
// (JSONB refuses the escape \u0000). inappd never queries inside a
// document: whatever it needs to find rows by is a column of its own. An
// operator can still look inside with doc::jsonb.
//
// Concurrency: PostgreSQL's default READ COMMITTED isolation, with row
// locks taken in a deterministic order where a read decides a write
// (UpdateEndpoints, template versions, segment and campaign versions), and
// upserts where a write only adds. A transaction that still deadlocks or
// fails to serialize is retried a few times.
//
// Several nodes: besides the data, nodes share two things through the
// database. The change feed (changes.go, inapp.ChangeFeed) tells every
// node within a second that another changed what its delivery snapshots
// are built from; leases (leases.go, inapp.LeaseStore) let one node at a
// time run a piece of background work. dial.go makes a connection whose
// peer vanished fail in seconds rather than minutes.
//
// Errors: missing rows are inapp.ENOTFOUND, unique-key races
// inapp.ECONFLICT, and a database that cannot be reached (refused, reset,
// timed out, shutting down) inapp.EUNAVAIL, which the API answers with 503
// rather than with a wrong answer.
package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	inapp "github.com/inappd/inappd"
)

// DB is an open inappd database on PostgreSQL. It implements inapp.Store.
type DB struct {
	pool *pgxpool.Pool
	log  *slog.Logger // SetLogger; slog.Default() when nil
}

var _ inapp.Store = (*DB)(nil)

// PoolSize is the number of connections a node opens at most, unless the
// DSN sets pool_max_conns: four per core the Go scheduler uses, at least
// eight. Requests hold a connection only for the length of a query or a
// short transaction, so this covers the API's concurrency without
// swamping the server's max_connections when several nodes share it.
func PoolSize() int { return max(8, 4*runtime.GOMAXPROCS(0)) }

// connectTimeout bounds each attempt to connect when the DSN sets no
// connect_timeout: a database that does not answer becomes a prompt 503
// instead of a request hanging until its client gives up.
const connectTimeout = 5 * time.Second

// Open connects to the database named by dsn (a postgres:// URL or
// key=value string, as libpq takes) and brings its schema up to date. It
// fails, with an EUNAVAIL error, when the database cannot be reached.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.TrimSpace(dsn) == "" {
		return nil, fmt.Errorf("postgres: empty DSN")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The parse error redacts the password.
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = int32(PoolSize())
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	cfg.ConnConfig.DialFunc = dialer()
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "inappd"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := &DB{pool: pool}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, wrapErr("migrate", err)
	}
	return db, nil
}

// SetLogger sets where the store reports what happens in the background
// (the change feed's connections); call it before Changes.
func (db *DB) SetLogger(l *slog.Logger) { db.log = l }

func (db *DB) logger() *slog.Logger {
	if db.log != nil {
		return db.log
	}
	return slog.Default()
}

// Ping reports whether the database answers (healthz, 503 decisions).
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.pool.QueryRow(ctx, `SELECT 1`).Scan(&one); err != nil {
		return wrapErr("ping", err)
	}
	return nil
}

// Close closes every connection of the pool, waiting for those in use.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Stat exposes the pool's counters (connections in use, waits), for
// diagnostics and tests.
func (db *DB) Stat() *pgxpool.Stat { return db.pool.Stat() }

// isUniqueViolation reports a duplicate key (SQLSTATE 23505).
func isUniqueViolation(err error) bool { return sqlState(err) == "23505" }

// sqlState returns the SQLSTATE of a server error, "" for other errors.
func sqlState(err error) string {
	if pe := pgError(err); pe != nil {
		return pe.Code
	}
	return ""
}

// Describe names the database a DSN points at, for logs and messages:
// user, host, port and database, never the password.
func Describe(dsn string) string {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

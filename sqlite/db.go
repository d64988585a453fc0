// Package sqlite is inappd's embedded storage: an inapp.Store on a single
// SQLite file, through the pure-Go driver modernc.org/sqlite (no cgo).
//
// SQLite allows one writer at a time. Rather than let goroutines race for
// the write lock and retry on SQLITE_BUSY, every write goes through one
// connection (a *sql.DB limited to one open connection), so writers queue
// in database/sql, in order and under their context. Reads use a separate
// pool of read-only connections: in WAL mode they never block the writer
// and the writer never blocks them (the ntfy / PocketBase arrangement).
//
// Resources are stored as the JSON documents the API returns, next to the
// few columns needed to find and order them.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	inapp "github.com/inappd/inappd"
	"golang.org/x/time/rate"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DB is an open inappd database. It implements inapp.Store.
type DB struct {
	write *sql.DB // exactly one connection: all writes, in transactions
	read  *sql.DB // read-only pool: all reads outside a write transaction

	// The reads of every GetInAppMessages, prepared once: parsing the SQL
	// again on each request showed up in profiles.
	getEndpointStmt  *sql.Stmt
	capCountsStmt    *sql.Stmt
	endpointCapsStmt *sql.Stmt

	commits atomic.Int64  // write transactions committed (update)
	waiting atomic.Int32  // admin writes waiting for the writer connection (tx.go)
	yields  *rate.Limiter // how often an event batch may commit early for them (events.go)
	// How long an event transaction may run, and how much of the
	// writer's time event batches may throw away to let admin writes
	// through at once, in milliseconds (events.go).
	eventTxTime time.Duration
	discards    *rate.Limiter
	discarded   atomic.Int64  // event transactions rolled back for an admin write
	ckpt        *checkpointer // copies the WAL back beside the writer (checkpoint.go)
}

var _ inapp.Store = (*DB)(nil)

// Open opens (creating it if needed) the database file at path and brings
// its schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// A file: URI, so that a path holding '?', '#' or '%' stays a path.
	uri := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()

	write, err := sql.Open("sqlite", uri+"?"+writerParams())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	// Never let the writer's connection go idle and close: it is the one
	// that created the WAL, and read-only connections need the WAL index
	// (-shm) to exist.
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)

	db := &DB{
		write:       write,
		yields:      rate.NewLimiter(yieldsPerSecond, yieldBurst),
		eventTxTime: eventTxTime,
		discards:    rate.NewLimiter(discardMillisPerSecond, discardBurstMillis),
	}
	// The writer opens first: it switches the file to WAL mode and creates
	// the schema before any reader looks at it.
	if err := migrate(ctx, write); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}

	read, err := sql.Open("sqlite", uri+"?"+readerParams())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	db.read = read
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.prepareHotReads(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.ckpt, err = startCheckpointer(uri, abs+"-wal", &db.commits); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// writerParams configures the writer connection.
func writerParams() string {
	q := url.Values{}
	// WAL: readers and the writer do not block each other, and a commit
	// appends to the log instead of rewriting pages in place.
	q.Set("_journal_mode", "WAL")
	// synchronous=NORMAL in WAL mode fsyncs the WAL at checkpoints, not at
	// every commit. A committed transaction survives a crash of inappd (it
	// is in the WAL file, which the OS keeps); only a power loss or kernel
	// crash can lose the last commits, and it never corrupts the database.
	// FULL would add an fsync to every commit.
	q.Set("_synchronous", "NORMAL")
	// Another process (a backup, the sqlite3 shell) may hold a lock for a
	// moment: wait for it rather than fail.
	q.Set("_busy_timeout", "5000")
	// Apps own their endpoints, segments, campaigns, settings and keys;
	// the foreign keys cascade DeleteApp to them.
	q.Set("_foreign_keys", "on")
	// Take the write lock at BEGIN: a transaction that reads before it
	// writes can then never fail half-way with SQLITE_BUSY.
	q.Set("_txlock", "immediate")
	q.Add("_pragma", "temp_store(memory)")
	q.Add("_pragma", "cache_size(-32000)") // 32 MB of page cache for the hot indexes
	// The checkpointer goroutine copies the WAL back (checkpoint.go); the
	// writer's own autocheckpoint is only its guard.
	q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", writerAutocheckpoint))
	// Never shrink the WAL file on the writer: SQLite truncates it to
	// journal_size_limit when it starts the log over, inside the first
	// write after a complete checkpoint, and freeing a few hundred MB of
	// file took 70-200 ms (the first admin write after a quiet spell, in
	// the load bench). The checkpointer gives the space back once the
	// database is quiet (checkpoint.go).
	q.Add("_pragma", "journal_size_limit(-1)")
	return q.Encode()
}

// readerParams configures the read-only pool.
func readerParams() string {
	q := url.Values{}
	q.Set("mode", "ro") // SQLite refuses writes on these connections
	q.Set("_busy_timeout", "5000")
	q.Add("_pragma", "temp_store(memory)")
	return q.Encode()
}

// Ping runs a query on a read connection: it answers even while a long
// write batch holds the writer, which is what a health check wants to know.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// Close closes the readers first, so that the writer is the last
// connection: closing it checkpoints the WAL back into the database file.
func (db *DB) Close() error {
	var errs []error
	for _, stmt := range []*sql.Stmt{db.getEndpointStmt, db.capCountsStmt, db.endpointCapsStmt} {
		if stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.ckpt != nil {
		errs = append(errs, db.ckpt.close())
	}
	// optimize updates the query planner's statistics where they went
	// stale, as SQLite recommends doing before closing.
	if _, err := db.write.Exec("PRAGMA optimize"); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, db.write.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// Package sqlite is inappd's embedded storage: an inapp.Store on two
// SQLite files, through the pure-Go driver modernc.org/sqlite (no cgo).
//
// SQLite allows one writer at a time per file. Rather than let goroutines
// race for the write lock and retry on SQLITE_BUSY, every write to a file
// goes through one connection (a *sql.DB limited to one open connection),
// so writers queue in database/sql, in order and under their context.
// Reads use a separate pool of read-only connections: in WAL mode they
// never block a writer and a writer never blocks them (the ntfy /
// PocketBase arrangement).
//
// The main file (inappd.db) holds what people write and wait to see:
// apps, keys, settings, segments, campaigns, templates, endpoints,
// imports. The events file (inappd.events.db, beside it) holds what
// PutEvents writes: events, cap counters, endpoint activity, analytics
// and the stream outbox. Each has its own writer, so an admin write or an
// UpdateEndpoint never waits for an event batch, which under PutEvents
// load holds its writer for a second at a time. The read pool attaches
// the events file, so one statement reads an endpoint with its counters.
//
// Resources are stored as the JSON documents the API returns, next to the
// few columns needed to find and order them.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"

	inapp "github.com/inappd/inappd"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DB is an open inappd database. It implements inapp.Store.
type DB struct {
	write  *sql.DB // the main file's writer: exactly one connection
	events *sql.DB // the events file's writer, the main file attached read-only as appdb
	read   *sql.DB // read-only pool on the main file, the events file attached as eventdb

	// The reads of every GetInAppMessages, prepared once: parsing the SQL
	// again on each request showed up in profiles.
	getEndpointStmt  *sql.Stmt
	capCountsStmt    *sql.Stmt
	endpointCapsStmt *sql.Stmt

	// Transactions committed by each writer (tx.go), and the goroutines
	// that copy each file's WAL back beside its writer (checkpoint.go).
	commits, eventCommits atomic.Int64
	ckpt, eventCkpt       *checkpointer
	log                   *slog.Logger
}

// Options configures OpenWith; the zero value is Open's.
type Options struct {
	// Logger receives what the store reports: the move of an old
	// database's event tables, deletes left for later, checkpoints that
	// failed. Nil means slog.Default().
	Logger *slog.Logger
}

var _ inapp.Store = (*DB)(nil)

// EventsPath is the path of the events file that goes with the main
// database file at path: inappd.db → inappd.events.db. Backups copy both.
func EventsPath(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + ".events" + ext
}

// Open opens (creating them if needed) the database file at path and its
// events file (EventsPath), brings their schemas up to date, and moves
// the event tables of a database from before the events file into it
// (split.go).
func Open(ctx context.Context, path string) (*DB, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, path string, o Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// The files by their absolute paths; errors name them as given.
	eventsPath, eventsName := EventsPath(abs), EventsPath(path)
	mainURI, eventsURI := fileURI(abs), fileURI(eventsPath)
	db := &DB{log: cmp.Or(o.Logger, slog.Default())}
	// The writers open first: each switches its file to WAL mode and
	// creates its schema before any reader looks at it.
	w, err := sql.Open("sqlite", mainURI+"?"+writerParams())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.write = writer(w)
	if err := migrate(ctx, db.write, mainMigrations); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}
	pair, err := requireEventsFile(ctx, db.write, path, eventsName)
	if err != nil {
		db.Close()
		return nil, err
	}
	db.events = writer(sql.OpenDB(attaching(eventsURI+"?"+writerParams(), mainURI+"?mode=ro", "appdb")))
	if err := migrate(ctx, db.events, eventMigrations); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", eventsName, err)
	}
	if err := pairFiles(ctx, db.write, db.events, pair, path, eventsName); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.splitEventTables(ctx); err != nil {
		db.Close()
		return nil, err
	}

	db.read = sql.OpenDB(attaching(mainURI+"?"+readerParams(), eventsURI+"?mode=ro", "eventdb"))
	n := max(4, runtime.NumCPU())
	db.read.SetMaxOpenConns(n)
	db.read.SetMaxIdleConns(n)
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.prepareHotReads(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.finishCleanups(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.ckpt, err = startCheckpointer(mainURI, db.write, abs+"-wal", &db.commits, db.log); err != nil {
		db.Close()
		return nil, err
	}
	if db.eventCkpt, err = startCheckpointer(eventsURI, db.events, eventsPath+"-wal", &db.eventCommits, db.log); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// fileURI is a file: URI of an absolute path, so that a path holding '?',
// '#' or '%' stays a path.
func fileURI(abs string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

// writer makes w a pool of one connection that stays open.
func writer(w *sql.DB) *sql.DB {
	w.SetMaxOpenConns(1)
	// Never let the writer's connection go idle and close: it is the one
	// that created the WAL, and read-only connections need the WAL index
	// (-shm) to exist.
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	return w
}

// busyTimeoutMS is how long a connection waits for another process's
// lock (a backup, the sqlite3 shell) before it fails.
const busyTimeoutMS = 5000

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
	q.Set("_busy_timeout", strconv.Itoa(busyTimeoutMS))
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
	q.Set("_busy_timeout", strconv.Itoa(busyTimeoutMS))
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

// Close closes the readers first, so that the writers are the last
// connections: closing each checkpoints its WAL back into its file.
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
	for _, c := range []*checkpointer{db.ckpt, db.eventCkpt} {
		if c != nil {
			errs = append(errs, c.close())
		}
	}
	for _, w := range []*sql.DB{db.events, db.write} {
		if w == nil {
			continue
		}
		// optimize updates the query planner's statistics where they
		// went stale, as SQLite recommends doing before closing.
		if _, err := w.Exec("PRAGMA main.optimize"); err != nil {
			errs = append(errs, err)
		}
		errs = append(errs, w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/scan"
)

func errNoEndpoint(appID, id string) error {
	return notFound("Endpoint %s not found in application %s.", id, appID)
}

func (db *DB) GetEndpoint(ctx context.Context, appID, id string) (*inapp.Endpoint, error) {
	e, err := scanEndpoint(db.getEndpointStmt.QueryRowContext(hotContext(ctx), appID, id))
	if err == nil && e == nil {
		return nil, errNoEndpoint(appID, id)
	}
	return e, err
}

// getEndpoint returns nil, nil when the endpoint does not exist.
func getEndpoint(ctx context.Context, q querier, appID, id string) (*inapp.Endpoint, error) {
	return scanEndpoint(q.QueryRowContext(ctx, getEndpointSQL, appID, id))
}

func scanEndpoint(row *sql.Row) (*inapp.Endpoint, error) {
	var doc string
	err := row.Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get endpoint: %w", err)
	}
	return inapp.DecodeEndpoint(doc)
}

// UpdateEndpoints runs the read-modify-write of every endpoint in one
// transaction on the main file's writer connection: concurrent updates of one
// endpoint are serialized, and any error (from fn or from SQLite) rolls
// the whole call back. An fn that returns nil leaves that endpoint as it is.
//
// Large calls (import jobs send thousands of endpoints) read the current
// documents in batches and write through one prepared statement: parsing
// SQL per endpoint would cost more than the writes.
func (db *DB) UpdateEndpoints(ctx context.Context, appID string, ids []string, fn inapp.EndpointUpdate) error {
	return db.update(ctx, func(tx *sql.Tx) error {
		if err := appExists(ctx, tx, appID); err != nil {
			return err
		}
		current, err := getEndpoints(ctx, tx, appID, ids)
		if err != nil {
			return err
		}
		var put *sql.Stmt
		if len(ids) > 1 {
			if put, err = tx.PrepareContext(ctx, putEndpointSQL); err != nil {
				return fmt.Errorf("sqlite: put endpoint: %w", err)
			}
			defer put.Close()
		}
		for _, id := range ids {
			next, err := fn(id, current[id])
			if err != nil {
				return err
			}
			if next == nil {
				continue
			}
			current[id] = next // an ID given twice sees its first update
			if put == nil {
				err = putEndpoint(ctx, tx, appID, id, next)
			} else {
				err = execPutEndpoint(ctx, put, appID, id, next)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// endpointBatch is how many endpoints one read of UpdateEndpoints fetches.
const endpointBatch = 500

// getEndpoints returns the stored endpoints among ids (missing ones are
// absent from the map).
func getEndpoints(ctx context.Context, q querier, appID string, ids []string) (map[string]*inapp.Endpoint, error) {
	out := make(map[string]*inapp.Endpoint, len(ids))
	if len(ids) == 1 {
		e, err := getEndpoint(ctx, q, appID, ids[0])
		if e != nil {
			out[ids[0]] = e
		}
		return out, err
	}
	args := make([]any, 0, endpointBatch+1)
	for len(ids) > 0 {
		n := min(len(ids), endpointBatch)
		args = append(args[:0], appID)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		ids = ids[n:]
		rows, err := q.QueryContext(ctx, `SELECT id, doc FROM endpoints WHERE app_id = ? AND id IN (?`+strings.Repeat(",?", n-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("sqlite: get endpoints: %w", err)
		}
		for rows.Next() {
			var id, doc string
			if err := rows.Scan(&id, &doc); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite: get endpoints: %w", err)
			}
			e, err := inapp.DecodeEndpoint(doc)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: get endpoints: %w", err)
		}
	}
	return out, nil
}

const putEndpointSQL = `INSERT INTO endpoints (app_id, id, user_id, doc) VALUES (?, ?, ?, ?)
	ON CONFLICT (app_id, id) DO UPDATE SET user_id = excluded.user_id, doc = excluded.doc`

func putEndpoint(ctx context.Context, tx *sql.Tx, appID, id string, e *inapp.Endpoint) error {
	doc, err := encode(e)
	if err != nil {
		return err
	}
	if _, err = tx.ExecContext(ctx, putEndpointSQL, appID, id, userID(e), doc); err != nil {
		return fmt.Errorf("sqlite: put endpoint: %w", err)
	}
	return nil
}

func execPutEndpoint(ctx context.Context, put *sql.Stmt, appID, id string, e *inapp.Endpoint) error {
	doc, err := encode(e)
	if err != nil {
		return err
	}
	if _, err = put.ExecContext(ctx, appID, id, userID(e), doc); err != nil {
		return fmt.Errorf("sqlite: put endpoint: %w", err)
	}
	return nil
}

// userID is the indexed user_id column: NULL for an endpoint without a user.
func userID(e *inapp.Endpoint) any {
	if e.User == nil || e.User.UserID == "" {
		return nil
	}
	return e.User.UserID
}

func (db *DB) DeleteEndpoint(ctx context.Context, appID, id string) (*inapp.Endpoint, error) {
	var e *inapp.Endpoint
	err := db.update(ctx, func(tx *sql.Tx) error {
		var doc string
		err := tx.QueryRowContext(ctx, `DELETE FROM endpoints WHERE app_id = ? AND id = ? RETURNING doc`, appID, id).Scan(&doc)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoEndpoint(appID, id)
		}
		if err != nil {
			return fmt.Errorf("sqlite: delete endpoint: %w", err)
		}
		e, err = inapp.DecodeEndpoint(doc)
		return err
	})
	return e, err
}

func (db *DB) UserEndpoints(ctx context.Context, appID, userID string) ([]*inapp.Endpoint, error) {
	if err := appExists(ctx, db.read, appID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT doc FROM endpoints WHERE app_id = ? AND user_id = ? ORDER BY rowid`, appID, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: user endpoints: %w", err)
	}
	return readEndpoints(rows)
}

func (db *DB) EndpointsByAddress(ctx context.Context, appID, address string) ([]*inapp.Endpoint, error) {
	if err := appExists(ctx, db.read, appID); err != nil {
		return nil, err
	}
	// The expression is the index's, so the index serves the query.
	rows, err := db.read.QueryContext(ctx, `SELECT doc FROM endpoints
		WHERE app_id = ? AND json_extract(doc, '$.Address') = ? ORDER BY rowid`, appID, address)
	if err != nil {
		return nil, fmt.Errorf("sqlite: endpoints by address: %w", err)
	}
	return readEndpoints(rows)
}

// EndpointsByAddresses is EndpointsByAddress for many addresses, a batch
// of them per query (import pieces).
func (db *DB) EndpointsByAddresses(ctx context.Context, appID string, addresses []string) (map[string][]*inapp.Endpoint, error) {
	out := map[string][]*inapp.Endpoint{}
	args := make([]any, 0, endpointBatch+1)
	for len(addresses) > 0 {
		n := min(len(addresses), endpointBatch)
		args = append(args[:0], appID)
		for _, a := range addresses[:n] {
			args = append(args, a)
		}
		addresses = addresses[n:]
		rows, err := db.read.QueryContext(ctx, `SELECT doc FROM endpoints
			WHERE app_id = ? AND json_extract(doc, '$.Address') IN (?`+strings.Repeat(",?", n-1)+`) ORDER BY rowid`, args...)
		if err != nil {
			return nil, fmt.Errorf("sqlite: endpoints by address: %w", err)
		}
		es, err := readEndpoints(rows)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			out[e.Address] = append(out[e.Address], e)
		}
	}
	return out, nil
}

func (db *DB) DeleteUserEndpoints(ctx context.Context, appID, userID string) ([]*inapp.Endpoint, error) {
	var deleted []*inapp.Endpoint
	err := db.update(ctx, func(tx *sql.Tx) error {
		if err := appExists(ctx, tx, appID); err != nil {
			return err
		}
		// RETURNING gives rows in no promised order; ordering by rowid
		// first keeps the answer in creation order, like UserEndpoints.
		rows, err := tx.QueryContext(ctx, `SELECT doc FROM endpoints WHERE app_id = ? AND user_id = ? ORDER BY rowid`, appID, userID)
		if err != nil {
			return fmt.Errorf("sqlite: delete user endpoints: %w", err)
		}
		if deleted, err = readEndpoints(rows); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM endpoints WHERE app_id = ? AND user_id = ?`, appID, userID); err != nil {
			return fmt.Errorf("sqlite: delete user endpoints: %w", err)
		}
		return nil
	})
	return deleted, err
}

func readEndpoints(rows *sql.Rows) ([]*inapp.Endpoint, error) {
	defer rows.Close()
	es := []*inapp.Endpoint{}
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("sqlite: scan endpoint: %w", err)
		}
		e, err := inapp.DecodeEndpoint(doc)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read endpoints: %w", err)
	}
	return es, nil
}

// RemoveEndpointAttributes rewrites, in one transaction, every endpoint of
// the app that holds one of the names. The maps are edited in Go rather
// than with SQLite's json_remove so that documents keep exactly the shape
// encoding/json gives them.
func (db *DB) RemoveEndpointAttributes(ctx context.Context, appID string, kind inapp.AttributeKind, names []string) error {
	remove, err := inapp.AttributeRemover(kind, names)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *sql.Tx) error {
		if err := appExists(ctx, tx, appID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, doc FROM endpoints WHERE app_id = ?`, appID)
		if err != nil {
			return fmt.Errorf("sqlite: remove attributes: %w", err)
		}
		// Collect first, write after: no rewriting rows of the table the
		// open SELECT is still walking.
		changed := map[string]*inapp.Endpoint{}
		for rows.Next() {
			var id, doc string
			if err := rows.Scan(&id, &doc); err != nil {
				rows.Close()
				return fmt.Errorf("sqlite: remove attributes: %w", err)
			}
			e, err := inapp.DecodeEndpoint(doc)
			if err != nil {
				rows.Close()
				return err
			}
			if remove(e) {
				changed[id] = e
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlite: remove attributes: %w", err)
		}
		for id, e := range changed {
			if err := putEndpoint(ctx, tx, appID, id, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// scanBatch is how many endpoints ScanEndpoints reads per query, and
// scanWindow how many rowids one query of a scan in table order covers.
// Reading in batches keeps no read transaction open while fn runs, so a
// long scan neither holds a connection nor stops WAL checkpoints.
const (
	scanBatch  = 500
	scanWindow = 1000
)

// Queries of a scan: the app's endpoints in key order (the primary-key
// index, then a lookup in the table per row) or in table order (rowid
// windows, other apps' rows left out; the unary + keeps the planner from
// taking the app_id index for them).
const (
	scanByKeySQL   = `SELECT id, doc FROM endpoints WHERE app_id = ? AND id > ? ORDER BY id LIMIT ?`
	scanByRowidSQL = `SELECT doc FROM endpoints WHERE rowid BETWEEN ? AND ? AND +app_id = ?`
	rowidSpanSQL   = `SELECT (SELECT min(rowid) FROM endpoints), (SELECT max(rowid) FROM endpoints)`
	// Counts the app's index entries, stopping at the limit.
	scanProbeSQL = `SELECT count(*) FROM (SELECT 1 FROM endpoints WHERE app_id = ? LIMIT ?)`
)

// tableOrderShare: an app holding at least 1/tableOrderShare of the
// endpoints table's rowid range is scanned in table order. Rows inserted
// over time are in rowid order on disk; an app's rows in key (endpoint ID)
// order are spread all over them, so a scan in key order reads about one
// page per row, and one of a million endpoints took 4.1 s against 0.7 s in
// table order. Table order also reads the other apps' rows of the range
// (cheap: their documents are not copied out), which is why a small app
// keeps its index.
const tableOrderShare = 8

func (db *DB) ScanEndpoints(ctx context.Context, appID string, fn func(*inapp.Endpoint) bool) error {
	if err := appExists(ctx, db.read, appID); err != nil {
		return err
	}
	read, _, done, err := db.endpointDocs(ctx, appID)
	if err != nil {
		return err
	}
	defer done()
	return scan.Decode(ctx, read, inapp.DecodeEndpoint, fn)
}

// ScanEndpointDocs hands the stored documents of the app's endpoints
// (what inapp.DecodeEndpoint reads) to fn a batch at a time, each endpoint
// once, in no set order, from up to GOMAXPROCS goroutines at once; it
// stops at fn's first error. A segment size estimate decodes only what
// its segment reads (internal/endpointdoc), on every core.
func (db *DB) ScanEndpointDocs(ctx context.Context, appID string, fn func(docs []string) error) error {
	if err := appExists(ctx, db.read, appID); err != nil {
		return err
	}
	read, concurrent, done, err := db.endpointDocs(ctx, appID)
	if err != nil {
		return err
	}
	defer done()
	return scan.Batches(ctx, read, concurrent, fn)
}

// endpointDocs returns the reader of a scan of the app's endpoints: in
// table order when the app holds enough of the table (tableOrderShare),
// in key order otherwise. concurrent reports that read may be called from
// several goroutines (each call claims the next window of rowids); done
// releases what the scan holds, once it is over.
func (db *DB) endpointDocs(ctx context.Context, appID string) (read scan.Read, concurrent bool, done func(), err error) {
	nothing := func() {}
	var lo, hi sql.NullInt64
	if err := db.read.QueryRowContext(ctx, rowidSpanSQL).Scan(&lo, &hi); err != nil {
		return nil, false, nil, fmt.Errorf("sqlite: scan endpoints: %w", err)
	}
	if !lo.Valid { // no endpoints at all
		return func(context.Context) ([]string, bool, error) { return nil, false, nil }, false, nothing, nil
	}
	share := (hi.Int64 - lo.Int64 + 1) / tableOrderShare
	if share >= scanWindow {
		var n int64
		if err := db.read.QueryRowContext(ctx, scanProbeSQL, appID, share).Scan(&n); err != nil {
			return nil, false, nil, fmt.Errorf("sqlite: scan endpoints: %w", err)
		}
		if n >= share {
			// Prepared once per scan rather than per window (a thousand
			// windows for a million endpoints).
			stmt, err := db.read.PrepareContext(ctx, scanByRowidSQL)
			if err != nil {
				return nil, false, nil, fmt.Errorf("sqlite: scan endpoints: %w", err)
			}
			return endpointDocsByRowid(stmt, appID, lo.Int64, hi.Int64), true, func() { stmt.Close() }, nil
		}
	}
	return db.endpointDocsByKey(appID), false, nothing, nil
}

// endpointDocsByRowid reads the app's rows of rowids lo to hi with
// scanByRowidSQL, a window of scanWindow rowids per call. Rows added
// during the scan past hi are not read; an endpoint keeps its rowid when
// updated, so none is read twice.
func endpointDocsByRowid(stmt *sql.Stmt, appID string, lo, hi int64) scan.Read {
	var next atomic.Int64
	next.Store(lo)
	return func(ctx context.Context) ([]string, bool, error) {
		from := next.Add(scanWindow) - scanWindow
		if from > hi {
			return nil, false, nil
		}
		to := min(from+scanWindow-1, hi)
		rows, err := stmt.QueryContext(ctx, from, to, appID)
		if err != nil {
			return nil, false, fmt.Errorf("sqlite: scan endpoints: %w", err)
		}
		defer rows.Close()
		docs := make([]string, 0, scanWindow)
		for rows.Next() {
			var doc string
			if err := rows.Scan(&doc); err != nil {
				return nil, false, fmt.Errorf("sqlite: scan endpoints: %w", err)
			}
			docs = append(docs, doc)
		}
		if err := rows.Err(); err != nil {
			return nil, false, fmt.Errorf("sqlite: scan endpoints: %w", err)
		}
		return docs, to < hi, nil
	}
}

// endpointDocsByKey reads the app's rows in endpoint ID order, scanBatch
// per call, each call after the last; not for concurrent use.
func (db *DB) endpointDocsByKey(appID string) scan.Read {
	after := ""
	return func(ctx context.Context) ([]string, bool, error) {
		rows, err := db.read.QueryContext(ctx, scanByKeySQL, appID, after, scanBatch)
		if err != nil {
			return nil, false, fmt.Errorf("sqlite: scan endpoints: %w", err)
		}
		defer rows.Close()
		docs := make([]string, 0, scanBatch)
		for rows.Next() {
			var doc string
			if err := rows.Scan(&after, &doc); err != nil {
				return nil, false, fmt.Errorf("sqlite: scan endpoints: %w", err)
			}
			docs = append(docs, doc)
		}
		if err := rows.Err(); err != nil {
			return nil, false, fmt.Errorf("sqlite: scan endpoints: %w", err)
		}
		return docs, len(docs) == scanBatch, nil
	}
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/scan"
)

func errNoEndpoint(appID, id string) error {
	return notFound("Endpoint %s not found in application %s.", id, appID)
}

func (db *DB) GetEndpoint(ctx context.Context, appID, id string) (*inapp.Endpoint, error) {
	var doc string
	// keyText: an ID no endpoint can have is simply not found.
	err := db.pool.QueryRow(ctx, `SELECT doc FROM endpoints WHERE app_id = $1 AND id = $2`, keyText(appID), keyText(id)).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNoEndpoint(appID, id)
	}
	if err != nil {
		return nil, wrapErr("get endpoint", err)
	}
	e, err := inapp.DecodeEndpoint(doc)
	return e, wrapErr("get endpoint", err)
}

// UpdateEndpoints runs the read-modify-write of every endpoint in one
// transaction, holding a row lock on each endpoint named, so concurrent
// updates of one endpoint (from this node or another) are serialized.
//
// Locks are taken in ID order, whatever order ids come in, so that two
// calls naming the same endpoints in different orders cannot deadlock:
// first the rows that exist (SELECT … FOR UPDATE), then, once fn made
// them, the new endpoints, inserted with their documents (INSERT … ON
// CONFLICT DO NOTHING, which waits for a concurrent transaction inserting
// the same key). A new endpoint that another transaction inserted
// meanwhile is locked and run through fn again from what that one
// stored. fn runs in the caller's order; an fn that returns nil leaves
// that endpoint as it is, and any error rolls everything back.
//
// A new endpoint is written once, with its document (it used to be
// inserted as a placeholder to lock it, then written over: most of an
// import's time on PostgreSQL, BENCHMARKS.md "Tenth round").
func (db *DB) UpdateEndpoints(ctx context.Context, appID string, ids []string, fn inapp.EndpointUpdate) error {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	return db.update(ctx, "update endpoints", func(tx pgx.Tx) error {
		if len(sorted) == 0 {
			return appExists(ctx, tx, appID)
		}
		updates := map[string]written{} // rows that exist, locked: what to write over them
		pending := sorted
		for attempt := 0; len(pending) > 0; attempt++ {
			if attempt == 10 {
				return inapp.Errorf(inapp.ECONFLICT, "Endpoints of application %s are being deleted and re-created concurrently; retry.", appID)
			}
			stored, err := lockEndpoints(ctx, tx, appID, pending)
			if err != nil {
				return err
			}
			if attempt == 0 && len(stored) == 0 {
				// fn runs for no app: a missing one is refused first.
				if err := appExists(ctx, tx, appID); err != nil {
					return err
				}
			}
			results, err := runUpdates(ids, pending, stored, fn)
			if err != nil {
				return err
			}
			var fresh []string // sorted, as pending is
			for _, id := range pending {
				if w, ok := results[id]; ok {
					if _, ok := stored[id]; ok {
						updates[id] = w
					} else {
						fresh = append(fresh, id)
					}
				}
			}
			inserted, err := insertEndpoints(ctx, tx, appID, fresh, results)
			if err != nil {
				return err
			}
			pending = slices.DeleteFunc(fresh, func(id string) bool { return inserted[id] })
		}
		return updateEndpoints(ctx, tx, appID, updates)
	})
}

// lockEndpoints locks the rows of the endpoints that exist among ids
// (sorted, no duplicates), in ID order, and returns their documents.
func lockEndpoints(ctx context.Context, tx pgx.Tx, appID string, ids []string) (map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT id, doc FROM endpoints WHERE app_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE`, appID, ids)
	if err != nil {
		return nil, fmt.Errorf("lock endpoints: %w", err)
	}
	docs := make(map[string]string, len(ids))
	var id, doc string
	if _, err := pgx.ForEachRow(rows, []any{&id, &doc}, func() error {
		docs[id] = doc
		return nil
	}); err != nil {
		return nil, fmt.Errorf("lock endpoints: %w", err)
	}
	return docs, nil
}

// written is an endpoint fn returned, with its document.
type written struct {
	e   *inapp.Endpoint
	doc string
}

// runUpdates runs fn, in the order of ids, for the occurrences of the ids
// in pending, on their stored documents (stored; none for a new one), and
// returns what each was left at (none: nothing to write).
func runUpdates(ids, pending []string, stored map[string]string, fn inapp.EndpointUpdate) (map[string]written, error) {
	results := make(map[string]written, len(pending))
	for _, id := range ids {
		if _, ok := slices.BinarySearch(pending, id); !ok {
			continue
		}
		// A fresh copy of what is stored (or of what an earlier
		// occurrence of the same id wrote), as a re-read would give.
		var current *inapp.Endpoint
		doc, ok := stored[id]
		if w, again := results[id]; again {
			doc, ok = w.doc, true
		}
		if ok {
			var err error
			if current, err = inapp.DecodeEndpoint(doc); err != nil {
				return nil, err
			}
		}
		next, err := fn(id, current)
		if err != nil {
			return nil, err
		}
		if next == nil {
			continue
		}
		w := written{e: next}
		if w.doc, err = encode(next); err != nil {
			return nil, err
		}
		results[id] = w
	}
	return results, nil
}

// insertEndpoints inserts new endpoints (ids sorted) with their documents
// and returns those it inserted: one a concurrent transaction inserted
// first is left out.
func insertEndpoints(ctx context.Context, tx pgx.Tx, appID string, ids []string, results map[string]written) (map[string]bool, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	users, bodies := columns(ids, results)
	rows, err := tx.Query(ctx, `INSERT INTO endpoints (app_id, id, user_id, doc)
		SELECT $1, u.id, u.user_id, u.doc FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(id, user_id, doc, ord) ORDER BY u.ord
		ON CONFLICT (app_id, id) DO NOTHING RETURNING id`, appID, ids, users, bodies)
	if err != nil {
		return nil, fmt.Errorf("insert endpoints: %w", err)
	}
	inserted := make(map[string]bool, len(ids))
	var id string
	_, err = pgx.ForEachRow(rows, []any{&id}, func() error {
		inserted[id] = true
		return nil
	})
	if sqlState(err) == "23503" { // the foreign key to apps
		return nil, errNoApp(appID)
	}
	if err != nil {
		return nil, fmt.Errorf("insert endpoints: %w", err)
	}
	return inserted, nil
}

// updateEndpoints writes the new documents of locked endpoints, in one
// statement.
func updateEndpoints(ctx context.Context, tx pgx.Tx, appID string, updates map[string]written) error {
	if len(updates) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(updates))
	users, bodies := columns(ids, updates)
	_, err := tx.Exec(ctx, `UPDATE endpoints e SET user_id = u.user_id, doc = u.doc
		FROM unnest($2::text[], $3::text[], $4::text[]) AS u(id, user_id, doc)
		WHERE e.app_id = $1 AND e.id = u.id`, appID, ids, users, bodies)
	if err != nil {
		return fmt.Errorf("write endpoints: %w", err)
	}
	return nil
}

// columns are the user_id and doc columns of the endpoints ids.
func columns(ids []string, results map[string]written) (users []*string, bodies []string) {
	users = make([]*string, len(ids))
	bodies = make([]string, len(ids))
	for i, id := range ids {
		users[i], bodies[i] = userID(results[id].e), results[id].doc
	}
	return users, bodies
}

// userID is the indexed user_id column: NULL for an endpoint without a user.
func userID(e *inapp.Endpoint) *string {
	if e.User == nil || e.User.UserID == "" {
		return nil
	}
	return &e.User.UserID
}

func (db *DB) DeleteEndpoint(ctx context.Context, appID, id string) (*inapp.Endpoint, error) {
	var doc string
	err := db.pool.QueryRow(ctx, `DELETE FROM endpoints WHERE app_id = $1 AND id = $2 RETURNING doc`, appID, id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNoEndpoint(appID, id)
	}
	if err != nil {
		return nil, wrapErr("delete endpoint", err)
	}
	e, err := inapp.DecodeEndpoint(doc)
	return e, wrapErr("delete endpoint", err)
}

// UserEndpoints lists a user's endpoints in creation order, as the SQLite
// backend does.
func (db *DB) UserEndpoints(ctx context.Context, appID, userID string) ([]*inapp.Endpoint, error) {
	if err := appExists(ctx, db.pool, appID); err != nil {
		return nil, wrapErr("user endpoints", err)
	}
	rows, err := db.pool.Query(ctx, `SELECT doc FROM endpoints WHERE app_id = $1 AND user_id = $2 ORDER BY seq`, appID, userID)
	if err != nil {
		return nil, wrapErr("user endpoints", err)
	}
	es, err := readDocs[inapp.Endpoint](rows)
	return es, wrapErr("user endpoints", err)
}

func (db *DB) EndpointsByAddress(ctx context.Context, appID, address string) ([]*inapp.Endpoint, error) {
	if err := appExists(ctx, db.pool, appID); err != nil {
		return nil, wrapErr("endpoints by address", err)
	}
	// The expression is the index's, so the index serves the query.
	rows, err := db.pool.Query(ctx, `SELECT doc FROM endpoints
		WHERE app_id = $1 AND doc LIKE '%"Address":%' AND (doc::json) ->> 'Address' = $2 ORDER BY seq`, appID, address)
	if err != nil {
		return nil, wrapErr("endpoints by address", err)
	}
	es, err := readDocs[inapp.Endpoint](rows)
	return es, wrapErr("endpoints by address", err)
}

// EndpointsByAddresses is EndpointsByAddress for many addresses in one
// query (import pieces).
func (db *DB) EndpointsByAddresses(ctx context.Context, appID string, addresses []string) (map[string][]*inapp.Endpoint, error) {
	rows, err := db.pool.Query(ctx, `SELECT doc FROM endpoints
		WHERE app_id = $1 AND doc LIKE '%"Address":%' AND (doc::json) ->> 'Address' = ANY($2) ORDER BY seq`, appID, addresses)
	if err != nil {
		return nil, wrapErr("endpoints by address", err)
	}
	es, err := readDocs[inapp.Endpoint](rows)
	if err != nil {
		return nil, wrapErr("endpoints by address", err)
	}
	out := map[string][]*inapp.Endpoint{}
	for _, e := range es {
		out[e.Address] = append(out[e.Address], e)
	}
	return out, nil
}

// DeleteUserEndpoints locks the user's endpoints in ID order (the order
// UpdateEndpoints locks in), deletes them and returns them in creation
// order.
func (db *DB) DeleteUserEndpoints(ctx context.Context, appID, userID string) ([]*inapp.Endpoint, error) {
	var deleted []*inapp.Endpoint
	err := db.update(ctx, "delete user endpoints", func(tx pgx.Tx) error {
		if err := appExists(ctx, tx, appID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, seq, doc FROM endpoints WHERE app_id = $1 AND user_id = $2 ORDER BY id FOR UPDATE`, appID, userID)
		if err != nil {
			return err
		}
		type row struct {
			id  string
			seq int64
			doc string
		}
		var locked []row
		var r row
		if _, err := pgx.ForEachRow(rows, []any{&r.id, &r.seq, &r.doc}, func() error {
			locked = append(locked, r)
			return nil
		}); err != nil {
			return err
		}
		sort.Slice(locked, func(i, j int) bool { return locked[i].seq < locked[j].seq })
		ids := make([]string, len(locked))
		deleted = make([]*inapp.Endpoint, len(locked))
		for i, r := range locked {
			ids[i] = r.id
			if deleted[i], err = inapp.DecodeEndpoint(r.doc); err != nil {
				return err
			}
		}
		if len(ids) == 0 {
			return nil
		}
		_, err = tx.Exec(ctx, `DELETE FROM endpoints WHERE app_id = $1 AND id = ANY($2)`, appID, ids)
		return err
	})
	return deleted, err
}

// RemoveEndpointAttributes finds, without locking, the endpoints that hold
// one of the names, then locks those in ID order, removes the names from
// their current documents and writes back the ones that changed, in one
// transaction. The maps are edited in Go so that documents keep exactly
// the shape encoding/json gives them.
func (db *DB) RemoveEndpointAttributes(ctx context.Context, appID string, kind inapp.AttributeKind, names []string) error {
	remove, err := inapp.AttributeRemover(kind, names)
	if err != nil {
		return err
	}
	return db.update(ctx, "remove attributes", func(tx pgx.Tx) error {
		if err := appExists(ctx, tx, appID); err != nil {
			return err
		}
		var candidates []string
		// The scan reads with tx on its own goroutine; fn only collects.
		err := scanEndpoints(ctx, tx, appID, func(e *inapp.Endpoint) bool {
			if remove(e) {
				candidates = append(candidates, e.ID)
			}
			return true
		})
		if err != nil || len(candidates) == 0 {
			return err
		}
		slices.Sort(candidates)
		rows, err := tx.Query(ctx, `SELECT id, doc FROM endpoints WHERE app_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE`, appID, candidates)
		if err != nil {
			return err
		}
		var ids, docs []string
		var id, doc string
		if _, err := pgx.ForEachRow(rows, []any{&id, &doc}, func() error {
			e, err := inapp.DecodeEndpoint(doc)
			if err != nil {
				return err
			}
			if !remove(e) {
				return nil
			}
			body, err := encode(e)
			if err != nil {
				return err
			}
			ids, docs = append(ids, id), append(docs, body)
			return nil
		}); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE endpoints e SET doc = u.doc
			FROM unnest($2::text[], $3::text[]) AS u(id, doc)
			WHERE e.app_id = $1 AND e.id = u.id`, appID, ids, docs)
		return err
	})
}

// scanBatch is how many endpoint documents a scan hands out at a time.
const scanBatch = 500

func (db *DB) ScanEndpoints(ctx context.Context, appID string, fn func(*inapp.Endpoint) bool) error {
	if err := appExists(ctx, db.pool, appID); err != nil {
		return wrapErr("scan endpoints", err)
	}
	err := scanEndpoints(ctx, db.pool, appID, fn)
	return wrapErr("scan endpoints", err)
}

// scanEndpoints walks an app's endpoints, decoding on every core
// (internal/scan) while the next batch is read.
func scanEndpoints(ctx context.Context, q querier, appID string, fn func(*inapp.Endpoint) bool) error {
	docs := &endpointDocs{q: q, appID: appID}
	defer docs.close()
	return scan.Decode(ctx, docs.read, inapp.DecodeEndpoint, fn)
}

// ScanEndpointDocs hands the stored documents of the app's endpoints
// (what inapp.DecodeEndpoint reads) to fn a batch at a time, each endpoint
// once, from up to GOMAXPROCS goroutines at once; it stops at fn's first
// error. A segment size estimate decodes only what its segment reads.
func (db *DB) ScanEndpointDocs(ctx context.Context, appID string, fn func(docs []string) error) error {
	if err := appExists(ctx, db.pool, appID); err != nil {
		return wrapErr("scan endpoints", err)
	}
	docs := &endpointDocs{q: db.pool, appID: appID}
	defer docs.close()
	err := scan.Batches(ctx, docs.read, false, fn)
	return wrapErr("scan endpoints", err)
}

// endpointDocs reads an app's endpoint documents with one query, in
// whatever order PostgreSQL finds them: a sequential scan of the table for
// an app that holds most of it. Reading in ID order instead, a batch per
// query, visited the table in key order, one page per row for random IDs:
// 3.3 s for 1M endpoints against 1.0 s (BENCHMARKS.md, "Segment size
// estimate"). The query stays open for the scan, about a second per
// million endpoints, holding one connection and one snapshot meanwhile.
type endpointDocs struct {
	q     querier
	appID string
	rows  pgx.Rows
}

// read is a scan.Read: the query starts at the first call, with the
// scan's context, so that a scan stopped early cancels it.
func (r *endpointDocs) read(ctx context.Context) ([]string, bool, error) {
	if r.rows == nil {
		rows, err := r.q.Query(ctx, `SELECT doc FROM endpoints WHERE app_id = $1`, r.appID)
		if err != nil {
			return nil, false, err
		}
		r.rows = rows
	}
	docs := make([]string, 0, scanBatch)
	for len(docs) < scanBatch && r.rows.Next() {
		var doc string
		if err := r.rows.Scan(&doc); err != nil {
			return nil, false, err
		}
		docs = append(docs, doc)
	}
	if len(docs) < scanBatch {
		r.rows.Close()
		return docs, false, r.rows.Err()
	}
	return docs, true, nil
}

// close ends the query of a scan that stopped before its end.
func (r *endpointDocs) close() {
	if r.rows != nil {
		r.rows.Close()
	}
}

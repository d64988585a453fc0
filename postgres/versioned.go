package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
)

// versionedTable is the storage shared by segments and campaigns: a head
// table (one row per resource: creation order, latest version) and a
// versions table (one row per version). The latest version is the
// resource. T is inapp.Segment or inapp.Campaign.
type versionedTable[T any] struct {
	noun     string // "Segment", for messages
	head     string // head table name
	versions string // versions table name
	// key reads a document's app, id and version.
	key func(*T) (appID, id string, version int)
	// onDelete, when set, is a statement that removes what belongs to the
	// resource ($1 app, $2 id), run in the transaction that deletes it.
	onDelete string
}

func (t versionedTable[T]) notFound(appID, id string) error {
	return notFound("%s %s not found in application %s.", t.noun, id, appID)
}

// put stores v as a new version, which must be the latest plus one. The
// head row is locked while the version is checked and written, so two
// nodes writing the next version at once cannot both succeed: the second
// sees the first's version and gets ECONFLICT. Two creating the same new
// resource race on the head's unique key, which is ECONFLICT too.
func (t versionedTable[T]) put(ctx context.Context, db *DB, v *T) error {
	appID, id, version := t.key(v)
	doc, err := encode(v)
	if err != nil {
		return err
	}
	return db.update(ctx, "put "+t.head, func(tx pgx.Tx) error {
		latest := 0
		err := tx.QueryRow(ctx, `SELECT latest FROM `+t.head+` WHERE app_id = $1 AND id = $2 FOR UPDATE`, appID, id).Scan(&latest)
		if errors.Is(err, pgx.ErrNoRows) {
			// A new resource: its app must exist (a head row's app does).
			err = appExists(ctx, tx, appID)
		}
		if err != nil {
			return err
		}
		if version != latest+1 {
			return inapp.Errorf(inapp.ECONFLICT, "%s %s is at version %d: the next version is %d, not %d.", t.noun, id, latest, latest+1, version)
		}
		if latest == 0 {
			_, err = tx.Exec(ctx, `INSERT INTO `+t.head+` (app_id, id, latest) VALUES ($1, $2, $3)`, appID, id, version)
		} else {
			_, err = tx.Exec(ctx, `UPDATE `+t.head+` SET latest = $3 WHERE app_id = $1 AND id = $2`, appID, id, version)
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO `+t.versions+` (app_id, id, version, doc) VALUES ($1, $2, $3, $4)`, appID, id, version, doc)
		return err
	})
}

// get returns one version, or the latest when version is 0.
func (t versionedTable[T]) get(ctx context.Context, q querier, appID, id string, version int) (*T, error) {
	var row pgx.Row
	if version == 0 {
		row = q.QueryRow(ctx, `SELECT v.doc FROM `+t.head+` h
			JOIN `+t.versions+` v ON v.app_id = h.app_id AND v.id = h.id AND v.version = h.latest
			WHERE h.app_id = $1 AND h.id = $2`, appID, id)
	} else {
		row = q.QueryRow(ctx, `SELECT doc FROM `+t.versions+`
			WHERE app_id = $1 AND id = $2 AND version = $3::bigint`, appID, id, version)
	}
	var doc string
	err := row.Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		if version != 0 {
			return nil, notFound("%s %s has no version %d in application %s.", t.noun, id, version, appID)
		}
		return nil, t.notFound(appID, id)
	}
	if err != nil {
		return nil, wrapErr("get "+t.head, err)
	}
	v, err := decode[T](doc)
	return v, wrapErr("get "+t.head, err)
}

// latestOf selects (seq, doc) of the latest version of an app's resources
// after a seq, in creation order, up to a limit (NULL: no limit).
func (t versionedTable[T]) latestOf() string {
	return `SELECT h.seq, v.doc FROM ` + t.head + ` h
		JOIN ` + t.versions + ` v ON v.app_id = h.app_id AND v.id = h.id AND v.version = h.latest
		WHERE h.app_id = $1 AND h.seq > $2
		ORDER BY h.seq LIMIT $3`
}

func (t versionedTable[T]) list(ctx context.Context, db *DB, appID string, page inapp.Page) ([]*T, string, error) {
	after, err := afterSeq(page)
	if err != nil {
		return nil, "", err
	}
	if err := appExists(ctx, db.pool, appID); err != nil {
		return nil, "", wrapErr("list "+t.head, err)
	}
	size := pageSize(page)
	rows, err := db.pool.Query(ctx, t.latestOf(), appID, after, size+1)
	if err != nil {
		return nil, "", wrapErr("list "+t.head, err)
	}
	items, next, err := readPage[T](rows, size)
	return items, next, wrapErr("list "+t.head, err)
}

// all returns the latest version of every resource of the app.
func (t versionedTable[T]) all(ctx context.Context, db *DB, appID string) ([]*T, error) {
	if err := appExists(ctx, db.pool, appID); err != nil {
		return nil, wrapErr("all "+t.head, err)
	}
	rows, err := db.pool.Query(ctx, t.latestOf(), appID, 0, nil)
	if err != nil {
		return nil, wrapErr("all "+t.head, err)
	}
	items, _, err := readPage[T](rows, -1)
	return items, wrapErr("all "+t.head, err)
}

// listVersions lists versions newest first; the token is the last version
// of the previous page.
func (t versionedTable[T]) listVersions(ctx context.Context, db *DB, appID, id string, page inapp.Page) ([]*T, string, error) {
	before, err := beforeVersion(page)
	if err != nil {
		return nil, "", err
	}
	var exists bool
	err = db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+t.head+` WHERE app_id = $1 AND id = $2)`, appID, id).Scan(&exists)
	if err != nil {
		return nil, "", wrapErr("list "+t.versions, err)
	}
	if !exists {
		return nil, "", t.notFound(appID, id)
	}
	size := pageSize(page)
	rows, err := db.pool.Query(ctx, `SELECT version, doc FROM `+t.versions+`
		WHERE app_id = $1 AND id = $2 AND version < $3::bigint ORDER BY version DESC LIMIT $4`, appID, id, before, size+1)
	if err != nil {
		return nil, "", wrapErr("list "+t.versions, err)
	}
	items, next, err := readPage[T](rows, size)
	return items, next, wrapErr("list "+t.versions, err)
}

// delete removes every version and returns the latest: the versions go
// with the head row through their foreign key, and the query around the
// DELETE still reads the snapshot from before it.
func (t versionedTable[T]) delete(ctx context.Context, db *DB, appID, id string) (*T, error) {
	var doc string
	err := db.update(ctx, "delete "+t.head, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `WITH h AS (
				DELETE FROM `+t.head+` WHERE app_id = $1 AND id = $2 RETURNING app_id, id, latest
			)
			SELECT v.doc FROM h JOIN `+t.versions+` v ON v.app_id = h.app_id AND v.id = h.id AND v.version = h.latest`,
			appID, id).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return t.notFound(appID, id)
		}
		if err != nil || t.onDelete == "" {
			return err
		}
		_, err = tx.Exec(ctx, t.onDelete, appID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	v, err := decode[T](doc)
	return v, wrapErr("delete "+t.head, err)
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
	// onDelete, when set, removes what belongs to the resource, in the
	// transaction that deletes it.
	onDelete func(ctx context.Context, tx *sql.Tx, appID, id string) error
}

func (t versionedTable[T]) notFound(appID, id string) error {
	return notFound("%s %s not found in application %s.", t.noun, id, appID)
}

// put stores v as a new version, which must be the latest plus one.
func (t versionedTable[T]) put(ctx context.Context, db *DB, v *T) error {
	appID, id, version := t.key(v)
	doc, err := encode(v)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *sql.Tx) error {
		if err := appExists(ctx, tx, appID); err != nil {
			return err
		}
		latest := 0
		err := tx.QueryRowContext(ctx, `SELECT latest FROM `+t.head+` WHERE app_id = ? AND id = ?`, appID, id).Scan(&latest)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlite: put %s: %w", t.head, err)
		}
		if version != latest+1 {
			return inapp.Errorf(inapp.ECONFLICT, "%s %s is at version %d: the next version is %d, not %d.", t.noun, id, latest, latest+1, version)
		}
		if latest == 0 {
			_, err = tx.ExecContext(ctx, `INSERT INTO `+t.head+` (app_id, id, latest) VALUES (?, ?, ?)`, appID, id, version)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE `+t.head+` SET latest = ? WHERE app_id = ? AND id = ?`, version, appID, id)
		}
		if err != nil {
			return fmt.Errorf("sqlite: put %s: %w", t.head, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+t.versions+` (app_id, id, version, doc) VALUES (?, ?, ?, ?)`, appID, id, version, doc); err != nil {
			return fmt.Errorf("sqlite: put %s: %w", t.versions, err)
		}
		return nil
	})
}

// get returns one version, or the latest when version is 0.
func (t versionedTable[T]) get(ctx context.Context, q querier, appID, id string, version int) (*T, error) {
	var row *sql.Row
	if version == 0 {
		row = q.QueryRowContext(ctx, `SELECT v.doc FROM `+t.head+` h
			JOIN `+t.versions+` v ON v.app_id = h.app_id AND v.id = h.id AND v.version = h.latest
			WHERE h.app_id = ? AND h.id = ?`, appID, id)
	} else {
		row = q.QueryRowContext(ctx, `SELECT doc FROM `+t.versions+`
			WHERE app_id = ? AND id = ? AND version = ?`, appID, id, version)
	}
	var doc string
	err := row.Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		if version != 0 {
			return nil, notFound("%s %s has no version %d in application %s.", t.noun, id, version, appID)
		}
		return nil, t.notFound(appID, id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get %s: %w", t.head, err)
	}
	return decode[T](doc)
}

// latestOf selects (seq, doc) of the latest version of an app's resources
// after a seq, in creation order, up to a limit.
func (t versionedTable[T]) latestOf() string {
	return `SELECT h.seq, v.doc FROM ` + t.head + ` h
		JOIN ` + t.versions + ` v ON v.app_id = h.app_id AND v.id = h.id AND v.version = h.latest
		WHERE h.app_id = ? AND h.seq > ?
		ORDER BY h.seq LIMIT ?`
}

func (t versionedTable[T]) list(ctx context.Context, db *DB, appID string, page inapp.Page) ([]*T, string, error) {
	after, err := afterSeq(page)
	if err != nil {
		return nil, "", err
	}
	if err := appExists(ctx, db.read, appID); err != nil {
		return nil, "", err
	}
	size := pageSize(page)
	rows, err := db.read.QueryContext(ctx, t.latestOf(), appID, after, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list %s: %w", t.head, err)
	}
	return readPage(rows, size, keyedDoc[T])
}

// all returns the latest version of every resource of the app.
func (t versionedTable[T]) all(ctx context.Context, db *DB, appID string) ([]*T, error) {
	if err := appExists(ctx, db.read, appID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, t.latestOf(), appID, 0, -1) // LIMIT -1: no limit
	if err != nil {
		return nil, fmt.Errorf("sqlite: all %s: %w", t.head, err)
	}
	items, _, err := readPage(rows, -1, keyedDoc[T])
	return items, err
}

// listVersions lists versions newest first; the token is the last version
// of the previous page.
func (t versionedTable[T]) listVersions(ctx context.Context, db *DB, appID, id string, page inapp.Page) ([]*T, string, error) {
	before, err := beforeVersion(page)
	if err != nil {
		return nil, "", err
	}
	var one int
	err = db.read.QueryRowContext(ctx, `SELECT 1 FROM `+t.head+` WHERE app_id = ? AND id = ?`, appID, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", t.notFound(appID, id)
	}
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list %s: %w", t.versions, err)
	}
	size := pageSize(page)
	rows, err := db.read.QueryContext(ctx, `SELECT version, doc FROM `+t.versions+`
		WHERE app_id = ? AND id = ? AND version < ? ORDER BY version DESC LIMIT ?`, appID, id, before, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list %s: %w", t.versions, err)
	}
	return readPage(rows, size, keyedDoc[T])
}

// delete removes every version and returns the latest. The versions go
// with the head row through their foreign key.
func (t versionedTable[T]) delete(ctx context.Context, db *DB, appID, id string) (*T, error) {
	var latest *T
	err := db.update(ctx, func(tx *sql.Tx) error {
		var err error
		if latest, err = t.get(ctx, tx, appID, id, 0); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t.head+` WHERE app_id = ? AND id = ?`, appID, id); err != nil {
			return fmt.Errorf("sqlite: delete %s: %w", t.head, err)
		}
		if t.onDelete != nil {
			return t.onDelete(ctx, tx, appID, id)
		}
		return nil
	})
	return latest, err
}

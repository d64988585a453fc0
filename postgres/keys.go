package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
)

// Access keys are stored with their secrets: SigV4 verification needs the
// secret itself, not a hash of it. Protect the database accordingly.

func errNoKey(id string) error { return notFound("Access key %s not found.", id) }

// keyApp is the app_id column: NULL for a root key, so that the foreign
// key only applies to client keys.
func keyApp(appID string) *string {
	if appID == "" {
		return nil
	}
	return &appID
}

func (db *DB) CreateKey(ctx context.Context, k *inapp.AccessKey) error {
	doc, err := encode(k)
	if err != nil {
		return err
	}
	tag, err := db.pool.Exec(ctx, `INSERT INTO access_keys (id, app_id, doc) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
		k.ID, keyApp(k.AppID), doc)
	if sqlState(err) == "23503" {
		return errNoApp(k.AppID)
	}
	if err != nil {
		return wrapErr("create key", err)
	}
	if tag.RowsAffected() == 0 {
		return inapp.Errorf(inapp.ECONFLICT, "Access key %s already exists.", k.ID)
	}
	return nil
}

func (db *DB) GetKey(ctx context.Context, id string) (*inapp.AccessKey, error) {
	var doc string
	err := db.pool.QueryRow(ctx, `SELECT doc FROM access_keys WHERE id = $1`, id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNoKey(id)
	}
	if err != nil {
		return nil, wrapErr("get key", err)
	}
	k, err := decode[inapp.AccessKey](doc)
	return k, wrapErr("get key", err)
}

// ListKeys lists one app's keys, or the root keys for appID "", in
// creation order.
func (db *DB) ListKeys(ctx context.Context, appID string) ([]*inapp.AccessKey, error) {
	var rows pgx.Rows
	var err error
	if appID == "" {
		rows, err = db.pool.Query(ctx, `SELECT seq, doc FROM access_keys WHERE app_id IS NULL ORDER BY seq`)
	} else {
		rows, err = db.pool.Query(ctx, `SELECT seq, doc FROM access_keys WHERE app_id = $1 ORDER BY seq`, appID)
	}
	if err != nil {
		return nil, wrapErr("list keys", err)
	}
	keys, _, err := readPage[inapp.AccessKey](rows, -1)
	return keys, wrapErr("list keys", err)
}

func (db *DB) DeleteKey(ctx context.Context, id string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM access_keys WHERE id = $1`, id)
	if err != nil {
		return wrapErr("delete key", err)
	}
	if tag.RowsAffected() == 0 {
		return errNoKey(id)
	}
	return nil
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	inapp "github.com/inappd/inappd"
)

// Access keys are stored with their secrets: SigV4 verification needs the
// secret itself, not a hash of it. Protect the database file accordingly.

func errNoKey(id string) error { return notFound("Access key %s not found.", id) }

// keyApp is the app_id column: NULL for a root key, so that the foreign
// key only applies to client keys.
func keyApp(appID string) any {
	if appID == "" {
		return nil
	}
	return appID
}

func (db *DB) CreateKey(ctx context.Context, k *inapp.AccessKey) error {
	doc, err := encode(k)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *sql.Tx) error {
		if k.AppID != "" {
			if err := appExists(ctx, tx, k.AppID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO access_keys (id, app_id, doc) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			k.ID, keyApp(k.AppID), doc)
		if err != nil {
			return fmt.Errorf("sqlite: create key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return inapp.Errorf(inapp.ECONFLICT, "Access key %s already exists.", k.ID)
		}
		return nil
	})
}

func (db *DB) GetKey(ctx context.Context, id string) (*inapp.AccessKey, error) {
	var doc string
	err := db.read.QueryRowContext(ctx, `SELECT doc FROM access_keys WHERE id = ?`, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoKey(id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get key: %w", err)
	}
	return decode[inapp.AccessKey](doc)
}

// ListKeys lists one app's keys, or the root keys for appID "", in
// creation order.
func (db *DB) ListKeys(ctx context.Context, appID string) ([]*inapp.AccessKey, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT seq, doc FROM access_keys WHERE app_id IS ? ORDER BY seq`, keyApp(appID))
	if err != nil {
		return nil, fmt.Errorf("sqlite: list keys: %w", err)
	}
	keys, _, err := readPage(rows, -1, keyedDoc[inapp.AccessKey])
	return keys, err
}

func (db *DB) DeleteKey(ctx context.Context, id string) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM access_keys WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNoKey(id)
	}
	return nil
}

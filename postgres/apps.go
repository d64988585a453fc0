package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
)

func (db *DB) CreateApp(ctx context.Context, app *inapp.App) error {
	doc, err := encode(app)
	if err != nil {
		return err
	}
	tag, err := db.pool.Exec(ctx, `INSERT INTO apps (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, app.ID, doc)
	if err != nil {
		return wrapErr("create app", err)
	}
	if tag.RowsAffected() == 0 {
		return inapp.Errorf(inapp.ECONFLICT, "Application %s already exists.", app.ID)
	}
	return nil
}

func (db *DB) GetApp(ctx context.Context, id string) (*inapp.App, error) {
	app, err := getApp(ctx, db.pool, id, false)
	return app, wrapErr("get app", err)
}

// getApp reads an app; forUpdate locks its row until the transaction ends.
func getApp(ctx context.Context, q querier, id string, forUpdate bool) (*inapp.App, error) {
	query := `SELECT doc FROM apps WHERE id = $1`
	if forUpdate {
		query += ` FOR UPDATE`
	}
	var doc string
	err := q.QueryRow(ctx, query, id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNoApp(id)
	}
	if err != nil {
		return nil, err
	}
	return decode[inapp.App](doc)
}

func (db *DB) ListApps(ctx context.Context, page inapp.Page) ([]*inapp.App, string, error) {
	after, err := afterSeq(page)
	if err != nil {
		return nil, "", err
	}
	size := pageSize(page)
	rows, err := db.pool.Query(ctx, `SELECT seq, doc FROM apps WHERE seq > $1 ORDER BY seq LIMIT $2`, after, size+1)
	if err != nil {
		return nil, "", wrapErr("list apps", err)
	}
	apps, next, err := readPage[inapp.App](rows, size)
	return apps, next, wrapErr("list apps", err)
}

// DeleteApp deletes the app row; the foreign keys cascade to its
// settings, endpoints, segments, campaigns, client keys and import jobs.
// Events, counters, endpoint activity and segment members have no foreign
// key (see the schema) and
// tags are keyed by ARN, so those are deleted here, in the same
// transaction. The app row is locked first, so that two deletes of one app
// do not both report success.
func (db *DB) DeleteApp(ctx context.Context, id string) (*inapp.App, error) {
	var app *inapp.App
	err := db.update(ctx, "delete app", func(tx pgx.Tx) error {
		var err error
		if app, err = getApp(ctx, tx, id, true); err != nil {
			return err
		}
		arn := inapp.AppArn(id)
		for _, del := range []struct {
			what  string
			query string
			args  []any
		}{
			{"events", `DELETE FROM events WHERE app_id = $1`, []any{id}},
			{"counters", `DELETE FROM counters WHERE app_id = $1`, []any{id}},
			{"endpoint activity", `DELETE FROM endpoint_activity WHERE app_id = $1`, []any{id}},
			{"segment members", `DELETE FROM segment_members WHERE app_id = $1`, []any{id}},
			// The app's own tags and those of everything under its ARN
			// (segments, campaigns): '0' is the character after '/', and
			// the column's "C" collation compares bytes.
			{"tags", `DELETE FROM tags WHERE arn = $1 OR (arn >= $2 AND arn < $3)`, []any{arn, arn + "/", arn + "0"}},
			{"app", `DELETE FROM apps WHERE id = $1`, []any{id}},
		} {
			if _, err := tx.Exec(ctx, del.query, del.args...); err != nil {
				return fmt.Errorf("%s: %w", del.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return app, nil
}

func (db *DB) GetAppSettings(ctx context.Context, appID string) (*inapp.AppSettings, error) {
	var doc *string
	// LEFT JOIN: one query tells a missing app from an app without settings.
	err := db.pool.QueryRow(ctx, `SELECT s.doc FROM apps a LEFT JOIN app_settings s ON s.app_id = a.id WHERE a.id = $1`, appID).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNoApp(appID)
	}
	if err != nil {
		return nil, wrapErr("get app settings", err)
	}
	if doc == nil {
		return &inapp.AppSettings{ApplicationID: appID}, nil
	}
	s, err := decode[inapp.AppSettings](*doc)
	return s, wrapErr("get app settings", err)
}

// PutAppSettings upserts the document; the foreign key refuses settings
// for an app that is not there (or that a concurrent DeleteApp removed).
func (db *DB) PutAppSettings(ctx context.Context, s *inapp.AppSettings) error {
	doc, err := encode(s)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, `INSERT INTO app_settings (app_id, doc) VALUES ($1, $2)
		ON CONFLICT (app_id) DO UPDATE SET doc = EXCLUDED.doc`, s.ApplicationID, doc)
	if sqlState(err) == "23503" {
		return errNoApp(s.ApplicationID)
	}
	return wrapErr("put app settings", err)
}

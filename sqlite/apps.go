package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	inapp "github.com/inappd/inappd"
)

func (db *DB) CreateApp(ctx context.Context, app *inapp.App) error {
	doc, err := encode(app)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO apps (id, doc) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, app.ID, doc)
		if err != nil {
			return fmt.Errorf("sqlite: create app: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return inapp.Errorf(inapp.ECONFLICT, "Application %s already exists.", app.ID)
		}
		return nil
	})
}

func (db *DB) GetApp(ctx context.Context, id string) (*inapp.App, error) {
	return getApp(ctx, db.read, id)
}

func getApp(ctx context.Context, q querier, id string) (*inapp.App, error) {
	var doc string
	err := q.QueryRowContext(ctx, `SELECT doc FROM apps WHERE id = ?`, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoApp(id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get app: %w", err)
	}
	return decode[inapp.App](doc)
}

func (db *DB) ListApps(ctx context.Context, page inapp.Page) ([]*inapp.App, string, error) {
	after, err := afterSeq(page)
	if err != nil {
		return nil, "", err
	}
	size := pageSize(page)
	rows, err := db.read.QueryContext(ctx, `SELECT seq, doc FROM apps WHERE seq > ? ORDER BY seq LIMIT ?`, after, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list apps: %w", err)
	}
	return readPage(rows, size, keyedDoc[inapp.App])
}

// DeleteApp deletes the app row; the foreign keys cascade to its
// settings, endpoints, segments, campaigns, client keys and import jobs.
// Segment members have no foreign key (see the schema) and tags are keyed
// by ARN, so those are deleted here, in the same transaction. The rows of
// the events file go right after it commits (cleanup.go).
func (db *DB) DeleteApp(ctx context.Context, id string) (*inapp.App, error) {
	var app *inapp.App
	err := db.update(ctx, func(tx *sql.Tx) error {
		var err error
		if app, err = getApp(ctx, tx, id); err != nil {
			return err
		}
		arn := inapp.AppArn(id)
		for _, del := range []struct {
			what  string
			query string
			args  []any
		}{
			{"segment members", `DELETE FROM segment_members WHERE app_id = ?`, []any{id}},
			// The app's own tags and those of everything under its ARN
			// (segments, campaigns): '0' is the character after '/'.
			{"tags", `DELETE FROM tags WHERE arn = ? OR (arn >= ? AND arn < ?)`, []any{arn, arn + "/", arn + "0"}},
			{"app", `DELETE FROM apps WHERE id = ?`, []any{id}},
		} {
			if _, err := tx.ExecContext(ctx, del.query, del.args...); err != nil {
				return fmt.Errorf("sqlite: delete app %s: %w", del.what, err)
			}
		}
		return oweCleanup(ctx, tx, id, cleanApp)
	})
	if err != nil {
		return nil, err
	}
	db.cleanAfter(ctx, id, cleanApp)
	return app, nil
}

func (db *DB) GetAppSettings(ctx context.Context, appID string) (*inapp.AppSettings, error) {
	var doc sql.NullString
	// LEFT JOIN: one query tells a missing app from an app without settings.
	err := db.read.QueryRowContext(ctx, `SELECT s.doc FROM apps a LEFT JOIN app_settings s ON s.app_id = a.id WHERE a.id = ?`, appID).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoApp(appID)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get app settings: %w", err)
	}
	if !doc.Valid {
		return &inapp.AppSettings{ApplicationID: appID}, nil
	}
	return decode[inapp.AppSettings](doc.String)
}

func (db *DB) PutAppSettings(ctx context.Context, s *inapp.AppSettings) error {
	return db.putAppDoc(ctx, "app_settings", "app settings", s.ApplicationID, s)
}

// putAppDoc stores v as the document of an app's one row in table (a table
// keyed by app_id with a doc column), replacing what was there; ENOTFOUND
// when the app is missing. what names the resource in errors.
func (db *DB) putAppDoc(ctx context.Context, table, what, appID string, v any) error {
	doc, err := encode(v)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *sql.Tx) error {
		if err := appExists(ctx, tx, appID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (app_id, doc) VALUES (?, ?)
			ON CONFLICT (app_id) DO UPDATE SET doc = excluded.doc`, appID, doc)
		if err != nil {
			return fmt.Errorf("sqlite: put %s: %w", what, err)
		}
		return nil
	})
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
)

// Templates are a head row per name (creation order, active version) and a
// row per version. Version numbers are ints here, strings on the wire.
// Every write that depends on what versions exist (a new version, the
// active one, deleting one) first locks the head row, so those writes are
// serialized per template across nodes.

func errNoTemplate(name string) error {
	return notFound("Template %s not found.", name)
}

func errNoTemplateVersion(name, version string) error {
	return notFound("Template %s has no version %q.", name, version)
}

// templateVersion parses a wire version; one that is not a number names no
// version that can exist.
func templateVersion(name, version string) (int, error) {
	v, err := strconv.Atoi(version)
	if err != nil || v <= 0 || v > math.MaxInt32 {
		return 0, errNoTemplateVersion(name, version)
	}
	return v, nil
}

// lockTemplate locks the head row of a template, reporting false when
// there is none.
func lockTemplate(ctx context.Context, tx pgx.Tx, name string) (bool, error) {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM templates WHERE name = $1 FOR UPDATE`, name).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// createOrLockTemplate locks the head row of a template, creating it
// (active version 1) if needed: insert-or-lock, tried again if a
// concurrent delete removes the row between the two statements.
func createOrLockTemplate(ctx context.Context, tx pgx.Tx, name string) error {
	for range 10 {
		if _, err := tx.Exec(ctx, `INSERT INTO templates (name, active) VALUES ($1, 1) ON CONFLICT (name) DO NOTHING`, name); err != nil {
			return err
		}
		if ok, err := lockTemplate(ctx, tx, name); ok || err != nil {
			return err
		}
	}
	return inapp.Errorf(inapp.ECONFLICT, "Template %s is being deleted and re-created concurrently; retry.", name)
}

func (db *DB) PutTemplate(ctx context.Context, t *inapp.Template, newVersion bool) error {
	var written int
	err := db.update(ctx, "put template", func(tx pgx.Tx) error {
		var err error
		if newVersion {
			if err := createOrLockTemplate(ctx, tx, t.TemplateName); err != nil {
				return err
			}
			if written, err = latestTemplateVersion(ctx, tx, t.TemplateName); err != nil {
				return err
			}
			written++
			if written == 1 {
				// The first version is the active one. (The head row was
				// inserted with active 1: this writes nothing then.)
				if _, err := tx.Exec(ctx, `UPDATE templates SET active = 1 WHERE name = $1 AND active <> 1`, t.TemplateName); err != nil {
					return err
				}
			}
		} else if written, err = templateVersion(t.TemplateName, t.Version); err != nil {
			return err
		}
		// Encode a copy: t.Version changes only once the write is committed.
		c := *t
		c.Version = strconv.Itoa(written)
		doc, err := encode(&c)
		if err != nil {
			return err
		}
		if newVersion {
			_, err = tx.Exec(ctx, `INSERT INTO template_versions (name, version, doc) VALUES ($1, $2, $3)`, t.TemplateName, written, doc)
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE template_versions SET doc = $3 WHERE name = $1 AND version = $2`, t.TemplateName, written, doc)
		if err == nil && tag.RowsAffected() == 0 {
			return errNoTemplateVersion(t.TemplateName, t.Version)
		}
		return err
	})
	if err != nil {
		return err
	}
	t.Version = strconv.Itoa(written)
	return nil
}

// latestTemplateVersion returns the newest version number, 0 when the
// template does not exist.
func latestTemplateVersion(ctx context.Context, q querier, name string) (int, error) {
	var latest int
	err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM template_versions WHERE name = $1`, name).Scan(&latest)
	if err != nil {
		return 0, fmt.Errorf("latest template version: %w", err)
	}
	return latest, nil
}

func (db *DB) GetTemplate(ctx context.Context, name, version string) (*inapp.Template, error) {
	var row pgx.Row
	if version == "" {
		row = db.pool.QueryRow(ctx, `SELECT v.doc FROM templates h
			JOIN template_versions v ON v.name = h.name AND v.version = h.active
			WHERE h.name = $1`, name)
	} else {
		v, err := templateVersion(name, version)
		if err != nil {
			return nil, err
		}
		row = db.pool.QueryRow(ctx, `SELECT doc FROM template_versions WHERE name = $1 AND version = $2::bigint`, name, v)
	}
	var doc string
	err := row.Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		if version == "" {
			return nil, errNoTemplate(name)
		}
		return nil, errNoTemplateVersion(name, version)
	}
	if err != nil {
		return nil, wrapErr("get template", err)
	}
	t, err := decode[inapp.Template](doc)
	return t, wrapErr("get template", err)
}

func (db *DB) LatestTemplateVersion(ctx context.Context, name string) (string, error) {
	latest, err := latestTemplateVersion(ctx, db.pool, name)
	if err != nil {
		return "", wrapErr("latest template version", err)
	}
	if latest == 0 {
		return "", errNoTemplate(name)
	}
	return strconv.Itoa(latest), nil
}

func (db *DB) ListTemplates(ctx context.Context, prefix string, page inapp.Page) ([]*inapp.Template, string, error) {
	after, err := afterSeq(page)
	if err != nil {
		return nil, "", err
	}
	size := pageSize(page)
	// starts_with rather than LIKE: a prefix holding % or _ means itself.
	rows, err := db.pool.Query(ctx, `SELECT h.seq, v.doc FROM templates h
		JOIN template_versions v ON v.name = h.name AND v.version = h.active
		WHERE h.seq > $1 AND starts_with(h.name, $2)
		ORDER BY h.seq LIMIT $3`, after, prefix, size+1)
	if err != nil {
		return nil, "", wrapErr("list templates", err)
	}
	items, next, err := readPage[inapp.Template](rows, size)
	return items, next, wrapErr("list templates", err)
}

func (db *DB) ListTemplateVersions(ctx context.Context, name string, page inapp.Page) ([]*inapp.Template, string, error) {
	before, err := beforeVersion(page)
	if err != nil {
		return nil, "", err
	}
	latest, err := latestTemplateVersion(ctx, db.pool, name)
	if err != nil {
		return nil, "", wrapErr("list template versions", err)
	}
	if latest == 0 {
		return nil, "", errNoTemplate(name)
	}
	size := pageSize(page)
	rows, err := db.pool.Query(ctx, `SELECT version, doc FROM template_versions
		WHERE name = $1 AND version < $2::bigint ORDER BY version DESC LIMIT $3`, name, before, size+1)
	if err != nil {
		return nil, "", wrapErr("list template versions", err)
	}
	items, next, err := readPage[inapp.Template](rows, size)
	return items, next, wrapErr("list template versions", err)
}

func (db *DB) SetActiveTemplateVersion(ctx context.Context, name, version string) error {
	v, err := templateVersion(name, version)
	if err != nil {
		return err
	}
	return db.update(ctx, "set active template version", func(tx pgx.Tx) error {
		// Locked first, checked after: a version deleted meanwhile is seen
		// as deleted (each statement reads what was committed before it).
		ok, err := lockTemplate(ctx, tx, name)
		if err != nil {
			return err
		}
		if !ok {
			return errNoTemplateVersion(name, version)
		}
		tag, err := tx.Exec(ctx, `UPDATE templates SET active = $2 WHERE name = $1
			AND EXISTS (SELECT 1 FROM template_versions WHERE name = $1 AND version = $2)`, name, v)
		if err == nil && tag.RowsAffected() == 0 {
			return errNoTemplateVersion(name, version)
		}
		return err
	})
}

func (db *DB) DeleteTemplate(ctx context.Context, name, version string) error {
	if version == "" {
		// The versions go with the head row through their foreign key.
		tag, err := db.pool.Exec(ctx, `DELETE FROM templates WHERE name = $1`, name)
		if err != nil {
			return wrapErr("delete template", err)
		}
		if tag.RowsAffected() == 0 {
			return errNoTemplate(name)
		}
		return nil
	}
	v, err := templateVersion(name, version)
	if err != nil {
		return err
	}
	return db.update(ctx, "delete template version", func(tx pgx.Tx) error {
		ok, err := lockTemplate(ctx, tx, name)
		if err != nil {
			return err
		}
		if !ok {
			return errNoTemplateVersion(name, version)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM template_versions WHERE name = $1 AND version = $2`, name, v)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errNoTemplateVersion(name, version)
		}
		latest, err := latestTemplateVersion(ctx, tx, name)
		if err != nil {
			return err
		}
		if latest == 0 {
			// That was the last version: the template is gone.
			_, err = tx.Exec(ctx, `DELETE FROM templates WHERE name = $1`, name)
		} else {
			// Deleting the active version makes the latest remaining one active.
			_, err = tx.Exec(ctx, `UPDATE templates SET active = $2 WHERE name = $1 AND active = $3`, name, latest, v)
		}
		return err
	})
}

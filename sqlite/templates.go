package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	inapp "github.com/inappd/inappd"
)

// Templates are a head row per name (creation order, active version) and a
// row per version. Version numbers are ints here, strings on the wire.

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
	if err != nil || v <= 0 {
		return 0, errNoTemplateVersion(name, version)
	}
	return v, nil
}

func (db *DB) PutTemplate(ctx context.Context, t *inapp.Template, newVersion bool) error {
	var written int
	err := db.update(ctx, func(tx *sql.Tx) error {
		var err error
		if newVersion {
			written, err = latestTemplateVersion(ctx, tx, t.TemplateName)
			if err != nil {
				return err
			}
			written++
			if written == 1 {
				// A new template: its first version is the active one.
				_, err = tx.ExecContext(ctx, `INSERT INTO templates (name, active) VALUES (?, 1)`, t.TemplateName)
				if err != nil {
					return fmt.Errorf("sqlite: put template: %w", err)
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
		var res sql.Result
		if newVersion {
			res, err = tx.ExecContext(ctx, `INSERT INTO template_versions (name, version, doc) VALUES (?, ?, ?)`, t.TemplateName, written, doc)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE template_versions SET doc = ? WHERE name = ? AND version = ?`, doc, t.TemplateName, written)
		}
		if err != nil {
			return fmt.Errorf("sqlite: put template: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNoTemplateVersion(t.TemplateName, t.Version)
		}
		return nil
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
	var latest sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT max(version) FROM template_versions WHERE name = ?`, name).Scan(&latest); err != nil {
		return 0, fmt.Errorf("sqlite: latest template version: %w", err)
	}
	return int(latest.Int64), nil
}

func (db *DB) GetTemplate(ctx context.Context, name, version string) (*inapp.Template, error) {
	var row *sql.Row
	if version == "" {
		row = db.read.QueryRowContext(ctx, `SELECT v.doc FROM templates h
			JOIN template_versions v ON v.name = h.name AND v.version = h.active
			WHERE h.name = ?`, name)
	} else {
		v, err := templateVersion(name, version)
		if err != nil {
			return nil, err
		}
		row = db.read.QueryRowContext(ctx, `SELECT doc FROM template_versions WHERE name = ? AND version = ?`, name, v)
	}
	var doc string
	err := row.Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		if version == "" {
			return nil, errNoTemplate(name)
		}
		return nil, errNoTemplateVersion(name, version)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get template: %w", err)
	}
	return decode[inapp.Template](doc)
}

func (db *DB) LatestTemplateVersion(ctx context.Context, name string) (string, error) {
	latest, err := latestTemplateVersion(ctx, db.read, name)
	if err != nil {
		return "", err
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
	// substr rather than LIKE: a prefix holding % or _ means itself.
	rows, err := db.read.QueryContext(ctx, `SELECT h.seq, v.doc FROM templates h
		JOIN template_versions v ON v.name = h.name AND v.version = h.active
		WHERE h.seq > ? AND substr(h.name, 1, length(?)) = ?
		ORDER BY h.seq LIMIT ?`, after, prefix, prefix, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list templates: %w", err)
	}
	return readPage(rows, size, keyedDoc[inapp.Template])
}

func (db *DB) ListTemplateVersions(ctx context.Context, name string, page inapp.Page) ([]*inapp.Template, string, error) {
	before, err := beforeVersion(page)
	if err != nil {
		return nil, "", err
	}
	latest, err := latestTemplateVersion(ctx, db.read, name)
	if err != nil {
		return nil, "", err
	}
	if latest == 0 {
		return nil, "", errNoTemplate(name)
	}
	size := pageSize(page)
	rows, err := db.read.QueryContext(ctx, `SELECT version, doc FROM template_versions
		WHERE name = ? AND version < ? ORDER BY version DESC LIMIT ?`, name, before, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list template versions: %w", err)
	}
	return readPage(rows, size, keyedDoc[inapp.Template])
}

func (db *DB) SetActiveTemplateVersion(ctx context.Context, name, version string) error {
	v, err := templateVersion(name, version)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE templates SET active = ? WHERE name = ?
			AND EXISTS (SELECT 1 FROM template_versions WHERE name = ? AND version = ?)`, v, name, name, v)
		if err != nil {
			return fmt.Errorf("sqlite: set active template version: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNoTemplateVersion(name, version)
		}
		return nil
	})
}

func (db *DB) DeleteTemplate(ctx context.Context, name, version string) error {
	if version == "" {
		return db.update(ctx, func(tx *sql.Tx) error {
			// The versions go with the head row through their foreign key.
			res, err := tx.ExecContext(ctx, `DELETE FROM templates WHERE name = ?`, name)
			if err != nil {
				return fmt.Errorf("sqlite: delete template: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errNoTemplate(name)
			}
			return nil
		})
	}
	v, err := templateVersion(name, version)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM template_versions WHERE name = ? AND version = ?`, name, v)
		if err != nil {
			return fmt.Errorf("sqlite: delete template version: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNoTemplateVersion(name, version)
		}
		latest, err := latestTemplateVersion(ctx, tx, name)
		if err != nil {
			return err
		}
		if latest == 0 {
			// That was the last version: the template is gone.
			_, err = tx.ExecContext(ctx, `DELETE FROM templates WHERE name = ?`, name)
		} else {
			// Deleting the active version makes the latest remaining one active.
			_, err = tx.ExecContext(ctx, `UPDATE templates SET active = ? WHERE name = ? AND active = ?`, latest, name, v)
		}
		if err != nil {
			return fmt.Errorf("sqlite: delete template version: %w", err)
		}
		return nil
	})
}

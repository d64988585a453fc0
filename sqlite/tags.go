package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// Tags are keyed by ARN and know nothing of the resources they tag: an
// ARN without tags simply has none.

func (db *DB) GetTags(ctx context.Context, arn string) (map[string]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT key, value FROM tags WHERE arn = ?`, arn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: get tags: %w", err)
	}
	defer rows.Close()
	tags := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("sqlite: get tags: %w", err)
		}
		tags[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: get tags: %w", err)
	}
	return tags, nil
}

func (db *DB) AddTags(ctx context.Context, arn string, tags map[string]string) error {
	return db.update(ctx, func(tx *sql.Tx) error {
		for k, v := range tags {
			if _, err := tx.ExecContext(ctx, `INSERT INTO tags (arn, key, value) VALUES (?, ?, ?)
				ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value`, arn, k, v); err != nil {
				return fmt.Errorf("sqlite: add tags: %w", err)
			}
		}
		return nil
	})
}

func (db *DB) RemoveTags(ctx context.Context, arn string, keys []string) error {
	return db.update(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE arn = ? AND key = ?`, arn, k); err != nil {
				return fmt.Errorf("sqlite: remove tags: %w", err)
			}
		}
		return nil
	})
}

func (db *DB) DeleteTags(ctx context.Context, arn string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM tags WHERE arn = ?`, arn); err != nil {
		return fmt.Errorf("sqlite: delete tags: %w", err)
	}
	return nil
}

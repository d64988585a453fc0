package postgres

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"
)

// Tags are keyed by ARN and know nothing of the resources they tag: an
// ARN without tags simply has none.

func (db *DB) GetTags(ctx context.Context, arn string) (map[string]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT key, value FROM tags WHERE arn = $1`, arn)
	if err != nil {
		return nil, wrapErr("get tags", err)
	}
	tags := map[string]string{}
	var k, v string
	_, err = pgx.ForEachRow(rows, []any{&k, &v}, func() error {
		tags[k] = v
		return nil
	})
	if err != nil {
		return nil, wrapErr("get tags", err)
	}
	return tags, nil
}

// AddTags merges tags in one statement (an upsert per key; keys sorted so
// that two merges into one ARN take their row locks in the same order).
func (db *DB) AddTags(ctx context.Context, arn string, tags map[string]string) error {
	if len(tags) == 0 {
		return nil
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	values := make([]string, len(keys))
	for i, k := range keys {
		values[i] = tags[k]
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO tags (arn, key, value)
		SELECT $1, u.key, u.value FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(key, value, ord) ORDER BY u.ord
		ON CONFLICT (arn, key) DO UPDATE SET value = EXCLUDED.value`, arn, keys, values)
	return wrapErr("add tags", err)
}

func (db *DB) RemoveTags(ctx context.Context, arn string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	_, err := db.pool.Exec(ctx, `DELETE FROM tags WHERE arn = $1 AND key = ANY($2)`, arn, keys)
	return wrapErr("remove tags", err)
}

func (db *DB) DeleteTags(ctx context.Context, arn string) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM tags WHERE arn = $1`, arn)
	return wrapErr("delete tags", err)
}

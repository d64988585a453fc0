package postgres

import (
	"fmt"
	"math"
	"strconv"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
)

// defaultPageSize applies when Page.Size is 0 (or negative).
const defaultPageSize = 100

func pageSize(p inapp.Page) int {
	if p.Size <= 0 {
		return defaultPageSize
	}
	return p.Size
}

// Page tokens are the key of the last item of the previous page: a seq for
// creation order, a version number for version listings — the same tokens
// the SQLite backend issues. They are opaque to callers, but a token that
// does not parse is the caller's mistake.
func tokenKey(p inapp.Page, first int64) (int64, error) {
	if p.Token == "" {
		return first, nil
	}
	k, err := strconv.ParseInt(p.Token, 10, 64)
	if err != nil {
		return 0, inapp.Errorf(inapp.EINVALID, "Invalid next token %q.", p.Token)
	}
	return k, nil
}

// pageToken renders the key of the last item shown.
func pageToken(key int64) string { return strconv.FormatInt(key, 10) }

// afterSeq is the token key for listings in creation order.
func afterSeq(p inapp.Page) (int64, error) { return tokenKey(p, 0) }

// beforeVersion is the token key for version listings, newest first.
func beforeVersion(p inapp.Page) (int64, error) { return tokenKey(p, math.MaxInt64) }

// readPage collects the rows of a query that selected one row more than
// size (all rows when size < 0), each a (key, doc) pair. The extra row only
// says that another page exists, so the last page always ends with "".
func readPage[T any](rows pgx.Rows, size int) ([]*T, string, error) {
	defer rows.Close()
	items := []*T{}
	var last int64
	next := ""
	var key int64
	var doc string
	for rows.Next() {
		if len(items) == size {
			next = pageToken(last)
			break
		}
		if err := rows.Scan(&key, &doc); err != nil {
			return nil, "", err
		}
		item, err := decode[T](doc)
		if err != nil {
			return nil, "", err
		}
		items = append(items, item)
		last = key
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list: %w", err)
	}
	return items, next, nil
}

// readDocs collects the documents of a query that selects one doc column.
func readDocs[T any](rows pgx.Rows) ([]*T, error) {
	defer rows.Close()
	items := []*T{}
	var doc string
	for rows.Next() {
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		item, err := decode[T](doc)
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	rows.Close()
	return items, rows.Err()
}

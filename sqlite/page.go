package sqlite

import (
	"database/sql"
	"fmt"
	"math"
	"strconv"

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
// creation order, a version number for version listings. They are opaque
// to callers, but a token that does not parse is the caller's mistake.
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

// afterSeq is the token key for listings in creation order.
func afterSeq(p inapp.Page) (int64, error) { return tokenKey(p, 0) }

// beforeVersion is the token key for version listings, newest first.
func beforeVersion(p inapp.Page) (int64, error) { return tokenKey(p, math.MaxInt64) }

// readPage collects the rows of a query that selected one row more than
// size, each starting with its key. The extra row only says that another
// page exists, so the last page always ends with token "".
func readPage[T any](rows *sql.Rows, size int, scan func(*sql.Rows) (int64, *T, error)) ([]*T, string, error) {
	defer rows.Close()
	items := []*T{}
	var last int64
	next := ""
	for rows.Next() {
		if len(items) == size {
			next = strconv.FormatInt(last, 10)
			break
		}
		key, item, err := scan(rows)
		if err != nil {
			return nil, "", err
		}
		items = append(items, item)
		last = key
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlite: list: %w", err)
	}
	return items, next, nil
}

// keyedDoc scans the common (key, doc) row shape.
func keyedDoc[T any](rows *sql.Rows) (int64, *T, error) {
	var key int64
	var doc string
	if err := rows.Scan(&key, &doc); err != nil {
		return 0, nil, fmt.Errorf("sqlite: scan: %w", err)
	}
	v, err := decode[T](doc)
	return key, v, err
}
